/// What a piece of the screen means; themes give each role its colours.
public enum ColorRole: String, CaseIterable, Sendable {
    case text, dim, title, border, borderFocused, status, statusKey, error, cursor, selection
    case free, allocated, mapped, reserved, freed, mixed
    case pointer, changed, unbacked, address, header

    /// The role's name in theme files.
    public var name: String { rawValue }
}
