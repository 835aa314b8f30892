/// Counts and shape figures of one page map.
public struct ArenaStats: Sendable, Hashable {
    /// Pages in each state.
    public private(set) var pages = PageCounts()
    /// Number of maximal free ranges.
    public private(set) var freeRanges: Int = 0
    /// Pages in the largest free range.
    public private(set) var largestFree: UInt32 = 0
    /// Number of maximal runs of backed pages, the allocated extents.
    public private(set) var backedExtents: Int = 0

    public init(_ map: PageMap) {
        var previousBacked = false
        // Counted in a buffer rather than in lanes picked at run time: a map can hold 100k runs.
        var totals = [UInt32](repeating: 0, count: PageState.capacity)
        defer { pages = PageCounts(totals) }
        for run in map.runs {
            totals[Int(run.state.rawValue)] += run.count
            if run.state.isFree {
                freeRanges += 1
                largestFree = max(largestFree, run.count)
            }
            let backed = run.state.isBacked
            if backed && !previousBacked { backedExtents += 1 }
            previousBacked = backed
        }
    }

    /// Pages in `state`.
    public subscript(state: PageState) -> UInt32 { pages[state] }

    /// Free pages.
    public var freePages: UInt32 { pages.freePages }

    /// Backed pages: their bytes can be read.
    public var backedPages: UInt32 { pages.backedPages }

    /// External fragmentation of the free space: 0 when it is one range (or none),
    /// approaching 1 as it splinters. `1 - largest_free / free`.
    public var fragmentation: Double {
        freePages == 0 ? 0 : 1 - Double(largestFree) / Double(freePages)
    }

    /// "free 3 alloc 5 map 1 rsv 0": each state's count, as the status line shows them
    /// (transient states only while pages are in them).
    public var statusText: String {
        PageState.all.filter { !$0.isTransient || pages[$0] > 0 }.map { "\($0.traits.statusLabel) \(pages[$0])" }.joined(separator: " ")
    }

    /// "free 3  allocated 5  mapped 1  reserved 0": every state's count by name.
    public var countsText: String {
        PageState.all.map { "\($0.name) \(pages[$0])" }.joined(separator: "  ")
    }
}
