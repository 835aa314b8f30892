/// A set of small integers with fast next/previous member queries: a bitmap with
/// summary levels above it (each bit says "this 64-bit word below is not empty").
struct HierarchicalBitmap {
    /// All levels in one array, leaf level first.
    private var words: [UInt64]
    /// Start of each level in `words`, leaf first.
    private var levelStart: [Int]
    private var levelCount: [Int]

    init(bitCount: Int) {
        var starts: [Int] = []
        var counts: [Int] = []
        var total = 0
        var bits = max(bitCount, 1)
        repeat {
            let count = (bits + 63) / 64
            starts.append(total)
            counts.append(count)
            total += count
            bits = count
        } while bits > 1
        words = Array(repeating: 0, count: total)
        levelStart = starts
        levelCount = counts
    }

    func contains(_ bit: Int) -> Bool {
        words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    mutating func insert(_ bit: Int) {
        var index = bit
        for level in 0..<levelStart.count {
            let word = levelStart[level] + index >> 6
            let wasEmpty = words[word] == 0
            words[word] |= 1 << UInt64(index & 63)
            if !wasEmpty { return }
            index >>= 6
        }
    }

    mutating func remove(_ bit: Int) {
        var index = bit
        for level in 0..<levelStart.count {
            let word = levelStart[level] + index >> 6
            words[word] &= ~(1 << UInt64(index & 63))
            if words[word] != 0 { return }
            index >>= 6
        }
    }

    /// The smallest member `>= bit`, or nil.
    func next(atOrAfter bit: Int) -> Int? {
        var level = 0
        var index = bit
        // Climb until a word holds a member at or after `index`.
        while true {
            guard index >> 6 < levelCount[level] else { return nil }
            let word = words[levelStart[level] + index >> 6] & (~0 << UInt64(index & 63))
            if word != 0 {
                index = (index & ~63) | word.trailingZeroBitCount
                break
            }
            level += 1
            if level == levelStart.count { return nil }
            index = (index >> 6) + 1
        }
        // Descend taking the lowest member of each word.
        while level > 0 {
            level -= 1
            index = index << 6 | words[levelStart[level] + index].trailingZeroBitCount
        }
        return index
    }

    /// The largest member `<= bit`, or nil.
    func previous(atOrBefore bit: Int) -> Int? {
        guard bit >= 0 else { return nil }
        var level = 0
        var index = bit
        while true {
            let shift = UInt64(63 - (index & 63))
            let word = words[levelStart[level] + index >> 6] & (~0 >> shift)
            if word != 0 {
                index = (index & ~63) | (63 - word.leadingZeroBitCount)
                break
            }
            level += 1
            if level == levelStart.count { return nil }
            index = (index >> 6) - 1
            if index < 0 { return nil }
        }
        while level > 0 {
            level -= 1
            index = index << 6 | (63 - words[levelStart[level] + index].leadingZeroBitCount)
        }
        return index
    }
}
