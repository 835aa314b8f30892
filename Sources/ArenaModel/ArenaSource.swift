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

/// `0x`-prefixed lower-case hex.
public func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

/// Anything arenascope can look at: an emulated arena, a live kernel arena, a recording.
/// The UI and the recorder never know which one they hold.
public protocol ArenaSource: AnyObject {
    /// Takes a sample of the page states now. Never changes the arena.
    func sample() throws -> Snapshot
    /// The bytes of one backed page as they are now. Sources must refuse pages that
    /// are not backed rather than read them; callers check the page map first.
    func pageBytes(_ page: UInt32) throws -> [UInt8]
    /// Calls `body` with the bytes of each of `pages` (all backed in the latest sample), in
    /// order. Sources with a bulk path (live arenas) provide it; the default asks page by page.
    func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws
    /// The types of the structures kept in the arena, as BTF; empty when unknown.
    func typeBlobs() throws -> [TypeBlob]
}

extension ArenaSource {
    public func typeBlobs() throws -> [TypeBlob] { [] }

    public func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        for page in pages { try pageBytes(page).withUnsafeBytes { try body(page, $0) } }
    }
}

/// Type information (BTF) for what a source keeps in its arena: a program's BTF for a live
/// arena, a workload's description for an emulated one, what a recording kept.
public struct TypeBlob: Sendable, Equatable {
    /// Where it came from: "prog 12 (build_list)", "workload list"…
    public let origin: String
    /// Raw BTF.
    public let btf: [UInt8]

    public init(origin: String, btf: [UInt8]) {
        self.origin = origin
        self.btf = btf
    }
}
