extension RandomAccessCollection {
    /// The first index whose element satisfies `isAfterSplit`, for a collection in which
    /// every element that does comes after every element that does not (a sorted array
    /// split by a threshold); `endIndex` when none does. O(log n).
    @inlinable
    public func partitioningIndex(where isAfterSplit: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try isAfterSplit(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
