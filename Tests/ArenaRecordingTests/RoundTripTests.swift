import ArenaEmulator
import ArenaModel
import ArenaRecording
import Foundation
import Glibc
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: WorkloadCatalog.names)
    func everyFrameReplaysItsPagesRootsAndBytes(workload: String) throws {
        let recorded = try RecordedWorkload.record(workload, frames: 20)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        #expect(reader.isComplete && reader.damage == nil)
        #expect(reader.frameCount == 20)
        #expect(reader.keyframeCount == 3, "frames 0, 8 and 16")
        for (frame, expected) in recorded.snapshots.enumerated() {
            let (pages, meta) = try reader.frame(frame)
            #expect(pages == expected.pages, "frame \(frame) pages")
            #expect(meta.roots == expected.roots)
            #expect(meta.details.map(\.key) == expected.source.details.map(\.key))
            #expect(reader.time(ofFrame: frame) == Double(frame) / 10)
            for (page, bytes) in recorded.bytes[frame] {
                #expect(try reader.pageBytes(page, at: frame) == bytes, "frame \(frame) page \(page)")
            }
        }
    }

    @Test func randomSeeksAgreeWithTheFramesInOrder() throws {
        let recorded = try RecordedWorkload.record(frames: 40, keyframeInterval: 6)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<120 {
            let frame = generator.below(40)
            #expect(try reader.frame(frame).pages == recorded.snapshots[frame].pages, "frame \(frame)")
            if let page = recorded.bytes[frame].keys.sorted().dropFirst(generator.below(8)).first {
                #expect(try reader.pageBytes(page, at: frame) == recorded.bytes[frame][page])
            }
        }
        #expect(reader.frame(atTime: 1.25) == 12)
        #expect(reader.frame(atTime: -3) == 0)
        #expect(reader.frame(atTime: 1e9) == 39)
    }

    @Test func changedModeKeepsOnlyPagesThatChange() throws {
        let recorded = try RecordedWorkload.record(frames: 12, mode: .changed, keyframeInterval: 4)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        var unrecorded = 0
        var recordedPages = 0
        for frame in 0..<12 {
            for (page, bytes) in recorded.bytes[frame] {
                let changedSinceStart = frame > 0 && recorded.bytes[0][page] != bytes
                do {
                    #expect(try reader.pageBytes(page, at: frame) == bytes)
                    recordedPages += 1
                } catch let error as ReadError {
                    guard case .unavailable = error else { throw error }
                    #expect(!changedSinceStart, "frame \(frame) page \(page) changed, so it must be recorded")
                    unrecorded += 1
                }
            }
        }
        #expect(unrecorded > 0 && recordedPages > 0)
    }

    @Test func noneModeKeepsStatesOnly() throws {
        let recorded = try RecordedWorkload.record(frames: 5, mode: .none)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        #expect(try reader.frame(4).pages == recorded.snapshots[4].pages)
        let page = try #require(recorded.bytes[4].keys.first)
        #expect(throws: ReadError.self) { try reader.pageBytes(page, at: 4) }
        #expect(reader.rawSize == 5 * 4096, "one byte a page a frame")
    }

    @Test func unbackedPagesAreRefusedNotInvented() throws {
        let recorded = try RecordedWorkload.record(frames: 3)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        let free = try #require(recorded.snapshots[2].pages.runs.first { $0.state == .free })
        #expect(throws: ReadError.notBacked(address: recorded.snapshots[2].geometry.address(ofPage: free.first), page: free.first, state: .free)) {
            try reader.pageBytes(free.first, at: 2)
        }
        #expect(throws: RecordingError.noSuchFrame(3, count: 3)) { try reader.frame(3) }
    }

    @Test func filesArePrivateAndNotSilentlyReplaced() throws {
        let path = temporaryPath("mode")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o644])
        let header = RecordingHeader(
            geometry: ArenaGeometry(maxPages: 16, userVMStart: 0x1000_0000, flags: .mmapable),
            source: SourceDescriptor(kind: .emulated), bytesMode: .all, frameInterval: 0.1, createdAt: 0)
        #expect(throws: RecordingError.self) { try RecordingWriter(path: path, header: header) }
        let writer = try RecordingWriter(path: path, header: header, overwrite: true)
        try writer.finish()
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let fresh = temporaryPath("fresh")
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let old = umask(0)
        defer { umask(old) }
        try RecordingWriter(path: fresh, header: header).finish()
        #expect(stat(fresh, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func eachFrameKeepsItsObjectCountsByType() throws {
        func tallies(_ frame: Int) -> [TypeTally]? {
            frame % 3 == 2
                ? nil
                : [
                    TypeTally(type: "struct node", count: 10 * frame, bytes: 160 * UInt64(frame)),
                    TypeTally(type: "struct head", count: 1, bytes: 8),
                ]
        }
        let recorded = try RecordedWorkload.record(frames: 9, keyframeInterval: 4, tallies: tallies)
        defer { recorded.remove() }
        let reader = try RecordingReader(path: recorded.path)
        for frame in 0..<9 { #expect(try reader.tallies(ofFrame: frame) == tallies(frame), "frame \(frame)") }
        #expect(throws: RecordingError.self) { try reader.tallies(ofFrame: 9) }
        let source = try ReplaySource(reader: reader, name: "x.arec", frame: 4)
        #expect(try source.sample().source.details.first { $0.key == "objects" }?.value == .number(41), "40 nodes and the head")
        source.seek(to: 5)
        #expect(try source.sample().source.details.contains { $0.key == "objects" } == false, "not counted in frame 5")
    }

    @Test func replaySourceMovesAlongItsTimeline() throws {
        let recorded = try RecordedWorkload.record(frames: 10)
        defer { recorded.remove() }
        let source = try ReplaySource(reader: RecordingReader(path: recorded.path), name: "x.arec", frame: 4)
        #expect(source.position == 4)
        let snapshot = try source.sample()
        #expect(snapshot.source.kind == .replay)
        #expect(snapshot.pages == recorded.snapshots[4].pages)
        source.seek(to: 99)
        #expect(source.position == 9)
        source.seek(to: -5)
        #expect(source.position == 0)
        #expect(throws: RecordingError.noSuchFrame(10, count: 10)) { try ReplaySource(reader: source.reader, name: "x", frame: 10) }
    }

    @Test func theSourcesTypesAndShapesAreKeptForTheReplay() throws {
        let source = try EmulatedSource(workload: "churn", seed: 3, pages: 256)
        source.advance(50)
        let first = source.sample()
        let header = RecordingHeader(recording: source, from: first, bytesMode: .none, frameInterval: 0.1)
        #expect(header.shapes == source.shapeTexts() && header.shapes.first?.text.contains("owns pages * 4096") == true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shapes-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, header: header)
        try writer.append(first, time: 0, source: source)
        try writer.finish()
        let replay = try ReplaySource(reader: RecordingReader(path: path), name: "shapes.arec")
        #expect(replay.typeBlobs() == source.typeBlobs())
        #expect(replay.shapeTexts() == source.shapeTexts(), "the replay walks as the source did")
    }
}
