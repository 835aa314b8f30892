import ArenaEmulator
import ArenaModel
import ArenaRecording
import Foundation

/// Recordings of emulated workloads made in a temporary folder, with the snapshots and
/// page bytes they should replay.
struct RecordedWorkload {
    let path: String
    /// What each frame should show, taken while recording.
    let snapshots: [Snapshot]
    let bytes: [[UInt32: [UInt8]]]

    static func record(
        _ workload: String = "churn", frames: Int, stepsPerFrame: UInt64 = 3, mode: BytesMode = .all,
        keyframeInterval: UInt32 = 8, pages: UInt32? = 4096, seed: UInt64 = 7,
        tallies: (Int) -> [TypeTally]? = { _ in nil }
    ) throws -> RecordedWorkload {
        let source = try EmulatedSource(workload: workload, seed: seed, pages: pages)
        let path = temporaryPath("\(workload)-\(mode.rawValue)")
        var snapshots: [Snapshot] = []
        var bytes: [[UInt32: [UInt8]]] = []
        var writer: RecordingWriter?
        for frame in 0..<frames {
            source.advance(stepsPerFrame)
            let snapshot = source.sample()
            if writer == nil {
                writer = try RecordingWriter(
                    path: path,
                    header: RecordingHeader(
                        geometry: snapshot.geometry, source: snapshot.source, bytesMode: mode,
                        keyframeInterval: keyframeInterval, frameInterval: 0.1, createdAt: 0))
            }
            try writer!.append(snapshot, time: Double(frame) * 0.1, source: source, tallies: tallies(frame))
            snapshots.append(snapshot)
            var pageBytes: [UInt32: [UInt8]] = [:]
            for run in snapshot.pages.runs where run.state.isBacked {
                for page in run.first...run.last { pageBytes[page] = try source.pageBytes(page) }
            }
            bytes.append(pageBytes)
        }
        try writer!.finish()
        return RecordedWorkload(path: path, snapshots: snapshots, bytes: bytes)
    }

    var fileBytes: [UInt8] { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-\(name)-\(UUID().uuidString).arec").path
}
