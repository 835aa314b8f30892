/// What the kernel knows about one arena page.
///
/// Every state is one row of the table below, and everything that lists, counts, draws or
/// encodes states is generated from the rows: stats, bins, the page map's glyphs and
/// legend, the status line, list columns, colour roles and their default colours, JSON
/// and recordings. A new state is a new row here plus the source that produces it.
///
/// A state is four bytes (page maps hold one per run); what it is called and how it looks
/// is its row, `traits`.
public struct PageState: Hashable, Sendable, CustomStringConvertible {
    /// The state's number in recordings and in the BPF programs' records: never renumber one.
    public let rawValue: UInt8
    /// True when a page of memory backs it, so its bytes can be read.
    public let isBacked: Bool
    /// True for the state of pages in the kernel's free ranges.
    public let isFree: Bool
    /// A cell of mixed pages shows the state with the highest precedence.
    public let precedence: UInt8

    /// True for a state only some kernels produce, and rarely: status lines name it only
    /// while pages are in it.
    public let isTransient: Bool

    private init(_ rawValue: UInt8, backed: Bool, free: Bool = false, transient: Bool = false, precedence: UInt8) {
        self.rawValue = rawValue
        isBacked = backed
        isFree = free
        isTransient = transient
        self.precedence = precedence
    }

    /// In the free range tree: nothing backs it.
    public static let free = PageState(0, backed: false, free: true, precedence: 0)
    /// Backed by a page, but in no process's page table.
    public static let allocated = PageState(1, backed: true, precedence: 2)
    /// Claimed (out of the free ranges) but not backed: a guard page.
    public static let reserved = PageState(2, backed: false, precedence: 1)
    /// Backed and faulted into at least one user process.
    public static let mapped = PageState(3, backed: true, precedence: 3)
    /// Freed from a context that cannot sleep and queued, not freed yet (7.0+): still
    /// claimed, and backed until the kernel's worker runs, so never read.
    public static let freeing = PageState(4, backed: false, transient: true, precedence: 4)

    /// The table: one row a state, in the order states are shown.
    private static let rows: [Traits] = [
        Traits(
            state: .free, jsonName: "free", legendLabel: "free", statusLabel: "free", glyph: "·", partlyFreeGlyph: "·",
            roleLetter: ".", defaultColor: 0x4E4E4E, defaultBold: false),
        Traits(
            state: .allocated, jsonName: "allocated", legendLabel: "alloc", statusLabel: "alloc", glyph: "#", partlyFreeGlyph: "a",
            roleLetter: "a", defaultColor: 0x5FAFFF, defaultBold: false),
        Traits(
            state: .mapped, jsonName: "mapped", legendLabel: "mapped", statusLabel: "map", glyph: "M", partlyFreeGlyph: "m",
            roleLetter: "m", defaultColor: 0x87D75F, defaultBold: true),
        Traits(
            state: .reserved, jsonName: "reserved", legendLabel: "rsv", statusLabel: "rsv", glyph: "R", partlyFreeGlyph: "r",
            roleLetter: "r", defaultColor: 0xD787FF, defaultBold: false),
        Traits(
            state: .freeing, jsonName: "freeing", legendLabel: "freeing", statusLabel: "freeing", glyph: "F", partlyFreeGlyph: "f",
            roleLetter: "F", defaultColor: 0xFFAF00, defaultBold: true),
    ]

    /// What a state is called and how it looks.
    public struct Traits: Sendable {
        public let state: PageState
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
        /// The colour of its pages in the built-in theme: `0xRRGGBB`, and bold or not.
        public let defaultColor: UInt32
        public let defaultBold: Bool
    }

    /// Every state, in the order they are shown.
    public static let all: [PageState] = rows.map(\.state)

    /// The most states there can be (bins and stats keep a count for each).
    public static let capacity = 8

    private static let rowIndex: [Int?] = (0..<capacity).map { raw in rows.firstIndex { $0.state.rawValue == raw } }
    /// Each state by its number (nil where no state has it), for decoding in bulk.
    static let byRawValue: [PageState?] = rowIndex.map { $0.map { rows[$0].state } }
    /// Each state's precedence by its number, 0 for free states and unused numbers.
    static let claimedPrecedence = SIMD8<UInt32>(
        (0..<capacity).map { raw in
            byRawValue[raw].map { $0.isFree ? 0 : UInt32($0.precedence) + 1 } ?? 0
        })
    /// 1 in the lanes of free states.
    static let freeLanes = SIMD8<UInt32>((0..<capacity).map { byRawValue[$0]?.isFree == true ? 1 : 0 })

    /// The state numbered `rawValue`, or nil for a number no state has.
    public init?(rawValue: UInt8) {
        guard Int(rawValue) < Self.capacity, let state = Self.byRawValue[Int(rawValue)] else { return nil }
        self = state
    }

    /// This state's row of the table.
    public var traits: Traits { Self.rows[Self.rowIndex[Int(rawValue)]!] }

    /// The name used in JSON and on screen.
    public var name: String { traits.jsonName.description }
    public var jsonName: StaticString { traits.jsonName }
    public var glyph: Unicode.Scalar { traits.glyph }
    public var partlyFreeGlyph: Unicode.Scalar { traits.partlyFreeGlyph }
    public var description: String { name }

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

    /// `ranges` in page order with overlapping and touching ones joined.
    public static func merged(_ ranges: [PageRange]) -> [PageRange] {
        var result: [PageRange] = []
        for range in ranges.sorted(by: { $0.first < $1.first }) {
            if let last = result.last, range.first <= last.last + 1 {
                result[result.count - 1].last = max(last.last, range.last)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// Sorted page numbers as ranges of consecutive pages.
    public static func runs(of pages: some Sequence<UInt32>) -> [PageRange] {
        var ranges: [PageRange] = []
        for page in pages {
            if let last = ranges.last, last.last + 1 == page { ranges[ranges.count - 1].last = page } else { ranges.append(PageRange(first: page, last: page)) }
        }
        return ranges
    }
}
