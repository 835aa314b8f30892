/// What a source can do beyond sampling page states, declared by the source so that
/// nothing has to find out by casting it.
public struct SourceCapabilities: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// It gives the bytes of backed pages.
    public static let pageBytes = SourceCapabilities(rawValue: 1 << 0)
    /// It carries BTF for the structures in the arena.
    public static let types = SourceCapabilities(rawValue: 1 << 1)
    /// It has frames in time (`timeline`): a recording.
    public static let timeline = SourceCapabilities(rawValue: 1 << 2)
    /// It runs its own workload, moved on by `advance`: an emulated arena.
    public static let workload = SourceCapabilities(rawValue: 1 << 3)
    /// It can hold a live arena open after its owner goes.
    public static let keepAlive = SourceCapabilities(rawValue: 1 << 4)
}

/// Anything arenascope can look at: an emulated arena, a live kernel arena, a recording.
/// The UI and the recorder never know which one they hold: what a source can do beyond
/// sampling is in its `capabilities`.
public protocol ArenaSource: AnyObject {
    /// What the source is, as snapshots and recordings name it.
    var descriptor: SourceDescriptor { get }
    var capabilities: SourceCapabilities { get }
    /// Takes a sample of the page states now. Never changes the arena. One attempt: a
    /// source that changed under it throws a torn `ClassifiedSampleError` and the sampling
    /// backend decides whether to try again.
    func sample() throws -> Snapshot
    /// The bytes of one backed page as they are now. Sources must refuse pages that
    /// are not backed rather than read them; callers check the page map first.
    func pageBytes(_ page: UInt32) throws -> [UInt8]
    /// Calls `body` with the bytes of each of `pages` (all backed in the latest sample), in
    /// order. Sources with a bulk path (live arenas) provide it; the default asks page by page.
    func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws
    /// The types of the structures kept in the arena, as BTF; empty when unknown.
    func typeBlobs() throws -> [TypeBlob]
    /// What the types do not say about that memory (cast roots, counted arrays, containers,
    /// owned memory), as shape files; empty when nothing more is known.
    func shapeTexts() throws -> [ShapeText]
    /// The shape file the inspector saves declarations into (`v` on a root or a field); nil
    /// when the source has none (they then last the session).
    var shapeFile: String? { get }
    /// The frames of a recording; nil for other sources.
    var timeline: Timeline? { get }
    /// Moves the source's own workload on by `steps` (sources with `.workload`).
    func advance(_ steps: UInt64)
}

extension ArenaSource {
    public func typeBlobs() throws -> [TypeBlob] { [] }

    public func shapeTexts() throws -> [ShapeText] { [] }

    public var shapeFile: String? { nil }

    public func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        for page in pages { try pageBytes(page).withUnsafeBytes { try body(page, $0) } }
    }

    public var timeline: Timeline? { nil }

    public func advance(_ steps: UInt64) {}
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

/// A shape file's text (docs/shapes.md) and where it came from: a `--shape` file, one found
/// beside a `--btf` object or in the shapes folder, a workload's own, what a recording kept.
public struct ShapeText: Sendable, Equatable {
    public let origin: String
    public let text: String

    public init(origin: String, text: String) {
        self.origin = origin
        self.text = text
    }
}
