import ArenaText

/// Why bytes of the arena could not be read.
public enum ReadError: Error, Equatable, CustomStringConvertible {
    /// The address is not inside `[user_vm_start, user_vm_end)`.
    case outsideArena(address: UInt64, start: UInt64, end: UInt64)
    /// The page holding the address has no memory behind it.
    case notBacked(address: UInt64, page: UInt32, state: PageState)
    /// The length asked for is larger than arenascope reads at once.
    case tooLong(length: UInt64, limit: UInt64)
    /// The source could not deliver the page (gone, damaged, refused).
    case unavailable(page: UInt32, reason: String)

    public var description: String {
        switch self {
        case .outsideArena(let address, let start, let end):
            "address \(hex(address)) is outside the arena [\(hex(start)), \(hex(end)))"
        case .notBacked(let address, let page, let state):
            "address \(hex(address)) is in page \(page), which is \(state.name) (not backed): nothing to read"
        case .tooLong(let length, let limit):
            "length \(length) is larger than the limit of \(limit) bytes"
        case .unavailable(let page, let reason):
            "page \(page) could not be read: \(reason)"
        }
    }
}
