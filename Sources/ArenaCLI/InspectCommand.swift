import ArgumentParser
import ArenaEmulator
import ArenaTerminal

/// `arenascope [inspect]`: the interactive inspector, the default command. Its options
/// live here rather than on the root so that subcommands' own options of the same name
/// (--interval) are theirs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Open the inspector on a source (the default command).",
        discussion: "Without a source: the live arenas to choose from (as root), else the demo.")

    @OptionGroup var source: SourceOptions
    @OptionGroup var view: ViewOptions

    func run() throws {
        let theme = try view.loadTheme()
        if source.isChosen {
            try view.inspect(try source.open(), theme: theme)
            return
        }
        // Nothing chosen and no terminal to draw on (a pipe, TERM=dumb): the headless demo.
        guard TerminalScreen.cannotDraw == nil else {
            try HeadlessWatch(backend: view.backend(for: try EmulatedSource(workload: DemoCommand.defaultWorkload))).run(samples: DemoCommand.headlessSamples)
            return
        }
        switch try LivePicker.choose(view: view, theme: theme) {
        case .picked(let chosen): try view.inspect(chosen, theme: theme)
        case .nothing: try view.inspect(try EmulatedSource(workload: DemoCommand.defaultWorkload), theme: theme)
        case .cancelled: return
        }
    }
}
