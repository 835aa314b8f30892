import ArenaModel
import ArenaTypes
import CLibBPF
import Testing
import LiveTestSupport
@testable import ArenaLive

/// Roots of arenas built by programs shaped like users' (bpf/roots.bpf.c, loaded by libbpf
/// 1.4+): `__arena` globals, `.bss` pointers, untyped words, a second arena in one process.
@Suite(.serialized, .needsLiveArenas) struct LiveRootsTests {
    @Test func arenaGlobalsAndGlobalPointersAreNamedTypedRoots() throws {
        let program = try RootsProgram()
        #expect(try program.add(3, first: 10) == 3)
        let source = try LiveSource(mapID: try program.arenaID)
        let snapshot = try source.sample()
        let roots = Dictionary(snapshot.roots.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let list = try #require(roots["list"], "the arena global: \(snapshot.roots.map(\.name))")
        #expect(list.type == "struct arena_list_head" && list.origin == "arena global")
        #expect(snapshot.geometry.page(containing: list.address) != nil, "inside the arena")
        let counters = try #require(roots["counters"])
        #expect(counters.type == "__u64 [4]" && counters.origin == "arena global")

        let pointer = try #require(roots["list_ptr"], ".bss pointer into the arena")
        #expect(pointer.address == list.address, "it points at the arena global list")
        #expect(pointer.type == "struct arena_list_head" && pointer.origin.hasSuffix(".bss"))
        let scratch = try #require(roots["config.scratch"], "a void * inside a struct variable")
        #expect(scratch.type == nil && scratch.address == counters.address + 8)
        let last = try #require(roots["last_added"], "a plain integer holding an arena address")
        #expect(last.type == nil)

        // What the roots say matches the arena's bytes: the list's first node is the last element added.
        var reader = ArenaReader(snapshot: snapshot, source: source)
        #expect(try reader.word(at: list.address) == last.address)
        #expect(try reader.word(at: counters.address) == 3)
    }

    /// Without the sampler (a host under lockdown), the maps' and programs' info and the
    /// holders' mappings tell the same about an arena as the sampler does, page states aside.
    @Test func withoutTheSamplerAnArenaIsDescribedAsTheSamplerDescribesIt() throws {
        let program = try RootsProgram()
        try program.add(2, first: 5)
        let id = try program.arenaID
        let sampled = try #require(try ArenaSampler().arenas().first { $0.record.id == id })
        let described = try #require(try LiveArenaSummary.withoutSampler().first { $0.record.id == id })
        #expect(described.pages == nil)
        #expect(described.record.name == sampled.record.name && described.record.maxPages == sampled.record.maxPages)
        #expect(described.record.flags == sampled.record.flags)
        #expect(described.record.userVMStart == sampled.record.userVMStart && described.record.userVMEnd == sampled.record.userVMEnd)
        #expect(described.programs.map(\.name) == sampled.programs.map(\.name))
        #expect(Set(sampled.pids).isSubset(of: described.pids), "the mapping processes, and the holders of its fd")
        #expect(described.globals?.place == sampled.globals?.place && described.globals?.pages == sampled.globals?.pages)

        let (geometry, roots) = try LiveRoots.withoutSampler(mapID: id)
        let sampledRoots = try LiveSource(mapID: id).sample().roots
        #expect(geometry.userVMStart == sampled.record.userVMStart)
        #expect(roots.map(\.name).sorted() == sampledRoots.map(\.name).sorted() && roots.map(\.address).sorted() == sampledRoots.map(\.address).sorted())
    }

    /// The layout libbpf >= 1.7 gives on 7.0+ kernels, built by hand for the libbpf here: the
    /// globals in the arena's last page, found from where the instructions load them.
    @Test func arenaGlobalsAtTheEndOfTheArenaAreFoundThere() throws {
        let program = try RootsProgram(globalsAtEnd: ())
        let seen = try program.touchEnd(4242)
        let source = try LiveSource(mapID: try program.arenaID)
        let snapshot = try source.sample()
        let start = snapshot.geometry.userVMStart
        #expect(seen >= start + UInt64(WL_END_GLOBALS_OFFSET), "the program loads its globals from the last page")
        let roots = Dictionary(snapshot.roots.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let counters = try #require(roots["end_counters"], "\(snapshot.roots.map(\.name))")
        #expect(counters.address == seen && counters.type == "__u64 [4]" && counters.origin == "arena global")
        #expect(try #require(roots["end_list"]).address >= start + UInt64(WL_END_GLOBALS_OFFSET))
        #expect(source.globals?.place == "end" && source.globals?.pages == 1)
        var reader = ArenaReader(snapshot: snapshot, source: source)
        #expect(try reader.word(at: counters.address) == 4242, "the root's bytes are the program's")
    }

    @Test func twoArenasInOneProcessEachHaveTheirOwnRoots() throws {
        let first = try RootsProgram()
        let second = try RootsProgram()
        try first.add(1)
        try second.add(2)
        let one = try LiveSource(mapID: try first.arenaID).sample()
        let two = try LiveSource(mapID: try second.arenaID).sample()
        let firstList = try #require(one.roots.first { $0.name == "list" })
        let secondList = try #require(two.roots.first { $0.name == "list" })
        #expect(one.geometry.page(containing: firstList.address) != nil)
        #expect(two.geometry.page(containing: secondList.address) != nil)
        #expect(firstList.address != secondList.address, "each arena's globals are its own")
    }

    @Test func theGlobalsAreFoundWhereTheInstructionsLoadThem() {
        // Globals at the end of a 16-page arena (libbpf >= 1.7 on 7.0+), one page of them.
        let geometry = ArenaGeometry(maxPages: 16, userVMStart: 0x1_0000_0000, flags: .mmapable)
        let section = [
            SectionVariable(name: "a", offset: 0, size: 8, type: TypeRef(blob: 0, id: 1)),
            SectionVariable(name: "b", offset: 64, size: 8, type: TypeRef(blob: 0, id: 1)),
        ]
        let end = geometry.userVMEnd - 4096
        #expect(LiveRoots.globalsBase(section, loads: [end, end + 64, 0x40], geometry: geometry) == end)
        #expect(LiveRoots.globalsBase(section, loads: [geometry.userVMStart + 64], geometry: geometry) == geometry.userVMStart)
        #expect(LiveRoots.globalsBase(section, loads: [], geometry: geometry) == nil, "no load: not assumed")
        // A load in page 5 that only fits a section starting there.
        let page5 = geometry.userVMStart + 5 * 4096
        #expect(LiveRoots.globalsBase(section, loads: [page5 + 64], geometry: geometry) == page5)
    }
}
