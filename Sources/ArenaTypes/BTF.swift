/// Why type information could not be used.
public enum TypeError: Error, Equatable, CustomStringConvertible {
    /// BTF bytes that break the format.
    case badBTF(String)
    /// No type of that name; `suggestions` are close names, `lookedIn` the BTF looked in.
    case unknownType(String, suggestions: [String], lookedIn: [String])
    /// The source has no type information at all.
    case noTypes(String)
    /// A value could not be read.
    case unreadable(String)

    public var description: String {
        switch self {
        case .badBTF(let why): "bad BTF: \(why)"
        case .unknownType(let name, let suggestions, let lookedIn):
            "no type named '\(name)'" + (suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)")
                + (lookedIn.isEmpty
                    ? ""
                    : "; looked in \(lookedIn.joined(separator: ", ")) (--btf FILE adds types; a .bpf.o built with -g adds those only its DWARF has, through pahole)")
        case .noTypes(let why): why
        case .unreadable(let why): why
        }
    }
}

/// BTF type kinds (include/uapi/linux/btf.h).
public enum BTFKind: UInt8, Sendable {
    case void = 0, int, pointer, array, structure, union, enumeration, forward, typedef, volatile, const, restrict
    case function, functionPrototype, variable, dataSection, float, declarationTag, typeTag, enumeration64

    /// True for the kinds whose header word holds a size, not a type id.
    var isSized: Bool {
        switch self {
        case .int, .structure, .union, .enumeration, .enumeration64, .float, .dataSection: true
        default: false
        }
    }
}

/// One BTF type, decoded and checked: every type id it names exists.
public struct BTFType: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let name: String
        public let type: UInt32
        /// Offset from the start of the enclosing type, in bits.
        public let bitOffset: UInt32
        /// Width of a bitfield in bits; 0 for an ordinary member.
        public let bitfieldSize: UInt32
    }

    public let kind: BTFKind
    public let name: String
    /// Size in bytes (int, struct, union, enum, float), or 0.
    public let size: UInt32
    /// The type referred to (pointer, typedef, qualifiers, array element, variable…), or 0.
    public let referenced: UInt32
    public var members: [Member] = []
    /// Enumerators, for enums.
    public var enumerators: [(name: String, value: Int64)] = []
    public var isSignedEnum = false
    /// Array element count.
    public var count: UInt32 = 0
    /// A data section's variables: the `variable` type, offset and size in the section.
    public var variables: [(type: UInt32, offset: UInt32, size: UInt32)] = []
    /// Int encoding: signed, char, bool; and the value's width in bits.
    public var intSigned = false
    public var intChar = false
    public var intBool = false
    public var intBits: UInt32 = 0
    /// Where an int's value starts, in bits (0 in what compilers emit).
    public var intOffset: UInt32 = 0

    public static func == (lhs: BTFType, rhs: BTFType) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.size == rhs.size && lhs.referenced == rhs.referenced
            && lhs.members == rhs.members && lhs.count == rhs.count
            && lhs.variables.elementsEqual(rhs.variables) { $0 == $1 }
            && lhs.enumerators.elementsEqual(rhs.enumerators) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A parsed BTF blob: type ids 1…n index `types` from 0.
public struct BTF: Sendable {
    public let types: [BTFType]
    public static let magic: UInt16 = 0xEB9F
    /// A blob larger than this is refused (vmlinux's is about 6 MiB).
    public static let maxSize = 64 << 20

    public subscript(id: UInt32) -> BTFType? { id >= 1 && Int(id) <= types.count ? types[Int(id) - 1] : nil }

    /// Parses and checks `bytes`; anything out of bounds is `.badBTF`.
    public init(_ bytes: [UInt8]) throws(TypeError) {
        guard bytes.count <= Self.maxSize else { throw .badBTF("\(bytes.count) bytes is more than BTF can be") }
        var header = Cursor(bytes)
        guard try header.u16() == Self.magic else { throw .badBTF("no BTF magic") }
        guard try header.u8() == 1 else { throw .badBTF("unknown BTF version") }
        _ = try header.u8()
        let headerLength = Int(try header.u32())
        let typeOffset = Int(try header.u32()), typeLength = Int(try header.u32())
        let stringOffset = Int(try header.u32()), stringLength = Int(try header.u32())
        guard headerLength >= 24, headerLength <= bytes.count,
            typeOffset <= bytes.count - headerLength, typeLength <= bytes.count - headerLength - typeOffset,
            stringOffset <= bytes.count - headerLength, stringLength <= bytes.count - headerLength - stringOffset
        else {
            throw .badBTF("sections outside the blob")
        }
        let strings = Array(bytes[(headerLength + stringOffset)..<(headerLength + stringOffset + stringLength)])
        var cursor = Cursor(Array(bytes[(headerLength + typeOffset)..<(headerLength + typeOffset + typeLength)]))
        var types: [BTFType] = []
        while !cursor.isAtEnd {
            types.append(try Self.type(&cursor, strings: strings))
        }
        for (index, type) in types.enumerated() {
            let outside = { (id: UInt32) in Int(id) > types.count }
            if let id = outside(type.referenced)
                ? type.referenced
                : type.members.lazy.map(\.type).first(where: outside)
                    ?? type.variables.lazy.map(\.type).first(where: outside)
            {
                throw .badBTF("type \(index + 1) refers to type \(id), of \(types.count)")
            }
        }
        try BTFRules.check(types)
        self.types = types
    }

    private static func type(_ cursor: inout Cursor, strings: [UInt8]) throws(TypeError) -> BTFType {
        let name = try string(try cursor.u32(), strings)
        let info = try cursor.u32()
        let sizeOrType = try cursor.u32()
        let vlen = Int(info & 0xFFFF)
        let kindFlag = info >> 31 == 1
        guard let kind = BTFKind(rawValue: UInt8((info >> 24) & 0x1F)), kind != .void else {
            throw .badBTF("unknown type kind \((info >> 24) & 0x1F)")
        }
        var type = BTFType(
            kind: kind, name: name, size: kind.isSized ? sizeOrType : 0,
            referenced: kind.isSized || kind == .forward ? 0 : sizeOrType)
        switch kind {
        case .int:
            let encoding = try cursor.u32()
            type.intSigned = (encoding >> 24) & 1 == 1
            type.intChar = (encoding >> 24) & 2 == 2
            type.intBool = (encoding >> 24) & 4 == 4
            type.intBits = encoding & 0xFF
            type.intOffset = encoding >> 16 & 0xFF
        case .array:
            type = BTFType(kind: .array, name: name, size: 0, referenced: try cursor.u32())
            _ = try cursor.u32()
            type.count = try cursor.u32()
        case .structure, .union:
            try cursor.ensure(vlen * 12)
            for _ in 0..<vlen {
                let memberName = try string(try cursor.u32(), strings)
                let memberType = try cursor.u32()
                let offset = try cursor.u32()
                type.members.append(
                    BTFType.Member(
                        name: memberName, type: memberType,
                        bitOffset: kindFlag ? offset & 0xFF_FFFF : offset, bitfieldSize: kindFlag ? offset >> 24 : 0))
            }
        case .enumeration:
            try cursor.ensure(vlen * 8)
            type.isSignedEnum = kindFlag
            for _ in 0..<vlen {
                let enumeratorName = try string(try cursor.u32(), strings)
                let raw = try cursor.u32()
                type.enumerators.append((enumeratorName, kindFlag ? Int64(Int32(bitPattern: raw)) : Int64(raw)))
            }
        case .enumeration64:
            try cursor.ensure(vlen * 12)
            type.isSignedEnum = kindFlag
            for _ in 0..<vlen {
                let enumeratorName = try string(try cursor.u32(), strings)
                let low = UInt64(try cursor.u32())
                let high = UInt64(try cursor.u32())
                type.enumerators.append((enumeratorName, Int64(bitPattern: high << 32 | low)))
            }
        case .functionPrototype:
            try cursor.skip(vlen * 8)
        case .variable, .declarationTag:
            try cursor.skip(4)
        case .dataSection:
            try cursor.ensure(vlen * 12)
            for _ in 0..<vlen {
                type.variables.append((try cursor.u32(), try cursor.u32(), try cursor.u32()))
            }
        default:
            break
        }
        return type
    }

    private static func string(_ offset: UInt32, _ strings: [UInt8]) throws(TypeError) -> String {
        guard Int(offset) < max(1, strings.count) else {
            if offset == 0 { return "" }
            throw .badBTF("name outside the string section")
        }
        guard !strings.isEmpty else { return "" }
        var end = Int(offset)
        while end < strings.count && strings[end] != 0 && end - Int(offset) < 1024 { end += 1 }
        // The kernel accepts identifiers, section names and C base type names
        // ("unsigned long long"): printable ASCII.
        guard strings[Int(offset)..<end].allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .badBTF("a name holds a byte that is not printable ASCII")
        }
        return String(decoding: strings[Int(offset)..<end], as: UTF8.self)
    }
}

/// Little-endian reads over untrusted BTF bytes.
struct Cursor {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func u8() throws(TypeError) -> UInt8 { UInt8(try read(1)) }
    mutating func u16() throws(TypeError) -> UInt16 { UInt16(try read(2)) }
    mutating func u32() throws(TypeError) -> UInt32 { UInt32(try read(4)) }

    func ensure(_ count: Int) throws(TypeError) {
        guard count >= 0, count <= bytes.count - offset else { throw .badBTF("a type runs past the type section") }
    }

    mutating func skip(_ count: Int) throws(TypeError) {
        try ensure(count)
        offset += count
    }

    private mutating func read(_ width: Int) throws(TypeError) -> UInt64 {
        try ensure(width)
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * index) }
        offset += width
        return value
    }
}
