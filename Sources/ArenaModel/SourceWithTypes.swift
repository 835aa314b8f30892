/// A source with more types and shapes than it carries itself (`--btf FILE`, `--shape FILE`):
/// everything else is the source's own.
public final class SourceWithTypes: ArenaSource {
    public let inner: ArenaSource
    public let extraTypes: [TypeBlob]
    public let extraShapes: [ShapeText]

    public init(_ inner: ArenaSource, adding extraTypes: [TypeBlob], shapes extraShapes: [ShapeText] = []) {
        self.inner = inner
        self.extraTypes = extraTypes
        self.extraShapes = extraShapes
    }

    public var descriptor: SourceDescriptor { inner.descriptor }
    public var capabilities: SourceCapabilities { inner.capabilities.union(.types) }
    public var timeline: Timeline? { inner.timeline }
    public func sample() throws -> Snapshot { try inner.sample() }
    public func pageBytes(_ page: UInt32) throws -> [UInt8] { try inner.pageBytes(page) }
    public func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        try inner.withBytes(ofPages: pages, body)
    }
    public func typeBlobs() throws -> [TypeBlob] { try inner.typeBlobs() + extraTypes }
    public func shapeTexts() throws -> [ShapeText] { try inner.shapeTexts() + extraShapes }
    /// The first `--shape` file (or the one beside a `--btf` object), else the source's own.
    public var shapeFile: String? { extraShapes.first?.origin ?? inner.shapeFile }
    public func advance(_ steps: UInt64) { inner.advance(steps) }
}
