import Foundation
import Testing
import ArenaEmulator
import ArenaModel
import ArenaRecording
import ArenaScreen
import ArenaText
import ArenaUI

/// The inspector collects, then draws (btop's `collect` then `draw`): page bytes are read in
/// the step after a sample, a key or a walk, between layout rounds, once a sample each,
/// shared with the recorder and the object walk; drawing only reads.
@Suite struct CollectThenDrawTests {
    /// An emulated source that counts the page reads asked of it, and which came one by one.
    final class CountingSource: ArenaSource {
        let inner: EmulatedSource
        private(set) var reads: [UInt32: Int] = [:]
        private(set) var singleReads = 0
        private var inBulk = false
        init(_ inner: EmulatedSource) { self.inner = inner }
        var descriptor: SourceDescriptor { inner.descriptor }
        var capabilities: SourceCapabilities { inner.capabilities }
        func sample() throws -> Snapshot { inner.sample() }
        func typeBlobs() throws -> [TypeBlob] { inner.typeBlobs() }
        func pageBytes(_ page: UInt32) throws -> [UInt8] {
            reads[page, default: 0] += 1
            if !inBulk { singleReads += 1 }
            return try inner.pageBytes(page)
        }
        func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
            inBulk = true
            defer { inBulk = false }
            for page in pages { try pageBytes(page).withUnsafeBytes { try body(page, $0) } }
        }
        var total: Int { reads.values.reduce(0, +) }
    }

    @Test func drawingNeverReadsAndEachPageIsReadOnceASample() throws {
        let emulated = try EmulatedSource(workload: "list")
        emulated.advance(30)
        let source = CountingSource(emulated)
        var now = 0.0
        let backend = SamplingBackend(source: source, interval: 0.1, clock: { now })
        backend.sampleNow()
        let app = InspectorApp(backend: backend, width: 100, height: 30)
        let afterStart = source.total
        #expect(afterStart > 0, "the first collect reads the pages shown")
        #expect(source.singleReads == 0, "the panes' pages are read in bulk between layout rounds, not by the panes")
        for _ in 0..<5 { _ = app.render() }
        #expect(source.total == afterStart, "drawing reads nothing")
        // Keys that move within what was read, and Enter following pointers: each page at most once this sample.
        for key in [InputEvent.tab, .tab, .down, .down, .enter, .enter, .backspace, .right] { _ = app.handle(key) }
        #expect(source.reads.values.allSatisfy { $0 == 1 }, "\(source.reads)")
        // A new sample: the pages shown are read again, once.
        let before = source.reads
        emulated.advance(1)
        now += 0.1
        app.absorb(backend.sampleNow())
        _ = app.render()
        #expect(source.reads.allSatisfy { page, count in count - (before[page] ?? 0) <= 1 }, "\(source.reads) after \(before)")
    }

    /// The object walk's copy and the panes share one read of each page a sample.
    @Test func theWalksCopyAndThePanesReadEachPageOnce() throws {
        let emulated = try EmulatedSource(workload: "leaky")
        emulated.advance(320)
        let source = CountingSource(emulated)
        let backend = SamplingBackend(source: source, interval: 1000, clock: { 0 })
        backend.sampleNow()
        let app = InspectorApp(backend: backend, width: 100, height: 30)
        for key in [InputEvent.tab, .character("O"), .character("O")] { _ = app.handle(key) }
        let shown = source.reads
        #expect(!shown.isEmpty, "the hexdump's page, read for the panes")
        _ = app.tick()  // the walk starts from a copy of every backed page
        let backed = backend.latest!.pages.backedPages
        #expect(Set(source.reads.keys) == Set(backed), "every backed page copied")
        #expect(source.reads.values.allSatisfy { $0 == 1 }, "the pages the panes had read are not read again: \(source.reads.filter { $0.value > 1 })")
        // Going to a page the copy holds reads nothing more this sample.
        _ = app.handle(.character("g"))
        for character in hex(backend.latest!.geometry.address(ofPage: backed.last!)) { _ = app.handle(.character(character)) }
        _ = app.handle(.enter)
        #expect(source.reads.values.allSatisfy { $0 == 1 })
    }

    /// Recording from the inspector (`r`): the frame's pages are the ones the panes and the
    /// walk show, each read once a sample whoever asks first. (A walk's bad pointers get a
    /// second look at the arena as it is now, so the workload here has none.)
    @Test func theRecorderThePanesAndTheWalkShareOneReadOfEachPage() throws {
        let emulated = try EmulatedSource(workload: "list")
        emulated.advance(320)
        let source = CountingSource(emulated)
        var now = 0.0
        let backend = SamplingBackend(source: source, interval: 1, clock: { now })
        backend.sampleNow()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-shared-reads-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, header: RecordingHeader(recording: source, from: backend.latest!, bytesMode: .all, frameInterval: 1))
        backend.addObserver(RecordingObserver(writer: writer, time: { now }))
        let app = InspectorApp(backend: backend, width: 100, height: 30)
        for key in [InputEvent.tab, .character("O"), .character("O")] { _ = app.handle(key) }
        for sample in 1...2 {
            let before = source.reads
            emulated.advance(1)
            now += 1
            #expect(app.tick(), "sample \(sample)")
            _ = app.tick()  // the walk starts from this sample's reads
            _ = app.render()
            let backed = backend.latest!.pages.backedPages
            #expect(
                source.reads.allSatisfy { page, count in count - (before[page] ?? 0) <= 1 },
                "sample \(sample): \(source.reads.filter { $0.value - (before[$0.key] ?? 0) > 1 })")
            #expect(backed.allSatisfy { source.reads[$0, default: 0] > before[$0, default: 0] }, "the frame has every backed page")
        }
        try writer.finish()
        #expect(writer.frameCount == 2)
    }
}
