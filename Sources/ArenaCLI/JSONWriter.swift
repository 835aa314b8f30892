import ArenaModel

/// A minimal, fast JSON text builder for the fixed shapes arenascope prints.
/// Keys and strings are escaped; numbers are written as integers or plain decimals.
public struct JSONWriter {
    /// The UTF-8 text written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init() { bytes.reserveCapacity(4096) }

    /// The JSON text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func emit(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func emitDigits(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func key(_ name: String?) {
        separate()
        if let name {
            appendString(name)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    public mutating func beginObject(_ name: String? = nil) {
        key(name)
        emit("{")
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        emit("}")
    }

    public mutating func beginArray(_ name: String? = nil) {
        key(name)
        emit("[")
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        emit("]")
    }

    public mutating func number<T: BinaryInteger>(_ value: T, _ name: String? = nil) {
        key(name)
        if value < 0 { emit("-") }
        emitDigits(UInt64(value.magnitude))
    }

    public mutating func number(_ value: Double, _ name: String? = nil) {
        key(name)
        if value.isFinite { bytes.append(contentsOf: String(value).utf8) } else { emit("null") }
    }

    public mutating func string(_ value: String, _ name: String? = nil) {
        key(name)
        appendString(value)
    }

    public mutating func bool(_ value: Bool, _ name: String? = nil) {
        key(name)
        if value { emit("true") } else { emit("false") }
    }

    private mutating func appendString(_ value: String) {
        emit("\"")
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): emit("\\\"")
            case UInt8(ascii: "\\"): emit("\\\\")
            case 0..<0x20, 0x7F:
                emit("\\u00")
                bytes.append(contentsOf: Hexdump.hexByte(byte).utf8)
            default: bytes.append(byte)
            }
        }
        emit("\"")
    }
}
