import ArenaModel

/// Appends little-endian fields to a byte buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { append(value) }
    mutating func u32(_ value: UInt32) { append(value) }
    mutating func u64(_ value: UInt64) { append(value) }
    mutating func raw(_ data: [UInt8]) { bytes += data }

    /// A string of at most 65,535 UTF-8 bytes, length first (longer ones are cut).
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8.prefix(Int(UInt16.max)))
        u16(UInt16(utf8.count))
        bytes += utf8
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

/// Reads little-endian fields from untrusted bytes; every overrun is a `.damaged` error,
/// and counts are checked against the bytes left before anything is allocated for them.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// What is being read, for error messages.
    let context: String

    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    mutating func u8() throws(RecordingError) -> UInt8 { try integer() }
    mutating func u16() throws(RecordingError) -> UInt16 { try integer() }
    mutating func u32() throws(RecordingError) -> UInt32 { try integer() }
    mutating func u64() throws(RecordingError) -> UInt64 { try integer() }

    mutating func raw(_ count: Int) throws(RecordingError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw overrun(count) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A text; one holding a control character is damage (arenascope writes names, never
    /// controls, and a text may end up on a terminal).
    mutating func string() throws(RecordingError) -> String {
        let count = Int(try u16())
        let text = String(decoding: try raw(count), as: UTF8.self)
        guard !text.unicodeScalars.contains(where: \.isTerminalControl) else {
            throw .damaged("\(context): a text holds a control character")
        }
        return text
    }

    /// A u32 element count whose elements take at least `minimumSize` bytes each.
    mutating func count(minimumSize: Int, limit: Int = Int(UInt32.max)) throws(RecordingError) -> Int {
        let count = Int(try u32())
        guard count <= limit, count * minimumSize <= remaining else {
            throw .damaged("\(context): \(count) entries do not fit in the \(remaining) bytes left")
        }
        return count
    }

    func expectEnd() throws(RecordingError) {
        guard isAtEnd else { throw .damaged("\(context): \(remaining) unexpected bytes at the end") }
    }

    private mutating func integer<T: FixedWidthInteger>() throws(RecordingError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw overrun(size) }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    private func overrun(_ wanted: Int) -> RecordingError {
        .damaged("\(context): needs \(wanted) bytes at offset \(offset), \(remaining) left")
    }
}
