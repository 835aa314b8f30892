/// `0x`-prefixed lower-case hex.
public func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

/// A number written in decimal or as `0x` hex (either case), or nil.
public func parseNumber<S: StringProtocol>(_ text: S) -> UInt64? {
    let lowered = text.lowercased()
    return lowered.hasPrefix("0x") ? UInt64(lowered.dropFirst(2), radix: 16) : UInt64(lowered)
}
