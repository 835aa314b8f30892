/// Up to `limit` of `names` close to `wanted` (a typo away, or containing it), closest first:
/// what "did you mean" suggests.
public func closeMatches(to wanted: String, among names: [String], limit: Int = 3) -> [String] {
    let scored = names.map { ($0, editDistance($0, wanted)) }
        .filter { $0.1 <= max(2, wanted.count / 3) || $0.0.contains(wanted) }
        .sorted { $0.1 < $1.1 }
    return Array(scored.prefix(limit).map(\.0))
}

/// Levenshtein distance: the fewest inserted, deleted or changed characters from `a` to `b`.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
