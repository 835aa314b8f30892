import ArgumentParser
import ArenaModel
import ArenaEmulator
import ArenaRecording
import ArenaSignals
import ArenaText
import ArenaTypes
import Foundation

/// `arenascope record`: frames of a source into a recording file.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record what a source shows, frame by frame, into a file for replay.",
        discussion: """
            An emulated source records as fast as it can: frame i is taken after (i+1)*K workload steps \
            (--steps-per-frame K), so it equals 'snapshot --emulate ... --steps S+(i+1)*K'; its frames are \
            stamped --interval apart. A live source is sampled every --interval. Without --frames or \
            --duration, an emulated source records 100 frames and a live one records until Ctrl-C. \
            Ctrl-C always ends a recording cleanly. Every frame keeps the objects its roots reach, by type \
            (the counts of 'arenascope objects', not the objects; at most 1,000,000 objects and 1 s a frame, \
            else the frame is left uncounted), which 'info' reads; --no-objects skips the walk. The file is written with mode \
            0600; docs/recording-format.md describes it.
            """)

    @OptionGroup var source: SourceOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("The recording file to write.", valueName: "file"), completion: .file(extensions: ["arec"]))
    var output: String
    @Option(help: "Stop after this many frames.")
    var frames: Int?
    @Option(help: ArgumentHelp("Stop after this many seconds of recording.", valueName: "seconds"))
    var duration: Double?
    @Option(help: ArgumentHelp("Milliseconds between frames.", valueName: "ms"))
    var interval: UInt32 = 100
    @Option(help: ArgumentHelp("Emulated workload steps before each frame.", valueName: "k"))
    var stepsPerFrame: UInt64 = 1
    @Option(help: ArgumentHelp("Page bytes to keep: all (every backed page, then changes), changed (only pages that change), none.", valueName: "mode"))
    var bytes: BytesMode = .all
    @Option(help: ArgumentHelp("Frames between keyframes.", valueName: "n"))
    var keyframeInterval: UInt32 = RecordingFormat.defaultKeyframeInterval
    @Flag(help: "Replace the file if it exists (a regular file only).")
    var force = false
    @Flag(inversion: .prefixedNo, help: "Count the objects the roots reach, by type, in every frame.")
    var objects = true
    @OptionGroup var json: OutputOptions

    /// About a second of emulation a frame at most.
    static let maximumStepsPerFrame: UInt64 = 1_000_000

    func validate() throws {
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1") }
        if let duration, !(duration > 0 && duration <= 86_400 * 365) { throw ValidationError("--duration must be a positive number of seconds") }
        try SamplingInterval.validate(interval)
        guard stepsPerFrame >= 1 && stepsPerFrame <= Self.maximumStepsPerFrame else {
            throw ValidationError("--steps-per-frame must be between 1 and \(Self.maximumStepsPerFrame)")
        }
        guard keyframeInterval >= 1 && keyframeInterval <= 4096 else { throw ValidationError("--keyframe-interval must be between 1 and 4096") }
        if source.replayFile != nil { throw ValidationError("a recording cannot be recorded again: copy the file") }
        if source.workload == nil && stepsPerFrame != 1 { throw ValidationError("--steps-per-frame goes with --emulate") }
    }

    func run() throws {
        let opened = try source.open()
        let emulated = opened.capabilities.contains(.workload)
        let seconds = Double(interval) / 1000
        let frameLimit = frames ?? (duration == nil && emulated ? 100 : Int.max)
        let timeLimit = duration ?? .infinity
        let backend = SamplingBackend(source: opened, interval: seconds, workloadSteps: stepsPerFrame, clock: monotonicSeconds)
        let first = try backend.snapshot()
        let header = RecordingHeader(recording: opened, from: first, bytesMode: bytes, keyframeInterval: keyframeInterval, frameInterval: seconds)
        let writer = try RecordingWriter(path: output, header: header, overwrite: force)
        let start = monotonicSeconds()
        // An emulated source's frames are stamped --interval apart; a live one's when taken.
        let time = { emulated ? Double(writer.frameCount) * seconds : monotonicSeconds() - start }
        let recorder = RecordingObserver(writer: writer, time: time, tally: objects ? try Self.tally(of: opened) : nil)
        backend.addObserver(recorder)
        let interrupt = SignalWatch([SIGINT, SIGTERM])
        let progress = ProgressLine()
        var failure: (any Error)?
        while writer.frameCount < frameLimit && !interrupt.isRaised && failure == nil {
            if time() > timeLimit { break }
            let wait = backend.timeUntilNextSample
            if !emulated && wait > 0 {
                sleep(until: monotonicSeconds() + wait, unless: { interrupt.isRaised })
                continue
            }
            switch backend.sampleNow() {
            case .sampled: failure = recorder.failure
            case .gone(let error), .failed(let error): failure = error
            }
            progress.show(
                "recording \(output): frame \(writer.frameCount)\(frameLimit == .max ? "" : "/\(frameLimit)") · \(Self.describe(time())) · \(Self.size(writer.fileSize)) (\(Self.share(writer.fileSize, of: writer.rawSize)) of raw)"
            )
        }
        progress.finish()
        let finished = Result { () throws(RecordingError) in try writer.finish() }
        if let failure {
            let error = CLIError(failure)
            let kept = writer.isIndexed ? "kept in \(output.terminalSafe)" : "kept in \(output.terminalSafe) without its index; it replays by scanning"
            throw CLIError("recording stopped after \(writer.frameCount) frames (\(kept)): \(error.message)", status: error.status)
        }
        try finished.get()
        let reader = try RecordingReader(path: output)
        print(
            json.json
                ? InfoCommand.json(reader, file: output)
                : "recorded \(reader.frameCount) frames (\(Self.describe(reader.duration))) to \(output.terminalSafe): \(Self.size(reader.fileSize)), \(Self.share(reader.fileSize, of: reader.rawSize)) of \(Self.size(reader.rawSize)) raw"
        )
    }

    /// Each frame's objects by type: an object walk bounded to keep recording at its pace
    /// (`seconds` a frame); a frame whose walk passes its bounds is not counted.
    static func tally(of source: ArenaSource, seconds: Double = 1) throws -> RecordingObserver.Tally {
        let catalog = try TypeLookup.catalog(of: source)
        let bounds = ObjectTraversal.Options(maxObjects: 1_000_000, timeLimit: seconds)
        return { snapshot, source in
            let map = try ObjectWalk.walk(source, catalog: catalog, snapshot: snapshot, options: bounds)
            return map.truncated ? nil : map.types
        }
    }

    static func describe(_ seconds: Double) -> String { String(format: "%.1f s", seconds) }

    static func size(_ bytes: UInt64) -> String {
        bytes < 1 << 20 ? String(format: "%.1f KiB", Double(bytes) / 1024) : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    static func share(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "-" }
        let percent = Double(part) * 100 / Double(whole)
        return percent >= 1 ? String(format: "%.1f%%", percent) : String(format: "%.2g%%", percent)
    }
}

extension BytesMode: ExpressibleByArgument {}
