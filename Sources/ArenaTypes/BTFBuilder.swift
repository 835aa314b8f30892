/// Writes BTF for types described in Swift: how emulated workloads describe the structures
/// they keep in the arena, in the same form live programs' types arrive in.
public struct BTFBuilder {
    private var types: [UInt8] = []
    private var strings: [UInt8] = [0]
    private var count: UInt32 = 0
    private var names: [String: UInt32] = [:]

    public init() {}

    /// An unsigned or signed integer of `size` bytes; returns its type id.
    public mutating func int(_ name: String, size: UInt32, signed: Bool = false) -> UInt32 {
        add(name: name, kind: .int, vlen: 0, sizeOrType: size, extra: [(signed ? 1 : 0) << 24 | size * 8])
    }

    public mutating func pointer(to type: UInt32) -> UInt32 {
        add(name: "", kind: .pointer, vlen: 0, sizeOrType: type)
    }

    public mutating func array(of element: UInt32, count elements: UInt32, index: UInt32) -> UInt32 {
        add(name: "", kind: .array, vlen: 0, sizeOrType: 0, extra: [element, index, elements])
    }

    /// `type` with a BTF type tag (`__attribute__((btf_type_tag("arena")))`).
    public mutating func typeTag(_ name: String, _ type: UInt32) -> UInt32 {
        add(name: name, kind: .typeTag, vlen: 0, sizeOrType: type)
    }

    /// `struct name;`: a struct only declared, as clang leaves one reached only through pointers.
    public mutating func forward(_ name: String) -> UInt32 {
        add(name: name, kind: .forward, vlen: 0, sizeOrType: 0)
    }

    public mutating func typedef(_ name: String, _ type: UInt32) -> UInt32 {
        add(name: name, kind: .typedef, vlen: 0, sizeOrType: type)
    }

    /// A struct declared before its members are known (for self-referencing types); fill
    /// it with `define`.
    public mutating func declareStruct() -> UInt32 {
        count += 1
        pending[count] = types.count
        types += [UInt8](repeating: 0, count: 12)
        return count
    }

    /// A member of a struct: a name, a type, and where it lies in bits.
    public struct Member {
        let name: String, type: UInt32, bitOffset: UInt32, bits: UInt32

        /// An ordinary member at byte `offset`.
        public static func field(_ name: String, _ type: UInt32, at offset: UInt32) -> Member {
            Member(name: name, type: type, bitOffset: offset * 8, bits: 0)
        }

        /// A bitfield of `bits` bits at bit `bitOffset`.
        public static func bitfield(_ name: String, _ type: UInt32, bitOffset: UInt32, bits: UInt32) -> Member {
            Member(name: name, type: type, bitOffset: bitOffset, bits: bits)
        }
    }

    /// Gives struct `id` (from `declareStruct`) its name, size and members.
    public mutating func define(_ id: UInt32, name: String, size: UInt32, members: [Member]) {
        guard let position = pending.removeValue(forKey: id) else { return }
        let hasBitfields = members.contains { $0.bits > 0 }
        let record: [UInt32] = [stringOffset(name), (hasBitfields ? 1 << 31 : 0) | UInt32(BTFKind.structure.rawValue) << 24 | UInt32(members.count), size]
        var tail: [UInt32] = []
        for member in members {
            tail += [stringOffset(member.name), member.type, hasBitfields ? member.bits << 24 | member.bitOffset : member.bitOffset]
        }
        types.replaceSubrange(position..<position + 12, with: record.flatMap(Self.littleEndian))
        types.insert(contentsOf: tail.flatMap(Self.littleEndian), at: position + 12)
        // Structs declared after this one moved along.
        for (other, start) in pending where start > position { pending[other] = start + tail.count * 4 }
    }

    /// A struct defined at once.
    public mutating func structure(_ name: String, size: UInt32, _ members: [Member]) -> UInt32 {
        let id = declareStruct()
        define(id, name: name, size: size, members: members)
        return id
    }

    /// A union defined at once (members at offset 0).
    public mutating func union(_ name: String, size: UInt32, _ members: [Member]) -> UInt32 {
        add(
            name: name, kind: .union, vlen: members.count, sizeOrType: size,
            extra: members.flatMap { [stringOffset($0.name), $0.type, $0.bitOffset] })
    }

    public mutating func enumeration(_ name: String, size: UInt32, _ values: [(String, Int32)]) -> UInt32 {
        // The kind flag marks a signed enum.
        add(
            name: name, kind: .enumeration, vlen: values.count, sizeOrType: size, kindFlag: values.contains { $0.1 < 0 },
            extra: values.flatMap { [stringOffset($0.0), UInt32(bitPattern: $0.1)] })
    }

    /// Any type record exactly as given, checked by nothing: how crafted inputs (regression
    /// fixtures, fuzz seeds) break the rules a parser must enforce.
    public mutating func record(
        _ kind: BTFKind, name: String = "", vlen: Int = 0, sizeOrType: UInt32, kindFlag: Bool = false,
        extra: [UInt32] = []
    ) -> UInt32 {
        add(name: name, kind: kind, vlen: vlen, sizeOrType: sizeOrType, kindFlag: kindFlag, extra: extra)
    }

    private var pending: [UInt32: Int] = [:]

    /// The finished blob.
    public func build() -> [UInt8] {
        var header: [UInt32] = [0, 24, 0, UInt32(types.count), UInt32(types.count), UInt32(strings.count)]
        header[0] = UInt32(BTF.magic) | 1 << 16
        return header.flatMap(Self.littleEndian) + types + strings
    }

    private mutating func add(name: String, kind: BTFKind, vlen: Int, sizeOrType: UInt32, kindFlag: Bool = false, extra: [UInt32] = []) -> UInt32 {
        let record = [stringOffset(name), (kindFlag ? 1 << 31 : 0) | UInt32(kind.rawValue) << 24 | UInt32(vlen), sizeOrType] + extra
        types += record.flatMap(Self.littleEndian)
        count += 1
        return count
    }

    private mutating func stringOffset(_ name: String) -> UInt32 {
        guard !name.isEmpty else { return 0 }
        if let known = names[name] { return known }
        let offset = UInt32(strings.count)
        strings += Array(name.utf8) + [0]
        names[name] = offset
        return offset
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}
