import ArenaModel
import ArenaText

/// A type in one of the catalog's BTF blobs.
public struct TypeRef: Sendable, Hashable {
    public let blob: Int
    public let id: UInt32
    /// Pointer levels on top of the BTF type, for types named by hand (`struct node *`).
    public let pointers: UInt8
    /// An array of that many on top (`u64 [4]`), for types named by hand.
    public let count: UInt32?

    /// Type `id` of the catalog's blob number `blob`.
    public init(blob: Int, id: UInt32, pointers: UInt8 = 0, count: UInt32? = nil) {
        self.blob = blob
        self.id = id
        self.pointers = pointers
        self.count = count
    }

    /// True for a pointer or array made on top of a BTF type.
    var isDerived: Bool { pointers > 0 || count != nil }
    /// An element of the array this is.
    var element: TypeRef { TypeRef(blob: blob, id: id, pointers: pointers) }
    /// What the pointer this is points to.
    var dereferenced: TypeRef { TypeRef(blob: blob, id: id, pointers: pointers - 1) }
}

/// The named types (structs, unions, enums, typedefs) of every BTF blob a source offers,
/// with names, sizes and where they came from; the same type in several programs is listed once.
public struct TypeCatalog: Sendable {
    public struct Entry: Sendable {
        /// `struct node`, `union u`, `enum color`, a typedef's or a base type's name.
        public let name: String
        public let size: UInt64
        public let origin: String
        public let ref: TypeRef
        /// Only declared (`struct node;`) in every BTF known: it has no size or fields to show.
        public let isForwardOnly: Bool

        /// What kind of type it is in its BTF.
        public let kind: BTFKind

        /// A base type (`int`, `u64`, `float`) rather than a struct, union, enum or typedef.
        public var isBaseType: Bool { kind == .int || kind == .float }
    }

    let blobs: [BTF]
    /// Where each blob came from, by index.
    let origins: [String]
    /// Complete structs and unions by name (`struct node`), for forward declarations.
    let definitions: [String: TypeRef]
    public let entries: [Entry]
    /// Blobs that could not be parsed, with why.
    public let problems: [String]
    /// How deeply types may nest (typedefs, qualifiers, members, array elements): far beyond
    /// what real programs reach (the kernel accepts 32); deeper BTF is refused when parsed.
    public static let maxDepth = 64

    public init(_ sources: [TypeBlob]) {
        var parsed: [BTF] = []
        var problems: [String] = []
        var origins: [String] = []
        for source in sources {
            do {
                parsed.append(try BTF(source.btf))
                origins.append(source.origin)
            } catch {
                problems.append("\(source.origin): \(error)")
            }
        }
        blobs = parsed
        self.origins = origins
        self.problems = problems
        var definitions: [String: TypeRef] = [:]
        for (index, btf) in parsed.enumerated() {
            for (offset, type) in btf.types.enumerated() where !type.name.isEmpty && (type.kind == .structure || type.kind == .union) {
                let name = (type.kind == .structure ? "struct " : "union ") + type.name
                if definitions[name] == nil { definitions[name] = TypeRef(blob: index, id: UInt32(offset + 1)) }
            }
        }
        self.definitions = definitions
        var seen = Set<String>()
        var entries: [Entry] = []
        let listed: Set<BTFKind> = [.structure, .union, .enumeration, .enumeration64, .typedef, .int, .float, .forward]
        for (index, btf) in parsed.enumerated() {
            for (offset, type) in btf.types.enumerated() where !type.name.isEmpty && listed.contains(type.kind) {
                let ref = TypeRef(blob: index, id: UInt32(offset + 1))
                let name = Self.keyword(type.kind).map { "\($0) \(type.name)" } ?? type.name
                if type.kind == .forward {
                    guard definitions[name] == nil && definitions["union " + type.name] == nil, seen.insert(name).inserted else { continue }
                    entries.append(Entry(name: name, size: 0, origin: origins[index], ref: ref, isForwardOnly: true, kind: type.kind))
                    continue
                }
                guard let size = Self.size(of: ref, in: parsed, definitions: definitions), seen.insert("\(name)/\(size)").inserted else { continue }
                entries.append(Entry(name: name, size: size, origin: origins[index], ref: ref, isForwardOnly: false, kind: type.kind))
            }
        }
        self.entries = entries.sorted { $0.name < $1.name }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The type called `name`: a named type (`struct node`, `node`, `u64`), a pointer to one
    /// (`struct node *`) or an array of either (`u64[4]`); or an error that suggests close
    /// names and says where it looked.
    public func lookup(_ name: String) throws(TypeError) -> Entry {
        var text = name.split(separator: " ").joined(separator: " ")
        var count: UInt32?
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            guard let number = UInt32(text[text.index(after: open)..<text.index(before: text.endIndex)].trimmingSpaces),
                number > 0, number <= 1 << 20
            else {
                throw .unknownType(text, suggestions: [], lookedIn: [])
            }
            count = number
            text = text[..<open].trimmingSpaces
        }
        var pointers: UInt8 = 0
        while text.hasSuffix("*") && pointers < 8 {
            pointers += 1
            text = text.dropLast().trimmingSpaces
        }
        if text == "void" && pointers > 0 {
            // `void *`, `void *[8192]`: untyped pointers (libbpf's allocator keeps arrays of them).
            let ref = TypeRef(blob: 0, id: 0, pointers: pointers, count: count)
            return Entry(
                name: self.name(of: ref), size: size(of: ref) ?? 0, origin: origins.first ?? "", ref: ref, isForwardOnly: false,
                kind: count != nil ? .array : .pointer)
        }
        let base = try named(text)
        guard pointers > 0 || count != nil else { return base }
        guard !base.isForwardOnly || pointers > 0 else { throw .unreadable("\(base.name) is only declared: it has no size (add its BTF with --btf)") }
        let ref = TypeRef(blob: base.ref.blob, id: base.ref.id, pointers: pointers, count: count)
        return Entry(
            name: self.name(of: ref), size: size(of: ref) ?? 0, origin: base.origin, ref: ref, isForwardOnly: false,
            kind: count != nil ? .array : .pointer)
    }

    private func named(_ wanted: String) throws(TypeError) -> Entry {
        if let exact = entries.first(where: { $0.name == wanted }) { return exact }
        let bare = entries.filter { Self.bareName($0.name) == wanted }
        if bare.count == 1 { return bare[0] }
        throw .unknownType(wanted, suggestions: closeMatches(to: wanted, among: entries.map(\.name)), lookedIn: origins)
    }

    /// A type's name without its `struct`/`union`/`enum` keyword: `node` for `struct node`.
    public static func bareName(_ name: String) -> Substring {
        name.split(separator: " ").last ?? Substring(name)
    }

    // MARK: questions about any type

    func type(_ ref: TypeRef) -> BTFType? { blobs.indices.contains(ref.blob) && !ref.isDerived ? blobs[ref.blob][ref.id] : nil }

    /// The type behind typedefs, qualifiers (const, volatile, restrict, type tags) and
    /// forward declarations (completed from any blob that defines the type); nil for a
    /// pointer or array made by hand.
    func resolved(_ ref: TypeRef) -> (ref: TypeRef, type: BTFType)? { Self.resolved(ref, in: blobs, definitions: definitions) }

    static func resolved(_ ref: TypeRef, in blobs: [BTF], definitions: [String: TypeRef]) -> (ref: TypeRef, type: BTFType)? {
        guard !ref.isDerived, ref.id != 0, blobs.indices.contains(ref.blob) else { return nil }
        var current = ref
        for _ in 0..<maxDepth {
            guard let type = blobs[current.blob][current.id] else { return nil }
            switch type.kind {
            case .typedef, .const, .volatile, .restrict, .typeTag:
                current = TypeRef(blob: current.blob, id: type.referenced)
            case .forward:
                guard let definition = definitions["struct " + type.name] ?? definitions["union " + type.name] else { return (current, type) }
                current = definition
            default:
                return (current, type)
            }
        }
        return nil
    }

    public func size(of ref: TypeRef) -> UInt64? { Self.size(of: ref, in: blobs, definitions: definitions) }

    static func size(of ref: TypeRef, in blobs: [BTF], definitions: [String: TypeRef], depth: Int = 0) -> UInt64? {
        if let count = ref.count {
            guard let element = size(of: ref.element, in: blobs, definitions: definitions, depth: depth + 1) else { return nil }
            let (total, overflow) = element.multipliedReportingOverflow(by: UInt64(count))
            return overflow ? nil : total
        }
        if ref.pointers > 0 { return 8 }
        guard depth < maxDepth, let (resolvedRef, type) = resolved(ref, in: blobs, definitions: definitions) else { return nil }
        switch type.kind {
        case .int, .structure, .union, .enumeration, .enumeration64, .float: return UInt64(type.size)
        case .pointer: return 8
        case .array:
            guard let element = size(of: TypeRef(blob: resolvedRef.blob, id: type.referenced), in: blobs, definitions: definitions, depth: depth + 1) else {
                return nil
            }
            let (total, overflow) = element.multipliedReportingOverflow(by: UInt64(type.count))
            return overflow ? nil : total
        default: return nil
        }
    }

    /// How C would spell the type: `struct node *`, `u64`, `int [4]`.
    public func name(of ref: TypeRef) -> String { Self.name(of: ref, in: blobs, depth: 0) }

    static func name(of ref: TypeRef, in blobs: [BTF], depth: Int) -> String {
        if let count = ref.count { return name(of: ref.element, in: blobs, depth: depth + 1) + " [\(count)]" }
        if ref.pointers > 0 {
            let pointee = name(of: ref.dereferenced, in: blobs, depth: depth + 1)
            return pointee + (pointee.hasSuffix("*") ? "*" : " *")
        }
        guard depth < maxDepth, ref.id != 0 else { return "void" }
        guard let type = blobs[ref.blob][ref.id] else { return "?" }
        let inner = { (id: UInt32) in name(of: TypeRef(blob: ref.blob, id: id), in: blobs, depth: depth + 1) }
        switch type.kind {
        case .pointer:
            let pointee = inner(type.referenced)
            return pointee + (pointee.hasSuffix("*") ? "*" : " *")
        case .array: return inner(type.referenced) + " [\(type.count)]"
        case .const: return "const " + inner(type.referenced)
        case .volatile: return "volatile " + inner(type.referenced)
        case .restrict, .typeTag: return inner(type.referenced)
        case .functionPrototype: return "function"
        default:
            if type.name.isEmpty { return keyword(type.kind).map { "\($0) (anonymous)" } ?? "?" }
            return keyword(type.kind).map { "\($0) \(type.name)" } ?? type.name
        }
    }

    private static func keyword(_ kind: BTFKind) -> String? {
        switch kind {
        case .structure: "struct"
        case .union: "union"
        case .enumeration, .enumeration64: "enum"
        case .forward: "struct"
        default: nil
        }
    }
}
