import ArenaModel

/// The kernel's rules for a BTF blob (kernel/bpf/btf.c), checked once when it is parsed so
/// that everything downstream (sizes, decoding, the object walk) can rely on them: base
/// types of the sizes C has, bitfields of at most 128 bits inside their struct, members
/// inside their struct, no type that contains itself, nesting at most
/// `TypeCatalog.maxDepth` deep, and no type larger than 4 GiB.
enum BTFRules {
    static func check(_ types: [BTFType]) throws(TypeError) {
        var checker = Checker(types: types)
        for id in types.indices.map({ UInt32($0 + 1) }) {
            try checker.checkKind(id)
            _ = try checker.size(of: id)
        }
    }

    private struct Checker {
        let types: [BTFType]
        /// Each type's size once worked out (nil: it has none, like void or a function).
        var sizes: [UInt64?]
        /// 0 not met, 1 being worked out (meeting it again is a loop), 2 done.
        var state: [UInt8]
        /// How many types deep each type nests (a base type or a pointer: 1).
        var heights: [Int]

        init(types: [BTFType]) {
            self.types = types
            sizes = Array(repeating: nil, count: types.count + 1)
            state = Array(repeating: 0, count: types.count + 1)
            heights = Array(repeating: 0, count: types.count + 1)
        }

        func checkKind(_ id: UInt32) throws(TypeError) {
            let type = types[Int(id) - 1]
            switch type.kind {
            case .int:
                guard [1, 2, 4, 8, 16].contains(type.size) else { throw .badBTF("type \(id): an int of \(type.size) bytes") }
                guard type.intBits <= 128, type.intOffset + type.intBits <= type.size * 8 else {
                    throw .badBTF("type \(id): an int of \(type.intBits) bits at bit \(type.intOffset) does not fit its \(type.size) bytes")
                }
            case .float:
                guard [2, 4, 8, 12, 16].contains(type.size) else { throw .badBTF("type \(id): a float of \(type.size) bytes") }
            case .enumeration, .enumeration64:
                guard [1, 2, 4, 8].contains(type.size) else { throw .badBTF("type \(id): an enum of \(type.size) bytes") }
            case .structure, .union:
                for member in type.members where member.bitfieldSize > 128 {
                    throw .badBTF("type \(id): member '\(member.name)' is a bitfield of \(member.bitfieldSize) bits")
                }
            default:
                break
            }
        }

        /// The size of type `id`, checking on the way that it contains no loop, is not nested
        /// too deeply, and that its members lie inside it.
        /// Recursion is as deep as the nesting, which is refused past `TypeCatalog.maxDepth`.
        mutating func size(of id: UInt32) throws(TypeError) -> UInt64? {
            guard id != 0 else { return nil }
            let index = Int(id)
            if state[index] == 2 { return sizes[index] }
            guard state[index] == 0 else { throw .badBTF("type \(id) contains itself") }
            state[index] = 1
            var height = 1
            func nested(_ inner: UInt32) throws(TypeError) -> UInt64? {
                let size = try self.size(of: inner)
                height = max(height, heights[Int(inner)] + 1)
                guard height <= TypeCatalog.maxDepth else { throw .badBTF("type \(id) is nested more than \(TypeCatalog.maxDepth) types deep") }
                return size
            }
            let type = types[index - 1]
            var size: UInt64?
            switch type.kind {
            case .int, .float, .enumeration, .enumeration64:
                size = UInt64(type.size)
            case .pointer:
                size = 8
            case .typedef, .const, .volatile, .restrict, .typeTag:
                size = try nested(type.referenced)
            case .array:
                if let element = try nested(type.referenced) {
                    guard let total = Checked.productOrNil(element, UInt64(type.count)), total <= UInt64(UInt32.max) else {
                        throw .badBTF("type \(id): an array of \(type.count) elements of \(element) bytes is larger than 4 GiB")
                    }
                    size = total
                }
            case .structure, .union:
                size = UInt64(type.size)
                for member in type.members {
                    guard let memberSize = try nested(member.type) else { continue }
                    let bits = member.bitfieldSize > 0 ? UInt64(member.bitfieldSize) : memberSize * 8
                    guard UInt64(member.bitOffset) + bits <= UInt64(type.size) * 8 else {
                        throw .badBTF("type \(id): member '\(member.name)' lies outside its \(type.size) bytes")
                    }
                }
            default:
                size = nil
            }
            sizes[index] = size
            heights[index] = height
            state[index] = 2
            return size
        }
    }
}
