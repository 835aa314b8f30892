/// One character cell of the screen.
public struct Cell: Equatable, Sendable {
    public var character: Unicode.Scalar
    public var role: ColorRole
    /// Drawn with foreground and background swapped (cursor, selection).
    public var inverse: Bool

    public init(_ character: Unicode.Scalar = " ", role: ColorRole = .text, inverse: Bool = false) {
        self.character = character
        self.role = role
        self.inverse = inverse
    }
}
