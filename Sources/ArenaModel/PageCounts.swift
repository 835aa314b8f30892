/// A number of pages for each state: the pages of one page-map cell, or of a whole arena.
public struct PageCounts: Sendable, Hashable {
    private var counts = SIMD8<UInt32>()

    public init() {}

    /// Counts by state number, `PageState.capacity` of them.
    init(_ byRawValue: [UInt32]) { counts = SIMD8(byRawValue) }

    public subscript(state: PageState) -> UInt32 {
        get { counts[Int(state.rawValue)] }
        set { counts[Int(state.rawValue)] = newValue }
    }

    /// Pages counted, of every state.
    public var total: UInt32 { counts.wrappedSum() }

    /// Pages in the states that `include` picks.
    public func pages(where include: (PageState) -> Bool) -> UInt32 {
        PageState.all.reduce(0) { include($1) ? $0 + self[$1] : $0 }
    }

    /// Free pages.
    public var freePages: UInt32 { pages(where: \.isFree) }

    /// Backed pages: their bytes can be read.
    public var backedPages: UInt32 { pages(where: \.isBacked) }

    /// The state a page-map cell of these pages shows: the claimed state of highest precedence
    /// (free only when every page is), and whether some of its pages are free.
    public var shown: (state: PageState, partlyFree: Bool)? {
        let precedences = PageState.claimedPrecedence
        let freeLanes = PageState.freeLanes
        var claimedLane = -1
        var highest: UInt32 = 0
        var freeLane = -1
        for lane in 0..<PageState.capacity where counts[lane] > 0 {
            if freeLanes[lane] != 0 {
                freeLane = lane
            } else if precedences[lane] > highest {
                highest = precedences[lane]
                claimedLane = lane
            }
        }
        let lane = claimedLane >= 0 ? claimedLane : freeLane
        guard lane >= 0, let state = PageState.byRawValue[lane] else { return nil }
        return (state, claimedLane >= 0 && freeLane >= 0)
    }

    /// The state most pages are in; claimed states win ties over free.
    public var dominant: PageState {
        PageState.all.max { (self[$0], $0.precedence) < (self[$1], $1.precedence) }!
    }

    /// True when the pages are in more than one state.
    public var isMixed: Bool { PageState.all.filter { self[$0] > 0 }.count > 1 }
}

extension PageMap {
    /// `count` cells of `pagesPerBin` pages each, starting at `firstPage`; cells past the
    /// arena's end are empty. Costs O(runs touched + cells).
    public func bins(from firstPage: UInt32, pagesPerBin: UInt32, count: Int) -> [PageCounts] {
        var bins = Array(repeating: PageCounts(), count: count)
        guard pagesPerBin > 0, count > 0, firstPage < pageCount, !runs.isEmpty else { return bins }
        let end = min(UInt64(pageCount), UInt64(firstPage) + UInt64(pagesPerBin) * UInt64(count))
        var runIndex = runIndex(containing: firstPage)
        var page = UInt64(firstPage)
        while page < end && runIndex < runs.count {
            let run = runs[runIndex]
            let runEnd = min(UInt64(run.first) + UInt64(run.count), end)
            while page < runEnd {
                let bin = Int((page - UInt64(firstPage)) / UInt64(pagesPerBin))
                let binEnd = UInt64(firstPage) + UInt64(bin + 1) * UInt64(pagesPerBin)
                let stop = min(runEnd, binEnd)
                bins[bin][run.state] += UInt32(stop - page)
                page = stop
            }
            runIndex += 1
        }
        return bins
    }
}
