import ArenaModel
import ArenaText

/// A minimal, fast JSON text builder for the fixed shapes arenascope prints.
/// Member names are static strings (written as they are); string values are escaped.
public struct JSONWriter {
    /// The UTF-8 text written so far.
    public private(set) var bytes: [UInt8] = []
    /// Bit d % 64 of word d / 64 says "the container at depth d already has a member"
    /// (depth 0 is the top level); nesting has no limit of its own.
    private var hasMember: [UInt64] = [0]
    private var depth = 0

    public init() { bytes.reserveCapacity(4096) }

    /// The JSON text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject(_ name: StaticString? = nil) {
        member(name)
        emit("{")
        enter()
    }

    public mutating func endObject() {
        depth -= 1
        emit("}")
    }

    public mutating func beginArray(_ name: StaticString? = nil) {
        member(name)
        emit("[")
        enter()
    }

    public mutating func endArray() {
        depth -= 1
        emit("]")
    }

    public mutating func number<T: BinaryInteger>(_ value: T, _ name: StaticString? = nil) {
        member(name)
        if value < 0 { emit("-") }
        emitDigits(UInt64(value.magnitude))
    }

    public mutating func number(_ value: Double, _ name: StaticString? = nil) {
        member(name)
        if value.isFinite { bytes.append(contentsOf: String(value).utf8) } else { emit("null") }
    }

    public mutating func string(_ value: String, _ name: StaticString? = nil) {
        member(name)
        escaped(value)
    }

    /// A string value known at compile time, written without escaping (it must need none).
    public mutating func string(literal value: StaticString, _ name: StaticString? = nil) {
        member(name)
        emit("\"")
        emit(value)
        emit("\"")
    }

    public mutating func bool(_ value: Bool, _ name: StaticString? = nil) {
        member(name)
        if value { emit("true") } else { emit("false") }
    }

    public mutating func null(_ name: StaticString? = nil) {
        member(name)
        emit("null")
    }

    /// Starts a member whose name is only known at run time; write its value next.
    public mutating func member(named name: String) {
        separate()
        escaped(name)
        emit(":")
        clearMember()
    }

    private mutating func member(_ name: StaticString?) {
        separate()
        guard let name else { return }
        emit("\"")
        emit(name)
        emit("\":")
    }

    private mutating func enter() {
        depth += 1
        if depth / 64 == hasMember.count { hasMember.append(0) }
        clearMember()
    }

    private mutating func clearMember() {
        hasMember[depth / 64] &= ~(1 << UInt64(depth % 64))
    }

    private mutating func separate() {
        let bit: UInt64 = 1 << UInt64(depth % 64)
        if hasMember[depth / 64] & bit != 0 { bytes.append(UInt8(ascii: ",")) }
        hasMember[depth / 64] |= bit
    }

    private mutating func emit(_ literal: StaticString) {
        // Byte by byte and without a closure: for these few bytes it beats a bulk append.
        guard literal.hasPointerRepresentation else {
            bytes.append(contentsOf: literal.description.utf8)
            return
        }
        let start = literal.utf8Start
        for index in 0..<literal.utf8CodeUnitCount { bytes.append(start[index]) }
    }

    private mutating func emitDigits(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(48 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private mutating func escaped(_ value: String) {
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

    /// An arena's flags as an array of names.
    public mutating func flags(_ flags: ArenaFlags, _ name: StaticString) {
        beginArray(name)
        for flag in flags.names { string(flag) }
        endArray()
    }

    /// A source's details as members of the open object.
    public mutating func details(_ details: [(key: String, value: SourceDescriptor.DetailValue)]) {
        for (key, value) in details {
            member(named: key)
            switch value {
            case .text(let text): string(text)
            case .number(let value): number(value)
            }
        }
    }

    /// `"roots": [{"name", "addr", "type", "origin", "next_offset"}]`, with `"note"` for a
    /// root outside the arena (never read).
    public mutating func roots(_ roots: [StructureRoot], in geometry: ArenaGeometry) {
        beginArray("roots")
        for root in roots {
            beginObject()
            string(root.name, "name")
            number(root.address, "addr")
            if let type = root.type { string(type, "type") } else { null("type") }
            string(root.origin, "origin")
            number(root.nextOffset, "next_offset")
            if let note = root.note(in: geometry) { string(note, "note") }
            endObject()
        }
        endArray()
    }
}
