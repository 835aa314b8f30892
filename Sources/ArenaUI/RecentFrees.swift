import ArenaModel

/// Pages freed in the last few samples, newest first, so the page map can fade them.
struct RecentFrees {
    static let memory = 3
    private var samples: [[PageRange]] = []

    mutating func add(_ freed: [PageRange]) {
        samples.insert(freed, at: 0)
        if samples.count > Self.memory { samples.removeLast() }
    }

    /// How many samples ago pages in `[first, first + count)` were freed, if lately.
    func age(first: UInt32, count: UInt32) -> Int? {
        let last = first + count - 1
        for (age, ranges) in samples.enumerated() {
            // Ranges are in page order: the first that ends at or after `first`.
            let index = ranges.partitioningIndex { $0.last >= first }
            if index < ranges.count && ranges[index].first <= last { return age }
        }
        return nil
    }
}
