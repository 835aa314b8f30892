import Testing
import ArenaModel
import ArenaTypes
@testable import ArenaEmulator

/// A page-fragment allocator's per-page counts held against the objects the walk reaches.
@Suite struct FragmentAllocatorTests {
    @Test func theFragWorkloadsCountsMatchWhatIsReached() throws {
        let source = try EmulatedSource(workload: "frag")
        let workload = try #require(source.workload as? FragWorkload)
        for steps in [0, 500, 3000] as [UInt64] {
            source.advance(steps)
            let walked = try ObjectWalk.runWithAllocators(
                source, catalog: TypeCatalog(source.typeBlobs()), snapshot: source.sample(),
                options: ObjectTraversal.Options()
            ) { source.sample() }
            let report = try #require(walked.fragments, "recognised by its page_frag_cur_page global")
            #expect(report.live == workload.liveObjects && report.reached == workload.liveObjects && report.findings.isEmpty, "\(report)")
        }
    }

    /// A page whose count says 3 while one object on it is reached, and one whose count says 1
    /// while two are: leaked objects, and freed ones still pointed at.
    @Test func countsThatDisagreeWithTheWalkAreSaid() throws {
        let frag = try EmulatedSource(workload: "frag")
        let arena = try EmulatedArena(maxPages: 16)
        let allocator = PageFragAllocator(arena: arena)
        let state = arena.allocPages(count: 1)
        let leaky = [allocator.allocate(16), allocator.allocate(16), allocator.allocate(16)]
        let page = arena.allocPages(count: 1)
        let (first, second) = (page + 4096 - 8 - 16, page + 4096 - 8 - 32)
        arena.bpfStorePointer(first, second)  // first.older = second
        arena.bpfStore(page + 4096 - 8, 1)  // but the count says one live
        let roots = [
            StructureRoot(name: "page_frag_cur_page", address: state, type: "u64 [2]", origin: "test"),
            StructureRoot(name: "kept", address: leaky[2], type: "struct frag_object", origin: "test"),
            StructureRoot(name: "chain", address: first, type: "struct frag_object", origin: "test"),
        ]
        let snapshot = Snapshot(source: SourceDescriptor(kind: .emulated), geometry: arena.geometry, pages: arena.pageMap(), roots: roots)
        let source = SlabAllocatorTests.Bytes(arena)
        let walked = try ObjectWalk.runWithAllocators(
            source, catalog: TypeCatalog(frag.typeBlobs()), snapshot: snapshot,
            options: ObjectTraversal.Options()
        ) { snapshot }
        let report = try #require(walked.fragments)
        #expect(report.pages == 2 && report.live == 4 && report.reached == 3)
        let texts = report.findings.map(\.text)
        #expect(
            texts.count == 2 && texts[0].contains("its count says 3 live, 1 reached (2 nothing reaches)")
                && texts[1].contains("its count says 1 live, 2 reached (1 freed but still pointed at)"), "\(texts)")
    }
}
