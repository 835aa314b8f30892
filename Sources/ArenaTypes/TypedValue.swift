import ArenaModel

/// A value read from arena memory as a type.
public indirect enum TypedValue: Sendable, Equatable {
    case unsigned(UInt64)
    case signed(Int64)
    case bool(Bool)
    case float(Double)
    /// An enum's value and the enumerator's name when it has one.
    case enumerator(String?, Int64)
    /// A pointer's stored value; `target` is the arena address it leads to, if it points
    /// into the arena; `pointee` its type.
    case pointer(UInt64, target: UInt64?, pointee: TypeRef?)
    case array([TypedValue])
    /// A struct's or union's members.
    case record([TypedField])
    /// Something with no value to show (void, a function, a type of unknown size).
    case opaque(String)
}

/// One member of a struct or union, decoded.
public struct TypedField: Sendable, Equatable {
    public let name: String
    /// Byte offset inside the enclosing type.
    public let offset: UInt64
    /// For bitfields: the bit offset inside the enclosing type and the width.
    public let bitfield: (offset: UInt32, bits: UInt32)?
    /// How C spells the member's type.
    public let typeName: String
    public let type: TypeRef
    public let value: TypedValue

    public static func == (lhs: TypedField, rhs: TypedField) -> Bool {
        lhs.name == rhs.name && lhs.offset == rhs.offset && lhs.typeName == rhs.typeName && lhs.value == rhs.value
            && lhs.bitfield?.offset == rhs.bitfield?.offset && lhs.bitfield?.bits == rhs.bitfield?.bits
    }
}

/// A decoded value at an address.
public struct Decoded: Sendable {
    public let address: UInt64
    public let typeName: String
    public let type: TypeRef
    public let size: UInt64
    public let value: TypedValue
}

/// Reads arena memory as a type: integers, enums by name, pointers (and whether they lead
/// into the arena), arrays, nested structs and unions, bitfields. Reads go through an
/// `ArenaReader`, so an unbacked page is an error and nothing is allocated.
public struct TypeDecoder {
    public let catalog: TypeCatalog
    public let pointers: PointerDecoder
    /// Array elements shown at most (the rest are left out).
    public static let maxElements = 1024
    /// Largest value decoded at once.
    public static let maxSize: UInt64 = 1 << 20
    /// Values decoded at once at most (members and elements, nested ones included).
    public static let maxValues = 1 << 16
    /// What a value cut off by the limits says instead.
    public static let tooDeep = "nested more than \(TypeCatalog.maxDepth) deep: not shown"
    public static let tooMany = "more than \(maxValues) values: not shown"

    public init(catalog: TypeCatalog, pointers: PointerDecoder) {
        self.catalog = catalog
        self.pointers = pointers
    }

    /// The value of type `ref` at `address`.
    public func decode(_ ref: TypeRef, at address: UInt64, reader: inout ArenaReader) throws -> Decoded {
        guard let size = catalog.size(of: ref), size > 0 else {
            if catalog.resolved(ref)?.type.kind == .forward {
                throw TypeError.unreadable("\(catalog.name(of: ref)) is only declared in the BTF known: it has no size or fields (--btf FILE can define it)")
            }
            throw TypeError.unreadable("\(catalog.name(of: ref)) has no size to read")
        }
        guard size <= Self.maxSize else { throw TypeError.unreadable("\(catalog.name(of: ref)) is \(size) bytes, more than \(Self.maxSize)") }
        let bytes = try reader.read(address, length: size)
        var budget = Self.maxValues
        let value = value(of: ref, in: bytes, at: 0, depth: 0, budget: &budget)
        return Decoded(address: address, typeName: catalog.name(of: ref), type: ref, size: size, value: value)
    }

    private func value(of ref: TypeRef, in bytes: [UInt8], at offset: UInt64, depth: Int, budget: inout Int) -> TypedValue {
        budget -= 1
        if let count = ref.count {
            guard let size = catalog.size(of: ref.element), size > 0 else { return .opaque(catalog.name(of: ref)) }
            return .array(
                (0..<min(Int(count), Self.maxElements)).map {
                    value(of: ref.element, in: bytes, at: offset + UInt64($0) * size, depth: depth + 1, budget: &budget)
                })
        }
        if ref.pointers > 0 {
            let raw = Self.load(bytes, offset, 8)
            return .pointer(raw, target: pointers.target(of: raw), pointee: ref.dereferenced)
        }
        guard depth < TypeCatalog.maxDepth else { return .opaque(Self.tooDeep) }
        guard budget > 0 else { return .opaque(Self.tooMany) }
        guard let (resolved, type) = catalog.resolved(ref) else { return .opaque(catalog.name(of: ref)) }
        switch type.kind {
        case .int:
            let raw = Self.load(bytes, offset, Int(type.size))
            if type.intBool { return .bool(raw != 0) }
            return type.intSigned ? .signed(Self.signExtend(raw, bits: Int(type.size) * 8)) : .unsigned(raw)
        case .enumeration, .enumeration64:
            let raw = Self.load(bytes, offset, Int(type.size))
            let value = type.isSignedEnum ? Self.signExtend(raw, bits: Int(type.size) * 8) : Int64(bitPattern: raw)
            return .enumerator(type.enumerators.first { $0.value == value }?.name, value)
        case .float:
            let raw = Self.load(bytes, offset, Int(type.size))
            return type.size == 4
                ? .float(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))))
                : type.size == 8 ? .float(Double(bitPattern: raw)) : .opaque("float\(type.size * 8)")
        case .pointer:
            let raw = Self.load(bytes, offset, 8)
            let pointee = TypeRef(blob: resolved.blob, id: type.referenced)
            // A pointer whose pointee is tagged "arena" is an arena pointer whatever the arena's
            // flags: its low 32 bits are read in the arena's window too.
            let decoder = catalog.type(pointee)?.kind == .typeTag && catalog.type(pointee)?.name == "arena" ? pointers.acceptingLow32 : pointers
            return .pointer(raw, target: decoder.target(of: raw), pointee: type.referenced == 0 ? nil : pointee)
        case .array:
            let element = TypeRef(blob: resolved.blob, id: type.referenced)
            guard let size = catalog.size(of: element), size > 0 else { return .opaque(catalog.name(of: ref)) }
            let shown = min(Int(type.count), Self.maxElements)
            return .array((0..<shown).map { value(of: element, in: bytes, at: offset + UInt64($0) * size, depth: depth + 1, budget: &budget) })
        case .structure, .union:
            return .record(
                type.members.map { member in
                    let memberRef = TypeRef(blob: resolved.blob, id: member.type)
                    let byteOffset = UInt64(member.bitOffset / 8)
                    let isBitfield = member.bitfieldSize > 0 || member.bitOffset % 8 != 0
                    let memberValue: TypedValue
                    if isBitfield {
                        let bits = member.bitfieldSize > 0 ? member.bitfieldSize : UInt32(clamping: (catalog.size(of: memberRef) ?? 1) * 8)
                        memberValue = bitfield(memberRef, in: bytes, bitOffset: offset * 8 + UInt64(member.bitOffset), bits: bits)
                    } else {
                        memberValue = value(of: memberRef, in: bytes, at: offset + byteOffset, depth: depth + 1, budget: &budget)
                    }
                    return TypedField(
                        name: member.name, offset: byteOffset,
                        bitfield: isBitfield ? (member.bitOffset, member.bitfieldSize) : nil,
                        typeName: catalog.name(of: memberRef), type: memberRef, value: memberValue)
                })
        default:
            return .opaque(catalog.name(of: ref))
        }
    }

    private func bitfield(_ ref: TypeRef, in bytes: [UInt8], bitOffset: UInt64, bits: UInt32) -> TypedValue {
        guard bits > 0, bits <= 64 else { return .opaque("bitfield") }
        var raw: UInt64 = 0
        for bit in 0..<UInt64(bits) {
            let position = bitOffset + bit
            let byte = Int(position / 8)
            guard byte < bytes.count else { break }
            if bytes[byte] >> (position % 8) & 1 == 1 { raw |= 1 << bit }
        }
        let type = catalog.resolved(ref)?.type
        if type?.intBool == true { return .bool(raw != 0) }
        if type?.kind == .enumeration || type?.kind == .enumeration64 {
            let value = Int64(bitPattern: raw)
            return .enumerator(type?.enumerators.first { $0.value == value }?.name, value)
        }
        return type?.intSigned == true ? .signed(Self.signExtend(raw, bits: Int(bits))) : .unsigned(raw)
    }

    /// A little-endian value of `width` bytes (out-of-range bytes read as 0).
    static func load(_ bytes: [UInt8], _ offset: UInt64, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<min(width, 8) {
            let position = Int(offset) + index
            guard position < bytes.count else { break }
            value |= UInt64(bytes[position]) << (8 * index)
        }
        return value
    }

    static func signExtend(_ value: UInt64, bits: Int) -> Int64 {
        guard bits > 0, bits < 64 else { return Int64(bitPattern: value) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }
}
