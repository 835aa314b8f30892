/// A source's pages as read in its latest sample: each page is read through the source at
/// most once a sample, whoever asks first (the recorder writing the sample's frame, the
/// inspector's panes, the object walk's copy), and every later ask gets the same bytes, or
/// the same failure. Sampling through it starts the reads anew. The sampling backend owns
/// one and hands it to its observers as their source.
public final class SampleReads: ArenaSource {
    /// Pages kept of one sample (128 MiB of 4 KiB pages); reads past it go to the source each time.
    public static let maxKeptPages = 32_768

    public let base: ArenaSource
    private var current: [UInt32: [UInt8]] = [:]
    private var failures: [UInt32: any Error] = [:]
    private var compared: Set<UInt32> = []
    /// The bytes the sample before had of the pages `compareNextSample` named.
    public private(set) var previous: [UInt32: [UInt8]] = [:]
    /// Pages asked of the source in this sample: it grows whenever new bytes arrive.
    public private(set) var pagesAsked = 0

    public init(_ base: ArenaSource) { self.base = base }

    public var descriptor: SourceDescriptor { base.descriptor }
    public var capabilities: SourceCapabilities { base.capabilities }

    /// A sample of the source; the reads of the one before are let go, but for the pages to compare.
    public func sample() throws -> Snapshot {
        previous = current.filter { compared.contains($0.key) }
        current = [:]
        failures = [:]
        compared = []
        pagesAsked = 0
        return try base.sample()
    }

    /// Keeps this sample's bytes of `pages` past the next sample, as `previous`.
    public func compareNextSample(_ pages: some Sequence<UInt32>) { compared.formUnion(pages) }

    /// The bytes of `page` when they were read in this sample.
    public func cached(_ page: UInt32) -> [UInt8]? { current[page] }

    /// Why `page` could not be read in this sample, when it was tried and could not.
    public func failure(_ page: UInt32) -> (any Error)? { failures[page] }

    public func pageBytes(_ page: UInt32) throws -> [UInt8] {
        if let bytes = current[page] { return bytes }
        if let failure = failures[page] { throw failure }
        pagesAsked += 1
        do {
            let bytes = try base.pageBytes(page)
            keep(page, bytes)
            return bytes
        } catch {
            failures[page] = error
            throw error
        }
    }

    /// The pages not yet read are read in one bulk read of the source and kept (while they
    /// fit; past that every page is read again); `body` then gets each page in order.
    public func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        let unread = pages.filter { current[$0] == nil }
        guard current.count + unread.count <= Self.maxKeptPages else {
            pagesAsked += pages.count
            return try base.withBytes(ofPages: pages, body)
        }
        if let failed = unread.lazy.compactMap({ self.failures[$0] }).first { throw failed }
        pagesAsked += unread.count
        try base.withBytes(ofPages: unread) { page, bytes in keep(page, Array(bytes)) }
        for page in pages { try current[page]?.withUnsafeBytes { try body(page, $0) } }
    }

    /// The bytes of `pages`, read as `withBytes` reads them: the kept arrays themselves, not copies.
    public func bytes(ofPages pages: [UInt32]) throws -> [UInt32: [UInt8]] {
        var bytes: [UInt32: [UInt8]] = [:]
        try withBytes(ofPages: pages) { page, contents in bytes[page] = current[page] ?? Array(contents) }
        return bytes
    }

    private func keep(_ page: UInt32, _ bytes: [UInt8]) {
        if current.count < Self.maxKeptPages { current[page] = bytes }
    }

    public func typeBlobs() throws -> [TypeBlob] { try base.typeBlobs() }
    public func shapeTexts() throws -> [ShapeText] { try base.shapeTexts() }
    public var shapeFile: String? { base.shapeFile }
    public var timeline: Timeline? { base.timeline }
    public func advance(_ steps: UInt64) { base.advance(steps) }
}
