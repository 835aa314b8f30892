/// Counts and shape figures of one page map.
public struct ArenaStats: Sendable, Hashable {
    public var free: UInt32 = 0
    public var allocated: UInt32 = 0
    public var reserved: UInt32 = 0
    public var mapped: UInt32 = 0
    /// Number of maximal free ranges.
    public var freeRanges: Int = 0
    /// Pages in the largest free range.
    public var largestFree: UInt32 = 0
    /// Number of maximal runs of backed pages (allocated or mapped), the allocated extents.
    public var backedExtents: Int = 0

    public init(_ map: PageMap) {
        var previousBacked = false
        for run in map.runs {
            switch run.state {
            case .free:
                free += run.count
                freeRanges += 1
                largestFree = max(largestFree, run.count)
            case .allocated: allocated += run.count
            case .reserved: reserved += run.count
            case .mapped: mapped += run.count
            }
            let backed = run.state.isBacked
            if backed && !previousBacked { backedExtents += 1 }
            previousBacked = backed
        }
    }

    /// Backed pages: allocated plus mapped.
    public var backed: UInt32 { allocated + mapped }

    /// External fragmentation of the free space: 0 when it is one range (or none),
    /// approaching 1 as it splinters. `1 - largest_free / free`.
    public var fragmentation: Double {
        free == 0 ? 0 : 1 - Double(largestFree) / Double(free)
    }

    public func count(of state: PageState) -> UInt32 {
        switch state {
        case .free: free
        case .allocated: allocated
        case .reserved: reserved
        case .mapped: mapped
        }
    }
}
