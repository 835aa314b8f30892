import ArenaModel

/// A type in one of the catalog's BTF blobs.
public struct TypeRef: Sendable, Hashable {
    public let blob: Int
    public let id: UInt32

    /// Type `id` of the catalog's blob number `blob`.
    public init(blob: Int, id: UInt32) {
        self.blob = blob
        self.id = id
    }
}

/// The named types (structs, unions, enums, typedefs) of every BTF blob a source offers,
/// with names, sizes and where they came from; the same type in several programs is listed once.
public struct TypeCatalog: Sendable {
    public struct Entry: Sendable {
        /// `struct node`, `union u`, `enum color`, or a typedef's name.
        public let name: String
        public let size: UInt64
        public let origin: String
        public let ref: TypeRef
    }

    let blobs: [BTF]
    public let entries: [Entry]
    /// Blobs that could not be parsed, with why.
    public let problems: [String]
    static let maxDepth = 32

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
        self.problems = problems
        var seen = Set<String>()
        var entries: [Entry] = []
        for (index, btf) in parsed.enumerated() {
            for (offset, type) in btf.types.enumerated() where !type.name.isEmpty {
                guard [.structure, .union, .enumeration, .enumeration64, .typedef].contains(type.kind) else { continue }
                let ref = TypeRef(blob: index, id: UInt32(offset + 1))
                let name = Self.keyword(type.kind).map { "\($0) \(type.name)" } ?? type.name
                guard let size = Self.size(of: ref, in: parsed), seen.insert("\(name)/\(size)").inserted else { continue }
                entries.append(Entry(name: name, size: size, origin: origins[index], ref: ref))
            }
        }
        self.entries = entries.sorted { $0.name < $1.name }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The type called `name` (`struct node`, `node`, `u64`…), or an error that suggests close names.
    public func lookup(_ name: String) throws(TypeError) -> Entry {
        let wanted = name.split(separator: " ").joined(separator: " ")
        if let exact = entries.first(where: { $0.name == wanted }) { return exact }
        let bare = entries.filter { Self.bareName($0.name) == wanted }
        if bare.count == 1 { return bare[0] }
        let scored = entries.map { ($0.name, Self.distance($0.name, wanted)) }
            .filter { $0.1 <= max(2, wanted.count / 3) || $0.0.contains(wanted) }
            .sorted { $0.1 < $1.1 }
        throw .unknownType(wanted, suggestions: Array(scored.prefix(3).map(\.0)))
    }

    /// A type's name without its `struct`/`union`/`enum` keyword: `node` for `struct node`.
    public static func bareName(_ name: String) -> Substring {
        name.split(separator: " ").last ?? Substring(name)
    }

    // MARK: questions about any type

    func type(_ ref: TypeRef) -> BTFType? { blobs.indices.contains(ref.blob) ? blobs[ref.blob][ref.id] : nil }

    /// The type behind typedefs and qualifiers (const, volatile, restrict, type tags).
    func resolved(_ ref: TypeRef) -> (ref: TypeRef, type: BTFType)? { Self.resolved(ref, in: blobs) }

    static func resolved(_ ref: TypeRef, in blobs: [BTF]) -> (ref: TypeRef, type: BTFType)? {
        var current = ref
        for _ in 0..<maxDepth {
            guard let type = blobs[current.blob][current.id] else { return nil }
            switch type.kind {
            case .typedef, .const, .volatile, .restrict, .typeTag:
                current = TypeRef(blob: current.blob, id: type.referenced)
            default:
                return (current, type)
            }
        }
        return nil
    }

    public func size(of ref: TypeRef) -> UInt64? { Self.size(of: ref, in: blobs) }

    static func size(of ref: TypeRef, in blobs: [BTF], depth: Int = 0) -> UInt64? {
        guard depth < maxDepth, let (resolvedRef, type) = resolved(ref, in: blobs) else { return nil }
        switch type.kind {
        case .int, .structure, .union, .enumeration, .enumeration64, .float: return UInt64(type.size)
        case .pointer: return 8
        case .array:
            guard let element = size(of: TypeRef(blob: resolvedRef.blob, id: type.referenced), in: blobs, depth: depth + 1) else { return nil }
            let (total, overflow) = element.multipliedReportingOverflow(by: UInt64(type.count))
            return overflow ? nil : total
        default: return nil
        }
    }

    /// How C would spell the type: `struct node *`, `u64`, `int [4]`.
    public func name(of ref: TypeRef) -> String { Self.name(of: ref, in: blobs, depth: 0) }

    static func name(of ref: TypeRef, in blobs: [BTF], depth: Int) -> String {
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

    /// Levenshtein distance, for suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
