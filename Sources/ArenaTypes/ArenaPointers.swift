import ArenaModel

/// A word inside a value that holds an address in the arena.
public struct FoundPointer: Sendable, Equatable {
    /// The field from the value's name: `cfg.head`, `table[3].first`.
    public let path: String
    /// Where the word lies, in bytes from the value's start.
    public let offset: UInt64
    /// The word as stored, and the arena address it leads to.
    public let value: UInt64
    public let target: UInt64
    /// The type it points to; nil for an untyped pointer (`void *`, or an integer that holds
    /// an arena address).
    public let pointee: TypeRef?
}

/// A variable of a BTF data section (`.bss`, `.addr_space.1`…).
public struct SectionVariable: Sendable {
    public let name: String
    /// Offset inside the section.
    public let offset: UInt32
    public let size: UInt32
    public let type: TypeRef

    public init(name: String, offset: UInt32, size: UInt32, type: TypeRef) {
        self.name = name
        self.offset = offset
        self.size = size
        self.type = type
    }
}

extension TypeCatalog {
    /// Elements of one array looked at, at most.
    public static let maxScannedElements = 1 << 16

    /// The variables of the data section called `name` in any of the catalog's blobs.
    public func section(named name: String) -> [SectionVariable]? {
        for (index, btf) in blobs.enumerated() {
            guard let section = btf.types.first(where: { $0.kind == .dataSection && $0.name == name }) else { continue }
            return section.variables.compactMap { variable in
                guard let declaration = btf[variable.type], declaration.kind == .variable else { return nil }
                return SectionVariable(
                    name: declaration.name, offset: variable.offset, size: variable.size,
                    type: TypeRef(blob: index, id: declaration.referenced))
            }
        }
        return nil
    }

    /// The type a pointer of type `ref` points to, past qualifiers, typedefs and type tags;
    /// nil for `void *` or a type that is not a pointer.
    public func pointee(of ref: TypeRef) -> TypeRef? {
        if ref.pointers > 0 && ref.count == nil { return ref.dereferenced }
        guard let (resolvedRef, type) = resolved(ref), type.kind == .pointer, type.referenced != 0 else { return nil }
        guard let (target, targetType) = resolved(TypeRef(blob: resolvedRef.blob, id: type.referenced)) else { return nil }
        return targetType.kind == .void ? nil : target
    }

    /// Every word of a value of type `ref` (laid out in `bytes`) that holds an arena address:
    /// pointers with their pointee type, 8-byte integers and `void *` untyped. Walks struct
    /// members (a union by its first member), arrays (up to `maxScannedElements` elements)
    /// and a data section's variables (named by the variable).
    public func arenaPointers(in bytes: [UInt8], as ref: TypeRef, named path: String, decoder: PointerDecoder) -> [FoundPointer] {
        var found: [FoundPointer] = []
        var budget = 1 << 16
        scan(ref, bytes, at: 0, path: path, decoder: decoder, depth: 0, budget: &budget, into: &found)
        return found
    }

    private func scan(
        _ ref: TypeRef, _ bytes: [UInt8], at offset: UInt64, path: String, decoder: PointerDecoder,
        depth: Int, budget: inout Int, into found: inout [FoundPointer]
    ) {
        budget -= 1
        guard depth < Self.maxDepth, budget > 0, let (resolvedRef, type) = resolved(ref) else { return }
        let inner = { (id: UInt32) in TypeRef(blob: resolvedRef.blob, id: id) }
        switch type.kind {
        case .pointer, .int:
            guard type.kind == .pointer || type.size == 8, offset + 8 <= UInt64(bytes.count) else { return }
            let value = TypeDecoder.load(bytes, offset, 8)
            // A pointer tagged `arena` (newer clang) holds arena addresses whatever their form.
            let pointeeType: BTFType? = type.kind == .pointer ? self.type(inner(type.referenced)) : nil
            let tagged = pointeeType?.kind == .typeTag && pointeeType?.name == "arena"
            let pointers = tagged ? decoder.acceptingLow32 : decoder
            guard let target = pointers.target(of: value) else { return }
            found.append(
                FoundPointer(
                    path: path, offset: offset, value: value, target: target,
                    pointee: type.kind == .pointer ? pointee(of: resolvedRef) : nil))
        case .structure, .union:
            let members = type.kind == .union ? Array(type.members.prefix(1)) : type.members
            for member in members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
                let name = member.name.isEmpty ? path : (path.isEmpty ? member.name : path + "." + member.name)
                scan(
                    inner(member.type), bytes, at: offset + UInt64(member.bitOffset / 8), path: name, decoder: decoder,
                    depth: depth + 1, budget: &budget, into: &found)
            }
        case .array:
            guard let size = self.size(of: inner(type.referenced)), size > 0 else { return }
            for index in 0..<min(Int(type.count), Self.maxScannedElements) where budget > 0 {
                scan(
                    inner(type.referenced), bytes, at: offset + UInt64(index) * size, path: "\(path)[\(index)]", decoder: decoder,
                    depth: depth + 1, budget: &budget, into: &found)
            }
        case .dataSection:
            for variable in type.variables {
                guard let declaration = blobs[resolvedRef.blob][variable.type], declaration.kind == .variable else { continue }
                scan(
                    inner(declaration.referenced), bytes, at: offset + UInt64(variable.offset),
                    path: path.isEmpty ? declaration.name : path + "." + declaration.name, decoder: decoder,
                    depth: depth + 1, budget: &budget, into: &found)
            }
        default:
            return
        }
    }
}

extension TypeCatalog {
    /// True when `ref` is a data section (a global map's value: `.bss`, `.data`…).
    public func isDataSection(_ ref: TypeRef) -> Bool { type(ref)?.kind == .dataSection }
}

extension TypeCatalog {
    /// The member at `path` (`next`, `node.next`) of a struct or union of type `ref`: its byte
    /// offset and type; nil when there is none (or it is a bitfield).
    public func field(_ path: String, in ref: TypeRef) -> (offset: UInt64, type: TypeRef)? {
        var offset: UInt64 = 0
        var current = ref
        for name in path.split(separator: ".") {
            guard let (resolvedRef, type) = resolved(current), type.kind == .structure || type.kind == .union,
                let member = type.members.first(where: { $0.name == name }), member.bitfieldSize == 0, member.bitOffset % 8 == 0
            else {
                return nil
            }
            offset += UInt64(member.bitOffset / 8)
            current = TypeRef(blob: resolvedRef.blob, id: member.type)
        }
        return (offset, current)
    }

    /// The names of the members of a struct or union of type `ref` (for suggestions).
    public func fieldNames(of ref: TypeRef) -> [String] {
        guard let (_, type) = resolved(ref) else { return [] }
        return type.members.map(\.name).filter { !$0.isEmpty }
    }
}
