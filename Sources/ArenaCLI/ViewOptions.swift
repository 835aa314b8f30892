import ArgumentParser
import ArenaModel
import ArenaRecording
import ArenaUI
import ArenaTerminal
import Foundation
import ArenaScreen

/// How the interactive inspector looks and samples.
struct ViewOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Colour theme: a name from Themes/ (dark, light, high-contrast, mono) or a path to a .theme file.", valueName: "name|path"),
        completion: .custom { _, _, prefix in ThemeLibrary.available().filter { $0.hasPrefix(prefix) } })
    var theme: String?

    @Option(help: ArgumentHelp("Milliseconds between samples.", valueName: "ms"))
    var interval: UInt32 = 100

    @Option(help: "Emulated workload steps between samples (at most 100000).")
    var stepsPerSample: UInt64 = 10

    /// About a tenth of a second of emulation a sample at most, so keys stay quick.
    static let maximumStepsPerSample: UInt64 = 100_000

    func validate() throws {
        try SamplingInterval.validate(interval)
        guard stepsPerSample <= Self.maximumStepsPerSample else {
            throw ValidationError("--steps-per-sample must be at most \(Self.maximumStepsPerSample)")
        }
    }

    /// The chosen theme (`ThemeError` where it cannot be had).
    func loadTheme() throws -> Theme {
        try ThemeLibrary.load(theme)
    }

    /// NO_COLOR (any non-empty value) turns colours off.
    var noColor: Bool { !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty }

    /// Opens the inspector on `source` until the user quits.
    func inspect(_ source: ArenaSource, theme: Theme) throws {
        try run(backend: backend(for: source), theme: theme)
    }

    /// A sampling backend at the chosen interval; an emulated source's workload advances
    /// `stepsPerSample` steps before each sample (a recording's pace is its own: see `Playback`).
    func backend(for source: ArenaSource) -> SamplingBackend {
        SamplingBackend(source: source, interval: Double(interval) / 1000, workloadSteps: stepsPerSample, clock: monotonicSeconds)
    }

    func run(backend: SamplingBackend, theme: Theme) throws {
        backend.sampleNow(runningDriver: false)
        if let reason = backend.goneReason { throw CLIError(reason, status: .unavailable) }
        let app = InspectorApp(backend: backend, width: 80, height: 24)
        if !backend.source.capabilities.contains(.timeline) {
            // Counted only where the walk fits in 5 ms: it runs on the key path with each sample.
            app.recording = SessionRecorder(
                interval: { [backend] in backend.interval }, clock: monotonicSeconds,
                tally: try? RecordCommand.tally(of: backend.source, seconds: 0.005))
        }
        defer { if let recording = app.recording, recording.isRecording { print(recording.stop()) } }
        try TerminalSession.run(app, theme: theme, noColor: noColor)
    }
}
