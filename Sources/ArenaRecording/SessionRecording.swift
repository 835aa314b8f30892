import ArenaModel
import Foundation

/// Recording from inside the inspector (`r`): an observer of the inspector's backend that
/// writes frames only between `start` and `stop`.
public protocol SessionRecording: SampleObserver {
    var isRecording: Bool { get }
    /// Frames written by the recording in progress.
    var frameCount: Int { get }
    /// Starts recording with `snapshot` as the first frame; returns what to tell the user.
    func start(with snapshot: Snapshot, from source: ArenaSource) -> String
    /// Finishes the file; returns what to tell the user.
    func stop() -> String
}

/// Records every sample into `arenascope-DATE-TIME.arec` in the current directory.
public final class SessionRecorder: SessionRecording {
    private var observer: RecordingObserver?
    private let interval: () -> Double
    private let clock: () -> Double
    private let tally: RecordingObserver.Tally?

    /// `interval` gives the sampling interval when recording starts; `clock` the time in
    /// seconds; `tally` counts each frame's objects.
    public init(interval: @escaping () -> Double, clock: @escaping () -> Double, tally: RecordingObserver.Tally? = nil) {
        self.interval = interval
        self.clock = clock
        self.tally = tally
    }

    public var isRecording: Bool { observer != nil }
    public var frameCount: Int { observer?.writer.frameCount ?? 0 }

    public func start(with snapshot: Snapshot, from source: ArenaSource) -> String {
        let path = "arenascope-\(Self.stamp(Date())).arec"
        let header = RecordingHeader(recording: source, from: snapshot, bytesMode: .all, frameInterval: interval())
        do {
            let writer = try RecordingWriter(path: path, header: header)
            try writer.append(snapshot, time: 0, source: source, tallies: try tally?(snapshot, source) ?? nil)
            let startedAt = clock()
            observer = RecordingObserver(writer: writer, time: { [clock] in clock() - startedAt }, tally: tally)
            return "recording to \(path) (r stops)"
        } catch {
            return "cannot record: \(error)"
        }
    }

    public func observe(_ snapshot: Snapshot, from source: ArenaSource) throws {
        try observer?.observe(snapshot, from: source)
    }

    public func stop() -> String {
        guard let writer = observer?.writer else { return "not recording" }
        observer = nil
        do {
            try writer.finish()
            return "recorded \(writer.frameCount) frames to \(writer.path)"
        } catch {
            return "recording \(writer.path) is incomplete: \(error)"
        }
    }

    private static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
