/// The pages of one screen cell when a cell stands for several pages: how many of each state.
public struct PageBin: Sendable, Hashable {
    public var free: UInt32 = 0
    public var allocated: UInt32 = 0
    public var reserved: UInt32 = 0
    public var mapped: UInt32 = 0

    public init() {}

    public var total: UInt32 { free + allocated + reserved + mapped }

    public subscript(state: PageState) -> UInt32 {
        get {
            switch state {
            case .free: free
            case .allocated: allocated
            case .reserved: reserved
            case .mapped: mapped
            }
        }
        set {
            switch state {
            case .free: free = newValue
            case .allocated: allocated = newValue
            case .reserved: reserved = newValue
            case .mapped: mapped = newValue
            }
        }
    }

    /// The state most pages of the bin are in; claimed states win ties over free.
    public var dominant: PageState {
        PageState.allCases.reversed().max { self[$0] < self[$1] } ?? .free
    }

    /// True when the bin mixes states.
    public var isMixed: Bool { PageState.allCases.filter { self[$0] > 0 }.count > 1 }
}

extension PageMap {
    /// `count` bins of `pagesPerBin` pages each, starting at `firstPage`; bins past the
    /// arena's end are empty. Costs O(runs touched + bins).
    public func bins(from firstPage: UInt32, pagesPerBin: UInt32, count: Int) -> [PageBin] {
        var bins = Array(repeating: PageBin(), count: count)
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
