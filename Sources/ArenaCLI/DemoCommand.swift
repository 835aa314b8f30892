import ArgumentParser
import ArenaModel
import ArenaEmulator
import ArenaLive
import ArenaUI
import Foundation
import ArenaText
import ArenaTerminal

/// `arenascope demo`: an arena that keeps changing, watched sample by sample.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch an arena change: an emulated one, or with --live a real kernel arena (root).",
        discussion: """
            In a terminal this opens the inspector. With --headless, or when output is not a terminal \
            (or TERM is dumb or unset), it prints the arena, then one line a sample, then the page map again.
            """)

    static let defaultWorkload = "churn"
    static let headlessSamples = 30

    @Option(help: ArgumentHelp("Emulated workload to run (see 'arenascope workloads').", valueName: "workload"), completion: .list(WorkloadCatalog.names))
    var workload = defaultWorkload
    @Flag(help: "Create a real arena driven by BPF programs instead (needs root: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN).")
    var live = false
    @Option(help: "Seed of the emulated workload.")
    var seed: UInt64 = 1
    @Flag(help: "Print text instead of opening the inspector.")
    var headless = false
    @Option(help: "Samples to take before stopping (headless).")
    var samples: Int = headlessSamples
    @OptionGroup var view: ViewOptions

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }

    private var interactive: Bool { !headless && TerminalScreen.cannotDraw == nil }

    func run() throws {
        let theme = try view.loadTheme()
        let backend: SamplingBackend
        if live {
            let demo: LiveDemo
            do {
                demo = try LiveDemo()
            } catch {
                guard error.isRefusal else { throw error }
                let instead = if case .notPermitted = error { "without privileges" } else { "on any kernel" }
                throw CLIError(error.description + "; 'arenascope demo' runs the emulated demo \(instead)", status: .noPermission)
            }
            backend = view.backend(for: demo.source)
            backend.driver = demo.step
        } else {
            backend = view.backend(for: try EmulatedSource(workload: workload, seed: seed))
        }
        if interactive {
            try view.run(backend: backend, theme: theme)
        } else {
            try HeadlessWatch(backend: backend).run(samples: samples)
        }
    }
}
