import ArenaLive
import ArenaUI
import ArenaTerminal
import Glibc
import ArenaScreen

/// Starting without a source: offer the live arenas, or say why not.
enum LivePicker {
    enum Choice {
        case picked(LiveSource)
        /// Nothing to pick here (a one-line reason was printed).
        case nothing
        case cancelled
    }

    static func choose(view: ViewOptions, theme: Theme) throws -> Choice {
        if let refusal = LiveDiagnosis.sampling {
            printError("arenascope: no live arenas to pick (\(refusal)); starting the emulated demo")
            sleep(1)
            return .nothing
        }
        let arenas = try ArenaSampler().arenas()
        guard !arenas.isEmpty else {
            printError("arenascope: no arenas on this system; starting the emulated demo (\(ArenaListing.demoHint))")
            sleep(1)
            return .nothing
        }
        let entries = arenas.map { PickerEntry(id: $0.record.id, line: ArenaListing.line($0, withRange: false) + "  " + ArenaListing.details($0)) }
        let picker = ArenaPicker(header: ArenaListing.header(withRange: false), entries: entries, width: 80, height: 24)
        try TerminalSession.run(picker, theme: theme, noColor: view.noColor)
        guard let id = picker.chosen else { return .cancelled }
        return .picked(try LiveSource(mapID: id))
    }
}
