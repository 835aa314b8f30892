import ArenaModel

/// What a piece of the screen means; themes give each role its colours. The fixed roles
/// are listed here; every page state has a role of its own, named after the state.
public struct ColorRole: Hashable, Sendable, CustomStringConvertible {
    /// Small and cheap to compare: grids hold one per cell.
    private let index: UInt8

    private init(_ index: UInt8) { self.index = index }

    public static let text = ColorRole(0)
    public static let dim = ColorRole(1)
    public static let title = ColorRole(2)
    public static let border = ColorRole(3)
    public static let borderFocused = ColorRole(4)
    public static let status = ColorRole(5)
    public static let statusKey = ColorRole(6)
    public static let error = ColorRole(7)
    public static let cursor = ColorRole(8)
    public static let selection = ColorRole(9)
    /// Pages freed in the last samples, fading.
    public static let freed = ColorRole(10)
    /// A page-map cell mixing backed and free pages.
    public static let mixed = ColorRole(11)
    public static let pointer = ColorRole(12)
    public static let changed = ColorRole(13)
    public static let unbacked = ColorRole(14)
    public static let address = ColorRole(15)
    public static let header = ColorRole(16)
    /// Backed pages the roots do not reach (leak candidates), while the object map is shown.
    public static let unreached = ColorRole(17)

    /// Names and letters (for text dumps of roles) of the fixed roles, by index.
    private static let fixed: [(name: String, letter: Character)] = [
        ("text", " "), ("dim", "d"), ("title", "T"), ("border", "b"), ("borderFocused", "B"), ("status", "s"),
        ("statusKey", "k"), ("error", "E"), ("cursor", "C"), ("selection", "S"), ("freed", "f"), ("mixed", "x"),
        ("pointer", "p"), ("changed", "c"), ("unbacked", "u"), ("address", "@"), ("header", "h"), ("unreached", "L"),
    ]
    private static let firstStateIndex: UInt8 = 64

    /// The role of pages in `state`.
    public static func of(_ state: PageState) -> ColorRole { ColorRole(firstStateIndex + state.rawValue) }

    /// The page state whose role this is, if it is one.
    public var pageState: PageState? {
        index >= Self.firstStateIndex ? PageState(rawValue: index - Self.firstStateIndex) : nil
    }

    /// Every role: the fixed ones, then one for each page state.
    public static let allCases: [ColorRole] = fixed.indices.map { ColorRole(UInt8($0)) } + PageState.all.map(of)

    /// The role called `name` in theme files.
    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    /// The role's name in theme files.
    public var name: String { pageState?.name ?? Self.fixed[Int(index)].name }

    /// One letter standing for the role in text dumps (snapshot tests of colour).
    public var letter: Character { pageState?.traits.roleLetter ?? Self.fixed[Int(index)].letter }

    public var description: String { name }
}
