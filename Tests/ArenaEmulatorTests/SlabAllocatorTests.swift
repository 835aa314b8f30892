import Testing
import ArenaModel
import ArenaTypes
@testable import ArenaEmulator

/// A slab allocator's bookkeeping read as the program keeps it: recognised by layout whatever
/// its names, its self-contradictions reported, never trusted silently.
@Suite struct SlabAllocatorTests {
    /// One interior descriptor over one leaf of `entries` slots, `live` of them marked
    /// allocated and `freed` more still pointed at, under types named unlike sched_ext's.
    static func arena(entries: UInt32, live: Int, freed: Int) throws -> (EmulatedArena, Snapshot, TypeCatalog) {
        var btf = BTFBuilder()
        let u64 = btf.int("unsigned long long", size: 8)
        let u32 = btf.int("unsigned int", size: 4)
        let words = (entries + 63) / 64
        let item = btf.structure("task_ctx", size: 32, [.field("pid", u64, at: 0), .field("runtime", u64, at: 8)])
        let table = btf.declareStruct()
        let node = btf.structure(
            "idx_node", size: 8 * words + 16,
            [
                .field("used", btf.array(of: u64, count: words, index: u32), at: 0),
                .field("avail", u64, at: 8 * words), .field("table", btf.pointer(to: table), at: 8 * words + 8),
            ])
        let slots = btf.union(
            "", size: entries * 8,
            [
                .field("down", btf.array(of: btf.pointer(to: node), count: entries, index: u32), at: 0),
                .field("items", btf.array(of: btf.pointer(to: item), count: entries, index: u32), at: 0),
            ])
        btf.define(table, name: "idx_table", size: entries * 8, members: [.field("", slots, at: 0)])
        let catalog = TypeCatalog([TypeBlob(origin: "test", btf: btf.build())])

        let arena = try EmulatedArena(maxPages: 64)
        let page = arena.allocPages(count: 1)
        let (top, leaf) = (page, page + 256)
        let (topTable, leafTable, items) = (arena.allocPages(count: 1), arena.allocPages(count: 1), arena.allocPages(count: 2))
        let freeCountOffset = UInt64(8 * words), tableOffset = UInt64(8 * words + 8)
        arena.bpfStorePointer(top + tableOffset, topTable)
        arena.bpfStore(top + freeCountOffset, UInt64(entries) - 1)
        arena.bpfStorePointer(topTable, leaf)
        arena.bpfStorePointer(leaf + tableOffset, leafTable)
        for slot in 0..<(live + freed) {
            arena.bpfStorePointer(leafTable + UInt64(8 * slot), items + UInt64(32 * slot))
            arena.bpfStore(items + UInt64(32 * slot), UInt64(1000 + slot))
            if slot < live { arena.bpfStore(leaf + UInt64(8 * (slot / 64)), arena.bpfLoad(leaf + UInt64(8 * (slot / 64))) | 1 << UInt64(slot % 64)) }
        }
        arena.bpfStore(leaf + freeCountOffset, UInt64(Int(entries) - live))
        let snapshot = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: arena.geometry, pages: arena.pageMap(),
            roots: [StructureRoot(name: "index", address: top, type: "struct idx_node", origin: "test")])
        return (arena, snapshot, catalog)
    }

    /// The arena's bytes as a source.
    final class Bytes: ArenaSource {
        let arena: EmulatedArena
        init(_ arena: EmulatedArena) { self.arena = arena }
        var descriptor: SourceDescriptor { SourceDescriptor(kind: .emulated) }
        var capabilities: SourceCapabilities { [.pageBytes] }
        func sample() throws -> Snapshot { Snapshot(source: descriptor, geometry: arena.geometry, pages: arena.pageMap()) }
        func pageBytes(_ page: UInt32) throws -> [UInt8] { arena.bytes(ofPage: page) ?? [] }
    }

    @Test func theLiveAndFreeSlotsComeFromTheBitmapWhateverTheNames() throws {
        let (arena, snapshot, catalog) = try Self.arena(entries: 64, live: 9, freed: 5)
        let reports = SlabAllocator.reports(catalog: catalog, snapshot: snapshot, source: Bytes(arena))
        let report = try #require(reports.first)
        #expect(reports.count == 1 && report.root == "index" && report.descriptorType == "struct idx_node" && report.dataType == "struct task_ctx")
        #expect(report.leaves == 1 && report.live.count == 9 && report.free.count == 5 && report.emptyLeaves == 0)
        #expect(report.contradictions.isEmpty, "\(report.contradictions)")
    }

    @Test func bookkeepingThatContradictsItselfIsSaid() throws {
        let (arena, snapshot, catalog) = try Self.arena(entries: 128, live: 3, freed: 2)
        let leaf = arena.bpfLoadPointer(arena.bpfLoadPointer(snapshot.roots[0].address + 8 * 2 + 8))
        arena.bpfStore(leaf + 8 * 2, 7)  // the free count: 7, where the bitmap leaves 125 free
        arena.bpfStore(leaf + 8, 1 << 63)  // slot 127 marked allocated, and nothing there
        let report = try #require(SlabAllocator.reports(catalog: catalog, snapshot: snapshot, source: Bytes(arena)).first)
        #expect(report.contradictions.contains { $0.contains("slot 127 is marked allocated but holds no pointer") }, "\(report.contradictions)")
        #expect(report.contradictions.contains { $0.contains("its free count says 7, its bitmap 124 free of 128") }, "\(report.contradictions)")
        #expect(report.live.count == 3, "the slots that are there still count")
    }

    @Test func theSlabWorkloadsBookkeepingMatchesItsTasks() throws {
        let source = try EmulatedSource(workload: "slab")
        let workload = try #require(source.workload as? SlabWorkload)
        for steps in [0, 300, 900, 2000] as [UInt64] {
            source.advance(steps)
            let report = try #require(SlabAllocator.reports(catalog: TypeCatalog(source.typeBlobs()), snapshot: source.sample(), source: source).first)
            #expect(report.live.count == workload.liveSlots && report.free.count == workload.slotsMade - workload.liveSlots)
            #expect(report.contradictions.isEmpty)
        }
    }

    /// Where no live slot is referred to from the roots, the program keeps its references out
    /// of sight (sched_ext's task storage): no slot is called a leak, and why is said.
    @Test func leaksAreNotJudgedWhereNoLiveSlotIsReferredTo() throws {
        let (arena, snapshot, catalog) = try Self.arena(entries: 64, live: 9, freed: 5)
        var report = try #require(SlabAllocator.reports(catalog: catalog, snapshot: snapshot, source: Bytes(arena)).first)
        var options = ObjectTraversal.Options()
        options.watch = SlabAllocator.Report.watch([report])
        var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot, options: options)
        let map = try traversal.run(roots: snapshot.roots) { pages in
            Dictionary(uniqueKeysWithValues: pages.compactMap { page in arena.bytes(ofPage: page).map { (page, $0) } })
        }
        report.judge(using: map)
        #expect(report.leaks.isEmpty && report.leaksUnjudged?.contains("nothing reached from the roots refers to any live slot") == true)
        #expect(report.stale.isEmpty)
    }

    /// On a changing arena the findings get a second look in a fresh sample: a stale pointer
    /// the program cleared meanwhile is not reported; one still there is.
    @Test func findingsStandOnlyWhereAFreshSampleStillShowsThem() throws {
        let source = try EmulatedSource(workload: "slab")
        source.advance(800)
        let catalog = TypeCatalog(source.typeBlobs())
        let held = try ObjectWalk.runWithAllocators(source, catalog: catalog, snapshot: source.sample(), options: ObjectTraversal.Options()) { source.sample() }
        let stale = try #require(held.allocators.first?.stale.first, "the workload's stale pointer")
        #expect(held.allocators.first?.violations.isEmpty == false && held.allocators.first?.leaks.isEmpty == false)
        let field = try #require(stale.address)
        let cleared = try ObjectWalk.runWithAllocators(source, catalog: catalog, snapshot: source.sample(), options: ObjectTraversal.Options()) {
            source.arena.bpfStorePointer(field, 0)  // the program clears last_exited between the two looks
            return source.sample()
        }
        #expect(cleared.allocators.first?.stale.isEmpty == true, "not seen twice")
        #expect(cleared.allocators.first?.leaks == held.allocators.first?.leaks && cleared.allocators.first?.violations == held.allocators.first?.violations)
    }
}
