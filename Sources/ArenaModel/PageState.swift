/// What the kernel knows about one arena page.
///
/// Every state is one row of `PageState.all`, and everything that lists, counts, draws or
/// encodes states is generated from the rows: stats, bins, the page map's glyphs and
/// legend, the status line, colour roles and their default colours, JSON and recordings.
/// A new state is a new row here plus the source that produces it.
public struct PageState: Hashable, Sendable, CustomStringConvertible {
    /// The state's number in recordings and in the BPF programs' records: never renumber one.
    public let rawValue: UInt8
    /// The name in JSON, on screen and in theme files (its colour role).
    public let jsonName: StaticString
    /// The word in the page map's legend.
    public let legendLabel: String
    /// The word in the status line.
    public let statusLabel: String
    /// The page map's glyph for a cell of pages in this state, and for one partly free.
    public let glyph: Unicode.Scalar
    public let partlyFreeGlyph: Unicode.Scalar
    /// A letter for the state's colour role in text dumps of roles (snapshot tests).
    public let roleLetter: Character
    /// True when a page of memory backs it, so its bytes can be read.
    public let isBacked: Bool
    /// A cell of mixed pages shows the state with the highest precedence.
    public let precedence: Int
    /// The colour of its pages in the built-in theme: `0xRRGGBB`, and bold or not.
    public let defaultColor: UInt32
    public let defaultBold: Bool
    public let summary: String

    /// In the free range tree: nothing backs it.
    public static let free = PageState(
        rawValue: 0, jsonName: "free", legendLabel: "free", statusLabel: "free", glyph: "·", partlyFreeGlyph: "·",
        roleLetter: ".", isBacked: false, precedence: 0, defaultColor: 0x4E4E4E, defaultBold: false,
        summary: "in the kernel's free range tree")
    /// Backed by a page, but in no process's page table.
    public static let allocated = PageState(
        rawValue: 1, jsonName: "allocated", legendLabel: "alloc", statusLabel: "alloc", glyph: "#", partlyFreeGlyph: "a",
        roleLetter: "a", isBacked: true, precedence: 2, defaultColor: 0x5FAFFF, defaultBold: false,
        summary: "backed, in no process's page table")
    /// Backed and faulted into at least one user process.
    public static let mapped = PageState(
        rawValue: 3, jsonName: "mapped", legendLabel: "mapped", statusLabel: "map", glyph: "M", partlyFreeGlyph: "m",
        roleLetter: "m", isBacked: true, precedence: 3, defaultColor: 0x87D75F, defaultBold: true,
        summary: "backed and faulted into a process")
    /// Claimed (out of the free ranges) but not backed: a guard page.
    public static let reserved = PageState(
        rawValue: 2, jsonName: "reserved", legendLabel: "rsv", statusLabel: "rsv", glyph: "R", partlyFreeGlyph: "r",
        roleLetter: "r", isBacked: false, precedence: 1, defaultColor: 0xD787FF, defaultBold: false,
        summary: "claimed but not backed (guard pages)")

    /// Every state, in the order they are shown.
    public static let all: [PageState] = [.free, .allocated, .mapped, .reserved]

    /// The most states there can be (bins and stats keep a count for each).
    public static let capacity = 8

    private static let byRawValue: [PageState?] = (0..<capacity).map { raw in all.first { $0.rawValue == raw } }

    /// The state numbered `rawValue`, or nil for a number no state has.
    public init?(rawValue: UInt8) {
        guard Int(rawValue) < Self.capacity, let state = Self.byRawValue[Int(rawValue)] else { return nil }
        self = state
    }

    private init(
        rawValue: UInt8, jsonName: StaticString, legendLabel: String, statusLabel: String, glyph: Unicode.Scalar,
        partlyFreeGlyph: Unicode.Scalar, roleLetter: Character, isBacked: Bool, precedence: Int, defaultColor: UInt32,
        defaultBold: Bool, summary: String
    ) {
        precondition(Int(rawValue) < Self.capacity)
        self.rawValue = rawValue
        self.jsonName = jsonName
        self.legendLabel = legendLabel
        self.statusLabel = statusLabel
        self.glyph = glyph
        self.partlyFreeGlyph = partlyFreeGlyph
        self.roleLetter = roleLetter
        self.isBacked = isBacked
        self.precedence = precedence
        self.defaultColor = defaultColor
        self.defaultBold = defaultBold
        self.summary = summary
    }

    /// The name used in JSON and on screen.
    public var name: String { jsonName.description }
    public var description: String { name }

    /// True for the state of pages in the kernel's free ranges.
    public var isFree: Bool { self == .free }

    public static func == (lhs: PageState, rhs: PageState) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

/// An inclusive range of pages, `[first, last]`, as the kernel's range tree keeps them.
public struct PageRange: Sendable, Hashable, CustomStringConvertible {
    public var first: UInt32
    public var last: UInt32

    public init(first: UInt32, last: UInt32) {
        precondition(first <= last, "empty page range")
        self.first = first
        self.last = last
    }

    /// Number of pages in the range.
    public var count: UInt32 { last - first + 1 }

    public func contains(_ page: UInt32) -> Bool { page >= first && page <= last }

    public var description: String { "[\(first), \(last)]" }
}
