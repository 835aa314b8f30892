import ArenaModel
import ArenaRecording
import ArenaUI
import Foundation

/// `r` in the inspector: records every sample into `arenascope-DATE-TIME.arec` in the
/// current directory until `r` again or quit.
final class InspectorRecording: SessionRecording {
    private var writer: RecordingWriter?
    private var startedAt = 0.0
    private let interval: () -> Double

    /// `interval` gives the sampling interval when recording starts.
    init(interval: @escaping () -> Double) { self.interval = interval }

    var isRecording: Bool { writer != nil }
    var frameCount: Int { writer?.frameCount ?? 0 }

    func start(with snapshot: Snapshot, from source: ArenaSource) -> String {
        let stamp = Self.stamp(Date())
        let path = "arenascope-\(stamp).arec"
        var header = RecordingHeader(geometry: snapshot.geometry, source: snapshot.source, bytesMode: .all,
                                     frameInterval: interval(), createdAt: UInt64(Date().timeIntervalSince1970))
        header.types = TypeLookup.blobsForRecording(source)
        do {
            let writer = try RecordingWriter(path: path, header: header)
            try writer.append(snapshot, time: 0, source: source)
            self.writer = writer
            startedAt = monotonicSeconds()
            return "recording to \(path) (r stops)"
        } catch {
            return "cannot record: \(CLIError(error).message)"
        }
    }

    func record(_ snapshot: Snapshot, from source: ArenaSource) -> String? {
        guard let writer else { return nil }
        do {
            try writer.append(snapshot, time: monotonicSeconds() - startedAt, source: source)
            return nil
        } catch {
            return "frame not recorded: \(CLIError(error).message)"
        }
    }

    func stop() -> String {
        guard let writer else { return "not recording" }
        self.writer = nil
        do {
            try writer.finish()
            return "recorded \(writer.frameCount) frames to \(writer.path)"
        } catch {
            return "recording \(writer.path) is incomplete: \(CLIError(error).message)"
        }
    }

    private static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
