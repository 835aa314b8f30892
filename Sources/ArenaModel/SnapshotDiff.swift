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

    /// Compares `old` with `new`. Both must describe the same arena geometry.
    public init(from old: Snapshot, to new: Snapshot) {
        stateChanges = old.pages.changes(to: new.pages)
    }

    /// Pages that were claimed (backed or reserved) before and are free now.
    public var freed: [PageRange] {
        stateChanges.filter(\.to.isFree).map(\.range)
    }

    /// Number of pages whose state changed.
    public var changedPageCount: UInt64 {
        stateChanges.reduce(0) { $0 + UInt64($1.range.count) }
    }
}

extension PageMap {
    /// The ranges whose state differs in `new`, in page order, maximal per (from, to) pair.
    /// Both maps must cover the same pages.
    public func changes(to new: PageMap) -> [StateChange] {
        var changes: [StateChange] = []
        var i = 0
        var j = 0
        while i < runs.count && j < new.runs.count {
            let a = runs[i]
            let b = new.runs[j]
            let first = max(a.first, b.first)
            let last = min(a.last, b.last)
            if a.state != b.state {
                if let previous = changes.last, previous.from == a.state, previous.to == b.state,
                    previous.range.last + 1 == first
                {
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
}
