import Testing
import ArenaModel
@testable import ArenaEmulator

/// A deliberately naive model of the kernel's range tree: a sorted list of free ranges,
/// each stamped with the time it was last inserted, searched linearly.
struct ReferenceRangeTree {
    var ranges: [(first: UInt32, last: UInt32, stamp: Int)]
    var clock = 0

    init(pages: UInt32) { ranges = [(0, pages - 1, 0)] }

    mutating func stamp() -> Int { clock += 1; return clock }

    func find(_ count: UInt32) -> UInt32? {
        ranges.filter { $0.last - $0.first + 1 >= count }
            .min { a, b in
                let (sizeA, sizeB) = (a.last - a.first, b.last - b.first)
                return sizeA != sizeB ? sizeA < sizeB : a.stamp > b.stamp
            }?.first
    }

    func isSet(_ first: UInt32, _ count: UInt32) -> Bool {
        ranges.contains { $0.first <= first && UInt64($0.last) >= UInt64(first) + UInt64(count) - 1 }
    }

    mutating func clear(_ first: UInt32, _ count: UInt32) {
        let last = first + count - 1
        var result: [(first: UInt32, last: UInt32, stamp: Int)] = []
        for range in ranges {
            if range.last < first || range.first > last { result.append(range); continue }
            if range.first < first { result.append((range.first, first - 1, stamp())) }
            if range.last > last { result.append((last + 1, range.last, stamp())) }
        }
        ranges = result.sorted { $0.first < $1.first }
    }

    mutating func set(_ first: UInt32, _ count: UInt32) {
        guard !isSet(first, count) else { return }
        clear(first, count)
        var merged = (first: first, last: first + count - 1, stamp: 0)
        ranges.removeAll { range in
            if range.last + 1 == merged.first { merged.first = range.first; return true }
            if range.first == merged.last + 1 { merged.last = range.last; return true }
            return false
        }
        merged.stamp = stamp()
        ranges.append(merged)
        ranges.sort { $0.first < $1.first }
    }
}

@Suite struct PlacementPropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomOperationsMatchTheReferenceModel(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let pages: UInt32 = 256
        let arena = try EmulatedArena(maxPages: pages)
        let base = arena.geometry.userVMStart
        var reference = ReferenceRangeTree(pages: pages)
        for _ in 0..<2_000 {
            let count = UInt32(1 + random.below(random.chance(20) ? 40 : 6))
            let page = UInt32(random.below(Int(pages)))
            switch random.below(10) {
            case 0..<4:
                let expected = reference.find(count)
                let address = arena.allocPages(count: count)
                #expect(address == expected.map { base + UInt64($0) * 4096 } ?? 0, "best-fit placement")
                if let expected { reference.clear(expected, count) }
            case 4:
                let fits = page <= pages - count && reference.isSet(page, count)
                #expect((arena.allocPages(hint: base + UInt64(page) * 4096, count: count) != 0) == fits)
                if fits { reference.clear(page, count) }
            case 5:
                let result = arena.reservePages(base + UInt64(page) * 4096, count: count)
                let expected: Int32 = UInt64(page) + UInt64(count) > UInt64(pages) ? -22 : reference.isSet(page, count) ? 0 : -16
                #expect(result == expected)
                if expected == 0 { reference.clear(page, count) }
            case 6:
                if (try? arena.userTouch(base + UInt64(page) * 4096)) != nil { reference.clear(page, 1) }
            default:
                arena.freePages(base + UInt64(page) * 4096, count: count)
                reference.set(page, min(count, pages - page))
            }
            let ranges = arena.freeRanges
            #expect(ranges.map { [$0.first, $0.last] } == reference.ranges.map { [$0.first, $0.last] })
            // Sorted, disjoint and maximal: a gap of at least one page between neighbours.
            for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.last + 1 < b.first) }
            let stats = ArenaStats(arena.pageMap())
            #expect(stats.freePages + stats[.allocated] + stats[.mapped] + stats[.reserved] == pages)
            #expect(stats.freePages == ranges.reduce(0) { $0 + $1.count })
            #expect(arena.pageMap().freeRanges == ranges, "page states agree with the range tree")
        }
    }
}
