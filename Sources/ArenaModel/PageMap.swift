/// A maximal run of pages that share one state.
public struct PageRun: Sendable, Hashable {
    public var first: UInt32
    public var count: UInt32
    public var state: PageState

    public init(first: UInt32, count: UInt32, state: PageState) {
        self.first = first
        self.count = count
        self.state = state
    }

    /// The last page of the run (inclusive).
    public var last: UInt32 { first + count - 1 }
    public var range: PageRange { PageRange(first: first, last: last) }
}

/// Problems found in a list of runs that claims to describe an arena.
public enum PageMapError: Error, Equatable, CustomStringConvertible {
    case gap(expectedFirst: UInt32, found: UInt32)
    case emptyRun(at: UInt32)
    case unmergedNeighbours(at: UInt32)
    case wrongTotal(covered: UInt64, pageCount: UInt32)

    public var description: String {
        switch self {
        case .gap(let expected, let found): "runs leave a gap or overlap: expected page \(expected), found \(found)"
        case .emptyRun(let page): "empty run at page \(page)"
        case .unmergedNeighbours(let page): "neighbouring runs of the same state at page \(page)"
        case .wrongTotal(let covered, let count): "runs cover \(covered) pages of \(count)"
        }
    }
}

/// The state of every page in an arena, held as runs: a 1,048,576-page arena with
/// 100,000 free ranges costs a few megabytes, an idle one a few bytes.
public struct PageMap: Sendable, Hashable {
    /// Number of pages covered: the arena's `max_pages`.
    public let pageCount: UInt32
    /// Runs in page order, covering every page exactly once; neighbours differ in state.
    public let runs: [PageRun]

    /// Validates `runs` against the contract above.
    public init(pageCount: UInt32, runs: [PageRun]) throws(PageMapError) {
        var next: UInt64 = 0
        for (index, run) in runs.enumerated() {
            guard run.count > 0 else { throw .emptyRun(at: run.first) }
            guard UInt64(run.first) == next else { throw .gap(expectedFirst: UInt32(truncatingIfNeeded: next), found: run.first) }
            if index > 0, runs[index - 1].state == run.state { throw .unmergedNeighbours(at: run.first) }
            next += UInt64(run.count)
        }
        guard next == UInt64(pageCount) else { throw .wrongTotal(covered: next, pageCount: pageCount) }
        self.pageCount = pageCount
        self.runs = runs
    }

    /// Builds the map from one state byte per page (`PageState.rawValue`).
    public init(states: UnsafeBufferPointer<UInt8>) {
        var builder = PageMapBuilder()
        let decode = PageState.byRawValue
        var index = 0
        let count = states.count
        while index < count {
            let value = states[index]
            var end = index + 1
            while end < count && states[end] == value { end += 1 }
            builder.append((Int(value) < decode.count ? decode[Int(value)] : nil) ?? .free, count: UInt32(end - index))
            index = end
        }
        self.pageCount = UInt32(count)
        self.runs = builder.runs
    }

    fileprivate init(unchecked runs: [PageRun], pageCount: UInt32) {
        self.runs = runs
        self.pageCount = pageCount
    }

    /// Index of the run that holds `page` (which must be below `pageCount`).
    public func runIndex(containing page: UInt32) -> Int {
        max(0, runs.partitioningIndex { $0.first > page } - 1)
    }

    /// The state of `page`; pages past the end are reported free.
    public func state(ofPage page: UInt32) -> PageState {
        guard page < pageCount, !runs.isEmpty else { return .free }
        return runs[runIndex(containing: page)].state
    }

    /// The map with every page of `ranges` (sorted, disjoint) that is in state `old`
    /// changed to `new`; pages in other states keep theirs.
    public func relabelling(_ ranges: [PageRange], from old: PageState, to new: PageState) -> PageMap {
        guard !ranges.isEmpty else { return self }
        var builder = PageMapBuilder(expectedRuns: runs.count + 2 * ranges.count)
        var rangeIndex = 0
        for run in runs {
            guard run.state == old else {
                builder.append(run.state, count: run.count)
                continue
            }
            var page = run.first
            while page <= run.last {
                while rangeIndex < ranges.count && ranges[rangeIndex].last < page { rangeIndex += 1 }
                guard rangeIndex < ranges.count, ranges[rangeIndex].first <= run.last else {
                    builder.append(old, count: run.last - page + 1)
                    break
                }
                let range = ranges[rangeIndex]
                if range.first > page {
                    builder.append(old, count: range.first - page)
                    page = range.first
                }
                let end = min(range.last, run.last)
                builder.append(new, count: end - page + 1)
                if end == run.last { break }
                page = end + 1
            }
        }
        return builder.build(pageCount: pageCount)
    }

    /// The free runs as inclusive ranges, in page order.
    public var freeRanges: [PageRange] {
        runs.lazy.filter(\.state.isFree).map(\.range)
    }

    /// Every backed page, in order.
    public var backedPages: [UInt32] {
        runs.filter(\.state.isBacked).flatMap { $0.first...$0.last }
    }
}

/// Appends pages in order and merges neighbours of equal state.
public struct PageMapBuilder: Sendable {
    public private(set) var runs: [PageRun] = []
    private var next: UInt32 = 0
    private var lastState: PageState?

    /// A builder with room for `expectedRuns` runs before it grows.
    public init(expectedRuns: Int = 0) {
        runs.reserveCapacity(expectedRuns)
    }

    /// Adds `count` pages of `state` after the pages appended so far.
    public mutating func append(_ state: PageState, count: UInt32) {
        guard count > 0 else { return }
        if lastState == state {
            runs[runs.count - 1].count += count
        } else {
            runs.append(PageRun(first: next, count: count, state: state))
            lastState = state
        }
        next += count
    }

    /// The finished map; pages not appended up to `pageCount` are filled with `fill`.
    public consuming func build(pageCount: UInt32, fill: PageState = .free) -> PageMap {
        if next < pageCount { append(fill, count: pageCount - next) }
        return PageMap(unchecked: runs, pageCount: pageCount)
    }
}
