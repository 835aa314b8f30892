import ArenaModel
import ArenaText

/// What a program's arena memory is, beyond what its BTF says: the declarations of a shape
/// file (docs/shapes.md), one a line, `#` starting a comment.
///
///     htab_for_user = struct htab *                              # a cast root's type
///     struct sdt_pool.slab = struct sdt_data *                   # a cast field's type
///     struct htab.buckets[n_buckets]                             # a pointer to that many
///     struct arena_list_node in struct hashtab_elem.hash_node    # a container
///     struct churn_extent owns pages * 4096                      # memory past the type
///     struct sdt_chunk reads descs                               # a union's member
///     check struct sdt_data.tid.idx == slot                      # a promise about live objects
public struct Shape: Sendable, Equatable {
    /// How many elements a pointer field leads to: a constant, or a sibling field's value.
    public enum Count: Sendable, Equatable {
        case constant(UInt64)
        case field(String)
    }

    /// Where in the file a declaration was: for errors about it.
    public struct Place: Sendable, Equatable, CustomStringConvertible {
        public let origin: String
        public let line: Int
        public var description: String { "\(origin):\(line)" }
    }

    public struct RootType: Sendable, Equatable { public let root: String, type: String, place: Place }
    /// The pointer (or 8-byte integer) `field` of `type` leads to a `cast` (`struct T *`).
    public struct FieldType: Sendable, Equatable { public let type: String, field: String, cast: String, place: Place }
    public struct CountedField: Sendable, Equatable { public let type: String, field: String, count: Count, place: Place }
    public struct Container: Sendable, Equatable { public let embedded: String, container: String, member: String, place: Place }
    /// `type` owns `multiplier` bytes, times the value of `field` when there is one, from its start.
    public struct Owned: Sendable, Equatable { public let type: String, field: String?, multiplier: UInt64, place: Place }
    public struct UnionMember: Sendable, Equatable { public let type: String, member: String, place: Place }
    /// What the integer `field` of every live `type` holds (`equal`) or not: the index of the
    /// allocator slot it lies in, or a number.
    public struct Check: Sendable, Equatable {
        public enum Expected: Sendable, Equatable { case slot, constant(UInt64) }
        public let type: String, field: String, equal: Bool, expected: Expected, place: Place
    }

    public var roots: [RootType] = []
    public var fieldTypes: [FieldType] = []
    public var counts: [CountedField] = []
    public var containers: [Container] = []
    public var owned: [Owned] = []
    public var unionMembers: [UnionMember] = []
    public var checks: [Check] = []

    public init() {}

    public var isEmpty: Bool {
        roots.isEmpty && fieldTypes.isEmpty && counts.isEmpty && containers.isEmpty && owned.isEmpty && unionMembers.isEmpty && checks.isEmpty
    }

    /// The declarations of both, `other`'s after this one's.
    public func merging(_ other: Shape) -> Shape {
        var merged = self
        merged.roots += other.roots
        merged.fieldTypes += other.fieldTypes
        merged.counts += other.counts
        merged.containers += other.containers
        merged.owned += other.owned
        merged.unionMembers += other.unionMembers
        merged.checks += other.checks
        return merged
    }

    /// Lines a shape file may hold, and characters a line.
    public static let maxLines = 10_000
    static let maxLineLength = 1024

    /// Parses `text`, naming it `origin` in errors ("FILE:LINE: ...").
    public init(parsing text: String, origin: String) throws(ShapeError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count <= Self.maxLines else { throw .syntax(Place(origin: origin, line: Self.maxLines + 1), "more than \(Self.maxLines) lines") }
        for (index, raw) in lines.enumerated() {
            let place = Place(origin: origin, line: index + 1)
            guard raw.utf8.count <= Self.maxLineLength else { throw .syntax(place, "a line longer than \(Self.maxLineLength) bytes") }
            guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) else {
                throw .syntax(place, "a control character")
            }
            let line = (raw.firstIndex(of: "#").map { raw[..<$0] } ?? raw[...]).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(
                separator: " ")
            if line.isEmpty { continue }
            try parse(line, at: place)
        }
    }

    private mutating func parse(_ line: String, at place: Place) throws(ShapeError) {
        if line.hasPrefix("check ") {
            checks.append(try Self.check(String(line.dropFirst(6)), at: place))
            return
        }
        if let equals = line.firstIndex(of: "=") {
            let root = line[..<equals].trimmingSpaces, type = line[line.index(after: equals)...].trimmingSpaces
            guard !type.isEmpty else { throw .syntax(place, "no type after '='") }
            if let (owner, field) = Self.typeAndField(root) {
                guard type.hasSuffix("*") else { throw .syntax(place, "a field's type is the pointer type the program casts it to ('\(type) *')") }
                fieldTypes.append(FieldType(type: owner, field: field, cast: type, place: place))
                return
            }
            guard Self.isPath(root) else {
                throw .syntax(place, "'\(root)' is neither a root's name (a variable, or a path like cfg.head) nor a field ('struct NAME.field')")
            }
            roots.append(RootType(root: root, type: type, place: place))
            return
        }
        let words = line.split(separator: " ").map(String.init)
        if let verb = words.firstIndex(where: { ["in", "owns", "reads"].contains($0) }), verb > 0 {
            let type = words[..<verb].joined(separator: " "), rest = words[(verb + 1)...].joined(separator: " ")
            guard Self.isTypeName(type) else { throw .syntax(place, "'\(type)' is not a struct or union (write 'struct NAME')") }
            switch words[verb] {
            case "in":
                guard let dot = rest.lastIndex(of: "."), Self.isTypeName(String(rest[..<dot])), Self.isPath(String(rest[rest.index(after: dot)...])) else {
                    throw .syntax(place, "'in' wants the container's member: 'struct NAME.member'")
                }
                containers.append(Container(embedded: type, container: String(rest[..<dot]), member: String(rest[rest.index(after: dot)...]), place: place))
            case "owns":
                owned.append(try Self.owned(type, rest, at: place))
            default:
                guard Self.isPath(rest) else { throw .syntax(place, "'reads' wants a union member's name") }
                unionMembers.append(UnionMember(type: type, member: rest, place: place))
            }
            return
        }
        // struct htab.buckets[n_buckets]
        guard line.hasSuffix("]"), let open = line.lastIndex(of: "["), let dot = line[..<open].lastIndex(of: ".") else {
            throw .syntax(
                place,
                "not a declaration: expected 'ROOT = TYPE', 'TYPE.FIELD = TYPE *', 'TYPE.FIELD[COUNT]', 'TYPE in TYPE.MEMBER', 'TYPE owns BYTES', 'TYPE reads MEMBER' or 'check TYPE.FIELD == slot'"
            )
        }
        let type = String(line[..<dot]), field = String(line[line.index(after: dot)..<open])
        let count = line[line.index(after: open)..<line.index(before: line.endIndex)].trimmingSpaces
        guard Self.isTypeName(type) else { throw .syntax(place, "'\(type)' is not a struct or union (write 'struct NAME')") }
        guard Self.isPath(field) else { throw .syntax(place, "'\(field)' is not a field") }
        if let number = UInt64(count) {
            counts.append(CountedField(type: type, field: field, count: .constant(number), place: place))
        } else {
            guard Self.isPath(count) else { throw .syntax(place, "a count is a number or a field of the same struct, not '\(count)'") }
            counts.append(CountedField(type: type, field: field, count: .field(count), place: place))
        }
    }

    /// `struct T.f == slot`, `struct T.f != 0`, `struct T.f == 7`.
    private static func check(_ text: String, at place: Place) throws(ShapeError) -> Check {
        let comparison = text.range(of: " == ") ?? text.range(of: " != ")
        guard let comparison, let (type, field) = typeAndField(String(text[..<comparison.lowerBound])) else {
            throw .syntax(place, "'check' wants 'struct NAME.field == slot', '== N' or '!= N'")
        }
        let value = text[comparison.upperBound...].trimmingSpaces
        let expected: Check.Expected
        if value == "slot" {
            expected = .slot
        } else if let number = parseNumber(value) {
            expected = .constant(number)
        } else {
            throw .syntax(place, "a check compares with 'slot' (the allocator slot's index) or a number, not '\(value)'")
        }
        return Check(type: type, field: field, equal: text[comparison].contains("=="), expected: expected, place: place)
    }

    /// `pages * 4096`, `4096 * pages`, `size`, `65536`.
    private static func owned(_ type: String, _ expression: String, at place: Place) throws(ShapeError) -> Owned {
        let factors = expression.split(separator: "*").map { $0.trimmingSpaces }
        guard (1...2).contains(factors.count), !factors.contains(where: \.isEmpty) else {
            throw .syntax(place, "'owns' wants bytes: a number, a field, or a field times a number")
        }
        let numbers = factors.compactMap { UInt64($0) }, fields = factors.filter { UInt64($0) == nil }
        guard fields.count <= 1, fields.allSatisfy(isPath) else { throw .syntax(place, "'owns' wants at most one field, times a number") }
        let multiplier = numbers.reduce(UInt64(1)) { Checked.productOrNil($0, $1) ?? .max }
        guard multiplier > 0, multiplier < 1 << 32 else { throw .syntax(place, "'owns' wants a number from 1 to 2^32-1") }
        return Owned(type: type, field: fields.first, multiplier: multiplier, place: place)
    }

    /// `struct NAME.path` as the type and the path; nil for anything else.
    static func typeAndField(_ text: String) -> (type: String, field: String)? {
        guard let space = text.firstIndex(of: " "), let dot = text[space...].firstIndex(of: ".") else { return nil }
        let type = String(text[..<dot]), field = String(text[text.index(after: dot)...])
        return isTypeName(type) && isPath(field) ? (type, field) : nil
    }

    /// `struct NAME` or `union NAME`.
    static func isTypeName(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return words.count == 2 && (words[0] == "struct" || words[0] == "union") && isIdentifier(words[1])
    }

    /// `name`, `cfg.head`: identifiers joined by dots.
    static func isPath(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdentifier)
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard let first = text.unicodeScalars.first, isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}

/// A shape file that cannot be used: its syntax (65, the file is wrong), or a name it uses
/// that the types do not have (64, with close names).
public enum ShapeError: Error, Equatable, CustomStringConvertible {
    case syntax(Shape.Place, String)
    case unknown(Shape.Place, String, suggestions: [String])
    /// A shape file that cannot be read (`missing`: not there at all).
    case file(String, String, missing: Bool)

    public var description: String {
        switch self {
        case let .syntax(place, why): "\(place.description.terminalSafe): \(why.terminalSafe)"
        case let .file(path, why, _): "shape file \(path.terminalSafe): \(why)"
        case let .unknown(place, what, suggestions):
            "\(place.description.terminalSafe): \(what.terminalSafe)"
                + (suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0.terminalSafe)'" }.joined(separator: ", "))?)")
        }
    }
}
