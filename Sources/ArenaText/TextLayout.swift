extension String {
    /// The string right-aligned in `width` columns.
    public func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }

    /// The string left-aligned in `width` columns.
    public func rightPadded(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }

    /// The string in exactly `width` columns: padded, or cut with "…" when longer, so that
    /// the columns after it stay where they are.
    public func column(_ width: Int) -> String {
        count <= width ? rightPadded(to: width) : String(prefix(max(0, width - 1))) + (width > 0 ? "…" : "")
    }

}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    public var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}

/// `value` (0…1) as a percentage with one decimal.
public func percentText(_ value: Double) -> String {
    let tenths = Int((value * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
}

/// Column widths sized to their content: each column as wide as its widest cell (`wanted`), and
/// where they do not fit in `available`, the later columns give way first (none below `least`),
/// no column before the last taking more than two thirds of what is left.
public func columnWidths(_ wanted: [Int], fitting available: Int, least: Int = 4) -> [Int] {
    let widths = wanted.map { max(least, $0) }
    guard widths.reduce(0, +) > available else { return widths }
    var room = available
    return widths.indices.map { index in
        let later = widths.count - 1 - index
        let most = later == 0 ? room : min(room - later * least, room * 2 / 3)
        let width = max(least, min(widths[index], most))
        room -= width
        return width
    }
}
