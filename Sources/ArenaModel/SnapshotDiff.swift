/// A range of pages whose state changed between two snapshots.
public struct StateChange: Sendable, Hashable {
    public var range: PageRange
    public var from: PageState
    public var to: PageState
}

/// What changed from one snapshot to the next.
public struct SnapshotDiff: Sendable {
    /// Ranges whose state differs, in page order, maximal per (from, to) pair.
    public let stateChanges: [StateChange]
    /// Byte ranges (offsets inside the page) that differ, for pages both snapshots hold bytes of.
    public let changedBytes: [UInt32: [Range<Int>]]

    /// Compares `old` with `new`. Both must describe the same arena geometry.
    public init(from old: Snapshot, to new: Snapshot) {
        stateChanges = Self.stateChanges(old.pages.runs, new.pages.runs)
        var bytes: [UInt32: [Range<Int>]] = [:]
        if let oldContents = old.contents, let newContents = new.contents {
            for (page, newBytes) in newContents.pages {
                guard let oldBytes = oldContents[page] else { continue }
                let ranges = Self.differingRanges(oldBytes, newBytes)
                if !ranges.isEmpty { bytes[page] = ranges }
            }
        }
        changedBytes = bytes
    }

    /// Pages that were claimed (backed or reserved) before and are free now.
    public var freed: [PageRange] {
        stateChanges.filter { $0.to == .free }.map(\.range)
    }

    /// Number of pages whose state changed.
    public var changedPageCount: UInt64 {
        stateChanges.reduce(0) { $0 + UInt64($1.range.count) }
    }

    private static func stateChanges(_ old: [PageRun], _ new: [PageRun]) -> [StateChange] {
        var changes: [StateChange] = []
        var i = 0
        var j = 0
        while i < old.count && j < new.count {
            let a = old[i]
            let b = new[j]
            let first = max(a.first, b.first)
            let last = min(a.last, b.last)
            if a.state != b.state {
                if let previous = changes.last, previous.from == a.state, previous.to == b.state,
                   previous.range.last + 1 == first {
                    changes[changes.count - 1].range.last = last
                } else {
                    changes.append(StateChange(range: PageRange(first: first, last: last), from: a.state, to: b.state))
                }
            }
            if a.last == last { i += 1 }
            if b.last == last { j += 1 }
        }
        return changes
    }

    private static func differingRanges(_ a: [UInt8], _ b: [UInt8]) -> [Range<Int>] {
        let count = min(a.count, b.count)
        var ranges: [Range<Int>] = []
        var index = 0
        while index < count {
            if a[index] == b[index] {
                index += 1
                continue
            }
            let start = index
            while index < count && a[index] != b[index] { index += 1 }
            ranges.append(start..<index)
        }
        if a.count != b.count { ranges.append(count..<max(a.count, b.count)) }
        return ranges
    }
}
