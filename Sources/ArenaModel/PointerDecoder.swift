/// Decides whether a word read from arena memory is a pointer into the arena.
public struct PointerDecoder: Sendable, Hashable {
    public let geometry: ArenaGeometry
    /// Also accept 32-bit values inside the arena's low-32-bit window
    /// (the format of `BPF_F_NO_USER_CONV` arenas).
    public let acceptsLow32: Bool

    /// `acceptsLow32` defaults to what the arena's flags say.
    public init(geometry: ArenaGeometry, acceptsLow32: Bool? = nil) {
        self.geometry = geometry
        self.acceptsLow32 = acceptsLow32 ?? geometry.flags.contains(.noUserConv)
    }

    /// The same decoder, also taking 32-bit values in the arena's window.
    public var acceptingLow32: PointerDecoder { PointerDecoder(geometry: geometry, acceptsLow32: true) }

    /// The user address `word` points to, or nil when it is not an arena pointer.
    /// 0 is never a pointer.
    public func target(of word: UInt64) -> UInt64? {
        guard word != 0 else { return nil }
        if word >= geometry.userVMStart && word < geometry.userVMEnd { return word }
        guard acceptsLow32, word <= UInt64(UInt32.max) else { return nil }
        let low = geometry.userVMStart & 0xFFFF_FFFF
        guard word >= low, word - low < geometry.byteCount else { return nil }
        return (geometry.userVMStart & ~0xFFFF_FFFF) | word
    }

    /// How a program writes a pointer to `address` into arena memory.
    public func encode(_ address: UInt64) -> UInt64 {
        geometry.flags.contains(.noUserConv) ? address & 0xFFFF_FFFF : address
    }
}
