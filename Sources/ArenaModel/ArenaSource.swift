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
