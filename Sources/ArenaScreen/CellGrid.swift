import ArenaText

/// An in-memory screen: panes render here, the terminal copies it out, tests read it.
/// Every character that enters goes through `put`, which shows only printable characters:
/// control characters and escapes can never reach the terminal.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = Cell(Self.displayable(newValue.character), role: newValue.role, inverse: newValue.inverse)
        }
    }

    /// A scalar that is safe to draw: printable, one column wide; anything else is '?'.
    /// Beyond ASCII that is the symbols arenascope draws and letters of the Latin, Greek and
    /// Cyrillic blocks (a CJK letter in a file name would take two columns and shift the line).
    static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if scalar.isTerminalControl { return "?" }
        guard value > 0x7F, !allowedSymbols.contains(value) else { return scalar }
        return singleWidthLetters.contains(where: { $0.contains(value) }) && scalar.properties.isAlphabetic ? scalar : "?"
    }

    /// Latin-1 to Cyrillic Supplement, Latin Extended Additional, Greek Extended.
    private static let singleWidthLetters: [ClosedRange<UInt32>] = [0x00A0...0x052F, 0x1E00...0x1FFF]

    /// Non-ASCII symbols arenascope draws itself.
    private static let allowedSymbols: Set<UInt32> = [
        0x00B7, 0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x2588, 0x2592, 0x2591, 0x25B8, 0x2190, 0x2191, 0x2192, 0x2193, 0x2026, 0x00B5, 0x00D7, 0x25CF,
        0x275A, 0x25B6, 0x2014,
    ]

    /// Writes `text` from (x, y), clipped to `limit` columns (and the grid).
    public mutating func put(_ text: String, x: Int, y: Int, role: ColorRole = .text, inverse: Bool = false, limit: Int? = nil) {
        guard y >= 0, y < height else { return }
        var column = x
        let end = min(width, x + (limit ?? width))
        for scalar in text.unicodeScalars {
            if column >= end { break }
            if column >= 0 { self[column, y] = Cell(scalar, role: role, inverse: inverse) }
            column += 1
        }
    }

    /// Fills `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for y in rect.y..<rect.y + rect.height {
            for x in rect.x..<rect.x + rect.width { self[x, y] = cell }
        }
    }

    /// Titles `box` could only show cut (even their first part did not fit), for the layout tests.
    public private(set) var cutTitles: [String] = []

    /// The longest form of `title` that fits `width` columns: whole, else without as many of
    /// its last " · " parts as it must drop; the first part is cut (with "…") only when it
    /// alone does not fit.
    public static func fitted(_ title: String, width: Int) -> (text: String, cut: Bool) {
        var parts = title.components(separatedBy: " · ")
        while parts.count > 1 && parts.joined(separator: " · ").count > width { parts.removeLast() }
        let text = parts.joined(separator: " · ")
        guard text.count > width else { return (text, false) }
        return (String(text.prefix(max(0, width - 1))) + "…", true)
    }

    /// A box around `rect` with `title` in its top edge, fitted to it (see `fitted`).
    public mutating func box(_ rect: Rect, title: String, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let role: ColorRole = focused ? .borderFocused : .border
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        for x in rect.x...right {
            self[x, rect.y] = Cell("─", role: role)
            self[x, bottom] = Cell("─", role: role)
        }
        for y in rect.y...bottom {
            self[rect.x, y] = Cell("│", role: role)
            self[right, y] = Cell("│", role: role)
        }
        self[rect.x, rect.y] = Cell("┌", role: role)
        self[right, rect.y] = Cell("┐", role: role)
        self[rect.x, bottom] = Cell("└", role: role)
        self[right, bottom] = Cell("┘", role: role)
        let fitted = Self.fitted(title, width: rect.width - 6)
        if fitted.cut { cutTitles.append(title) }
        put(" \(fitted.text) ", x: rect.x + 2, y: rect.y, role: focused ? .borderFocused : .title, limit: rect.width - 4)
    }

    /// The characters, one line a row, trailing spaces trimmed (for snapshot tests).
    public var text: String {
        (0..<height).map { y in
            var line = String(String.UnicodeScalarView(cells[y * width..<(y + 1) * width].map(\.character)))
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// The role of each cell as one letter a cell (for snapshot tests of colour).
    public func roleLine(_ y: Int) -> String {
        String(cells[y * width..<(y + 1) * width].map(\.role.letter))
    }
}
