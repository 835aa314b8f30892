import ArenaModel
import ArenaRecording
import Foundation
import Testing
import LiveTestSupport
@testable import ArenaLive

/// Recording a real kernel arena while BPF programs change it, and replaying it.
@Suite(.serialized, .needsLiveArenas) struct LiveRecordingTests {
    @Test func aLiveRecordingReplaysTheStatesAndBytesTheProgramsLeft() throws {
        let workload = try LiveWorkload()
        let source = try LiveSource(mapID: try workload.arenaID)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-live-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let head = try workload.buildList(count: 30)
        var writer: RecordingWriter?
        var snapshots: [Snapshot] = []
        var bytes: [[UInt32: [UInt8]]] = []
        for frame in 0..<6 {
            try workload.churn(steps: 20, seed: UInt64(frame + 1))
            let snapshot = try source.sample()
            if writer == nil {
                writer = try RecordingWriter(
                    path: path,
                    header: RecordingHeader(
                        geometry: snapshot.geometry, source: snapshot.source, bytesMode: .all, keyframeInterval: 4,
                        frameInterval: 0.1, createdAt: 0))
            }
            try writer!.append(snapshot, time: Double(frame) / 10, source: source)
            let backed = snapshot.pages.runs.filter(\.state.isBacked).flatMap { Array($0.first...$0.last) }
            bytes.append(try source.pageBytes(backed))
            snapshots.append(snapshot)
        }
        try writer!.finish()
        let free = try source.sample().freeRanges

        let reader = try RecordingReader(path: path)
        #expect(reader.frameCount == 6)
        #expect(reader.header.source.kind == .live)
        for frame in 0..<6 {
            #expect(try reader.frame(frame).pages == snapshots[frame].pages, "frame \(frame)")
            for (page, expected) in bytes[frame] {
                #expect(try reader.pageBytes(page, at: frame) == expected, "frame \(frame) page \(page)")
            }
        }
        let replay = try ReplaySource(reader: reader, name: "live.arec", frame: 5)
        let snapshot = try replay.sample()
        var chaser = ArenaReader(snapshot: snapshot) { try replay.pageBytes($0) }
        let chain = try chaser.chase(from: head, offset: 0, maxHops: 100, decoder: PointerDecoder(geometry: snapshot.geometry))
        #expect(chain.hops.count == 30 && chain.stop == .null, "the list the program built, from the recording")
        #expect(try source.sample().freeRanges == free, "recording changed nothing in the arena")
    }
}
