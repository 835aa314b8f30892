/// Reads bytes and words at user addresses, checking the snapshot's page map before
/// asking the source for a page, so an unbacked page is never requested.
public struct ArenaReader {
    /// The most bytes one `read` returns.
    public static let maxReadLength: UInt64 = 16 << 20

    public let snapshot: Snapshot
    private let fetch: (UInt32) throws -> [UInt8]
    private var cache: [UInt32: [UInt8]] = [:]

    /// Reads pages from `source`.
    public init(snapshot: Snapshot, source: ArenaSource) {
        self.init(snapshot: snapshot) { try source.pageBytes($0) }
    }

    public init(snapshot: Snapshot, fetch: @escaping (UInt32) throws -> [UInt8]) {
        self.snapshot = snapshot
        self.fetch = fetch
    }

    public var geometry: ArenaGeometry { snapshot.geometry }

    /// The page holding `address`, checked to be backed.
    public func backedPage(at address: UInt64) throws(ReadError) -> UInt32 {
        guard let page = geometry.page(containing: address) else {
            throw .outsideArena(address: address, start: geometry.userVMStart, end: geometry.userVMEnd)
        }
        let state = snapshot.pages.state(ofPage: page)
        guard state.isBacked else { throw .notBacked(address: address, page: page, state: state) }
        return page
    }

    /// `length` bytes from `address`; every page they touch must be backed.
    public mutating func read(_ address: UInt64, length: UInt64) throws -> [UInt8] {
        guard length <= Self.maxReadLength else { throw ReadError.tooLong(length: length, limit: Self.maxReadLength) }
        _ = try backedPage(at: address)
        guard length > 0 else { return [] }
        let (end, overflow) = address.addingReportingOverflow(length - 1)
        if overflow || end >= geometry.userVMEnd {
            throw ReadError.outsideArena(address: overflow ? UInt64.max : end, start: geometry.userVMStart, end: geometry.userVMEnd)
        }
        var result: [UInt8] = []
        result.reserveCapacity(Int(length))
        var cursor = address
        while cursor <= end {
            let page = try backedPage(at: cursor)
            let bytes = try pageBytes(page)
            let pageStart = geometry.address(ofPage: page)
            let from = Int(cursor - pageStart)
            let to = Int(min(end - pageStart, geometry.pageSize - 1))
            result.append(contentsOf: bytes[from...to])
            cursor = pageStart + geometry.pageSize
        }
        return result
    }

    /// A little-endian word of `width` bytes (1…8) at `address`.
    public mutating func word(at address: UInt64, width: Int = 8) throws -> UInt64 {
        let bytes = try read(address, length: UInt64(width))
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    private mutating func pageBytes(_ page: UInt32) throws -> [UInt8] {
        if let cached = cache[page] { return cached }
        let bytes = try fetch(page)
        guard bytes.count == Int(geometry.pageSize) else {
            throw ReadError.unavailable(page: page, reason: "source returned \(bytes.count) bytes for a \(geometry.pageSize)-byte page")
        }
        cache[page] = bytes
        return bytes
    }
}
