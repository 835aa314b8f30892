import ArenaModel

/// The kernel's `range_tree` of free pages (kernel/bpf/range_tree.c), with the same
/// observable behaviour: maximal ranges, best-fit search that picks the smallest range
/// that fits and, among equal sizes, the one inserted (or last changed) most recently.
///
/// Ranges are found by start through a bitmap and by size through per-size stacks,
/// so every operation costs a few array accesses instead of tree rebalancing.
struct FreeRangeIndex {
    private struct Node {
        var start: UInt32
        var last: UInt32
        var newer: Int32 = -1
        var older: Int32 = -1
        var size: Int { Int(last - start) + 1 }
    }

    private var nodes: [Node] = []
    private var spareNodes: [Int32] = []
    private var nodeByStart: [Int32]
    private var nodeByLast: [Int32]
    private var starts: HierarchicalBitmap
    /// Most recently inserted node of each size.
    private var newestOfSize: [Int32]
    private var sizes: HierarchicalBitmap
    private(set) var rangeCount = 0
    let pageCount: UInt32

    /// An index with every page free, like `range_tree_set(rt, 0, max)` at arena creation.
    init(pageCount: UInt32) {
        self.pageCount = pageCount
        let pages = Int(pageCount)
        nodeByStart = Array(repeating: -1, count: pages)
        nodeByLast = Array(repeating: -1, count: pages)
        starts = HierarchicalBitmap(bitCount: pages)
        newestOfSize = Array(repeating: -1, count: pages + 1)
        sizes = HierarchicalBitmap(bitCount: pages + 1)
        if pageCount > 0 { insertNew(start: 0, last: pageCount - 1) }
    }

    /// Start of the best-fit range for `count` pages (`range_tree_find`), or nil.
    func find(_ count: UInt32) -> UInt32? {
        guard count > 0, count <= pageCount, let size = sizes.next(atOrAfter: Int(count)) else { return nil }
        return nodes[Int(newestOfSize[size])].start
    }

    /// True when every page of `[start, start + count)` is free (`is_range_tree_set`).
    func isSet(_ start: UInt32, count: UInt32) -> Bool {
        guard count > 0, let node = containing(start) else { return false }
        return UInt64(nodes[Int(node)].last) >= UInt64(start) + UInt64(count) - 1
    }

    /// Marks `[start, start + count)` in use, splitting ranges (`range_tree_clear`).
    mutating func clear(_ start: UInt32, count: UInt32) {
        guard count > 0 else { return }
        let last = start + (count - 1)
        while let node = firstOverlapping(start, last) {
            let range = nodes[Int(node)]
            if range.start < start && range.last > last {
                reinsert(node, start: range.start, last: start - 1)
                insertNew(start: last + 1, last: range.last)
            } else if range.start < start {
                reinsert(node, start: range.start, last: start - 1)
            } else if range.last > last {
                reinsert(node, start: last + 1, last: range.last)
                break
            } else {
                unlink(node)
                spareNodes.append(node)
            }
        }
    }

    /// Marks `[start, start + count)` free, merging with neighbours (`range_tree_set`).
    mutating func set(_ start: UInt32, count: UInt32) {
        guard count > 0, !isSet(start, count: count) else { return }
        clear(start, count: count)
        let last = start + (count - 1)
        let left = start > 0 ? nodeByLast[Int(start - 1)] : -1
        let right = last + 1 < pageCount ? nodeByStart[Int(last + 1)] : -1
        switch (left >= 0, right >= 0) {
        case (true, true):
            let rightLast = nodes[Int(right)].last
            unlink(right)
            spareNodes.append(right)
            reinsert(left, start: nodes[Int(left)].start, last: rightLast)
        case (true, false):
            reinsert(left, start: nodes[Int(left)].start, last: last)
        case (false, true):
            reinsert(right, start: start, last: nodes[Int(right)].last)
        case (false, false):
            insertNew(start: start, last: last)
        }
    }

    /// The free ranges in page order.
    func ranges() -> [PageRange] {
        var result: [PageRange] = []
        result.reserveCapacity(rangeCount)
        var cursor = starts.next(atOrAfter: 0)
        while let start = cursor {
            let node = nodes[Int(nodeByStart[start])]
            result.append(PageRange(first: node.start, last: node.last))
            cursor = node.last + 1 < pageCount ? starts.next(atOrAfter: Int(node.last) + 1) : nil
        }
        return result
    }

    /// The node whose range holds `page`, or nil.
    private func containing(_ page: UInt32) -> Int32? {
        guard page < pageCount, let start = starts.previous(atOrBefore: Int(page)) else { return nil }
        let node = nodeByStart[start]
        return nodes[Int(node)].last >= page ? node : nil
    }

    /// The lowest range that overlaps `[start, last]` (`range_it_iter_first`).
    private func firstOverlapping(_ start: UInt32, _ last: UInt32) -> Int32? {
        if let node = containing(start) { return node }
        guard let next = starts.next(atOrAfter: Int(start)), next <= Int(last) else { return nil }
        return nodeByStart[next]
    }

    private mutating func insertNew(start: UInt32, last: UInt32) {
        let node: Int32
        if let spare = spareNodes.popLast() {
            node = spare
            nodes[Int(node)] = Node(start: start, last: last)
        } else {
            node = Int32(nodes.count)
            nodes.append(Node(start: start, last: last))
        }
        link(node)
    }

    /// Removes and inserts again with new bounds: the node becomes the newest of its size.
    private mutating func reinsert(_ node: Int32, start: UInt32, last: UInt32) {
        unlink(node)
        nodes[Int(node)].start = start
        nodes[Int(node)].last = last
        link(node)
    }

    private mutating func link(_ node: Int32) {
        let range = nodes[Int(node)]
        let size = range.size
        let previousNewest = newestOfSize[size]
        nodes[Int(node)].newer = -1
        nodes[Int(node)].older = previousNewest
        if previousNewest >= 0 { nodes[Int(previousNewest)].newer = node } else { sizes.insert(size) }
        newestOfSize[size] = node
        nodeByStart[Int(range.start)] = node
        nodeByLast[Int(range.last)] = node
        starts.insert(Int(range.start))
        rangeCount += 1
    }

    private mutating func unlink(_ node: Int32) {
        let range = nodes[Int(node)]
        let size = range.size
        if range.newer >= 0 { nodes[Int(range.newer)].older = range.older } else { newestOfSize[size] = range.older }
        if range.older >= 0 { nodes[Int(range.older)].newer = range.newer }
        if newestOfSize[size] < 0 { sizes.remove(size) }
        nodeByStart[Int(range.start)] = -1
        nodeByLast[Int(range.last)] = -1
        starts.remove(Int(range.start))
        rangeCount -= 1
    }
}
