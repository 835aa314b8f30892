import Testing
import ArenaEmulator
import ArenaModel
import ArenaScreen
import ArenaText
import ArenaUI

/// The inspector collects, then draws (btop's `collect` then `draw`): page bytes are read in
/// the step after a sample, a key or a walk, once a sample each; drawing only reads.
@Suite struct CollectThenDrawTests {
    /// An emulated source that counts the page reads asked of it.
    final class CountingSource: ArenaSource {
        let inner: EmulatedSource
        private(set) var reads: [UInt32: Int] = [:]
        init(_ inner: EmulatedSource) { self.inner = inner }
        var descriptor: SourceDescriptor { inner.descriptor }
        var capabilities: SourceCapabilities { inner.capabilities }
        func sample() throws -> Snapshot { inner.sample() }
        func typeBlobs() throws -> [TypeBlob] { inner.typeBlobs() }
        func pageBytes(_ page: UInt32) throws -> [UInt8] {
            reads[page, default: 0] += 1
            return try inner.pageBytes(page)
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
        _ = app.tick() // the walk starts from a copy of every backed page
        let backed = backend.latest!.pages.backedPages
        #expect(Set(source.reads.keys) == Set(backed), "every backed page copied")
        #expect(source.reads.values.allSatisfy { $0 == 1 }, "the pages the panes had read are not read again: \(source.reads.filter { $0.value > 1 })")
        // Going to a page the copy holds reads nothing more this sample.
        _ = app.handle(.character("g"))
        for character in hex(backend.latest!.geometry.address(ofPage: backed.last!)) { _ = app.handle(.character(character)) }
        _ = app.handle(.enter)
        #expect(source.reads.values.allSatisfy { $0 == 1 })
    }
}
