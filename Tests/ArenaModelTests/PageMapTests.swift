import Testing
@testable import ArenaModel

@Suite struct PageMapTests {
    func map(_ states: [PageState]) -> PageMap {
        states.map(\.rawValue).withUnsafeBufferPointer { PageMap(states: $0) }
    }

    @Test func buildsMaximalRunsInPageOrder() {
        let pages = map([.free, .free, .allocated, .mapped, .mapped, .reserved, .free])
        #expect(
            pages.runs == [
                PageRun(first: 0, count: 2, state: .free), PageRun(first: 2, count: 1, state: .allocated),
                PageRun(first: 3, count: 2, state: .mapped), PageRun(first: 5, count: 1, state: .reserved),
                PageRun(first: 6, count: 1, state: .free),
            ])
        #expect(pages.freeRanges == [PageRange(first: 0, last: 1), PageRange(first: 6, last: 6)])
        #expect(pages.state(ofPage: 4) == .mapped)
        #expect(pages.state(ofPage: 5) == .reserved)
        #expect(pages.state(ofPage: 6) == .free)
    }

    @Test func validatesRunLists() {
        #expect(throws: PageMapError.gap(expectedFirst: 2, found: 3)) {
            try PageMap(pageCount: 5, runs: [PageRun(first: 0, count: 2, state: .free), PageRun(first: 3, count: 2, state: .mapped)])
        }
        #expect(throws: PageMapError.unmergedNeighbours(at: 2)) {
            try PageMap(pageCount: 4, runs: [PageRun(first: 0, count: 2, state: .free), PageRun(first: 2, count: 2, state: .free)])
        }
        #expect(throws: PageMapError.wrongTotal(covered: 2, pageCount: 4)) {
            try PageMap(pageCount: 4, runs: [PageRun(first: 0, count: 2, state: .free)])
        }
        #expect(throws: PageMapError.emptyRun(at: 0)) {
            try PageMap(pageCount: 0, runs: [PageRun(first: 0, count: 0, state: .free)])
        }
        let valid = try? PageMap(pageCount: 3, runs: [PageRun(first: 0, count: 1, state: .reserved), PageRun(first: 1, count: 2, state: .free)])
        #expect(valid?.state(ofPage: 0) == .reserved)
    }

    @Test func largestArenaIsCheapWhenIdle() {
        var builder = PageMapBuilder()
        builder.append(.allocated, count: 3)
        let pages = builder.build(pageCount: 1 << 20)
        #expect(pages.runs.count == 2)
        #expect(pages.state(ofPage: (1 << 20) - 1) == .free)
        #expect(pages.state(ofPage: 2) == .allocated)
    }

    @Test func mergingJoinsOverlappingAndTouchingRangesInAnyOrder() {
        let ranges = [
            PageRange(first: 10, last: 12), PageRange(first: 0, last: 3), PageRange(first: 4, last: 4),
            PageRange(first: 11, last: 20), PageRange(first: 30, last: 30), PageRange(first: 2, last: 2),
        ]
        #expect(PageRange.merged(ranges) == [PageRange(first: 0, last: 4), PageRange(first: 10, last: 20), PageRange(first: 30, last: 30)])
        #expect(PageRange.merged([]).isEmpty)
    }

    @Test func relabellingChangesOnlyPagesOfTheGivenStateInsideTheRanges() {
        let pages = map([.allocated, .allocated, .free, .allocated, .allocated, .allocated, .reserved, .allocated])
        let ranges = [PageRange(first: 1, last: 3), PageRange(first: 5, last: 7)]
        #expect(
            pages.relabelling(ranges, from: .allocated, to: .mapped)
                == map([.allocated, .mapped, .free, .mapped, .allocated, .mapped, .reserved, .mapped]))
        #expect(pages.relabelling([], from: .allocated, to: .mapped) == pages)
    }

    @Test func relabellingAgreesWithAPageByPageReference() {
        let states: [PageState] = [.free, .allocated, .mapped, .reserved]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(seed % UInt64(bound))
        }
        for _ in 0..<300 {
            let count = 1 + next(200)
            let before = (0..<count).map { _ in next(3) == 0 ? states[next(4)] : .allocated }
            var ranges: [PageRange] = []
            var page = next(5)
            while page < count {
                let last = min(count - 1, page + next(12))
                ranges.append(PageRange(first: UInt32(page), last: UInt32(last)))
                page = last + 2 + next(10)
            }
            let expected = before.indices.map { index in
                before[index] == .allocated && ranges.contains { $0.contains(UInt32(index)) } ? PageState.mapped : before[index]
            }
            #expect(map(before).relabelling(ranges, from: .allocated, to: .mapped) == map(expected))
        }
    }

    @Test func statsCountEveryStateAndFragmentation() {
        let stats = ArenaStats(map([.free, .allocated, .free, .free, .mapped, .allocated, .reserved, .free]))
        #expect(stats.freePages == 4)
        #expect(stats[.allocated] == 2)
        #expect(stats[.mapped] == 1)
        #expect(stats[.reserved] == 1)
        #expect(stats.freeRanges == 3)
        #expect(stats.largestFree == 2)
        #expect(stats.backedExtents == 2)
        #expect(abs(stats.fragmentation - 0.5) < 1e-9)
        #expect(ArenaStats(map([.allocated])).fragmentation == 0)
    }

    @Test func binsCountStatesPerCell() {
        let pages = map([.free, .allocated, .allocated, .mapped, .reserved, .free, .free])
        let bins = pages.bins(from: 1, pagesPerBin: 3, count: 3)
        #expect(bins[0][.allocated] == 2 && bins[0][.mapped] == 1 && bins[0].total == 3)
        #expect(bins[0].dominant == .allocated && bins[0].isMixed)
        #expect(bins[1][.reserved] == 1 && bins[1][.free] == 2 && bins[1].dominant == .free)
        #expect(bins[2].total == 0)
    }

    @Test func diffReportsStateChangesAndFreedPages() {
        let old = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: ArenaGeometry(maxPages: 6, userVMStart: 0x1000_0000, flags: .mmapable),
            pages: map([.allocated, .allocated, .mapped, .free, .free, .reserved]))
        let new = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: old.geometry,
            pages: map([.allocated, .free, .free, .free, .allocated, .reserved]))
        let diff = SnapshotDiff(from: old, to: new)
        #expect(
            diff.stateChanges == [
                StateChange(range: PageRange(first: 1, last: 1), from: .allocated, to: .free),
                StateChange(range: PageRange(first: 2, last: 2), from: .mapped, to: .free),
                StateChange(range: PageRange(first: 4, last: 4), from: .free, to: .allocated),
            ])
        #expect(diff.freed == [PageRange(first: 1, last: 1), PageRange(first: 2, last: 2)])
        #expect(diff.changedPageCount == 3)
    }
}

@Suite struct RootNoteTests {
    @Test func aRootOutsideTheArenaSaysItIsNotRead() {
        let geometry = ArenaGeometry(maxPages: 4, userVMStart: 0x1000_0000, flags: .mmapable)
        let inside = StructureRoot(name: "list", address: 0x1000_0010, type: "struct list", origin: "arena global")
        let outside = StructureRoot(name: "stale", address: 0x2000_0000, origin: "map .bss")
        #expect(inside.note(in: geometry) == nil)
        #expect(outside.note(in: geometry) == "outside the arena: not read")
        #expect(StructureRoot(name: "null", address: 0, origin: "workload").note(in: geometry) != nil)
    }
}
