import ArenaModel
import ArenaText

/// A shape's declarations against the types of a catalog: types by identity, fields by byte
/// offset, every name checked (an unknown one is an error with close names).
struct ResolvedShape {
    /// A count or an owned size read from a field of the object itself.
    struct FieldValue: Hashable {
        let offset: UInt64
        let size: Int

        /// The field's value in the object at `address`, when its bytes are there.
        func read(at address: UInt64, in walk: Walk) -> UInt64? {
            guard let word = walk.word(at: address + offset) else { return nil }
            return size == 8 ? word : word & ((1 << UInt64(size * 8)) - 1)
        }
    }

    enum CountSource: Hashable {
        case constant(UInt64)
        case field(FieldValue)
    }

    struct Owned {
        let field: FieldValue?
        let multiplier: UInt64
    }

    struct SlotKey: Hashable {
        let type: TypeRef
        let offset: UInt64
    }

    var rootTypes: [String: String] = [:]
    /// Fields the shape types (`struct T.f = struct U *`): what they point to, and their path.
    var fieldTypes: [SlotKey: (pointee: TypeRef, path: String)] = [:]
    var counts: [SlotKey: CountSource] = [:]
    var containers: [TypeRef: [Embedding]] = [:]
    var owned: [TypeRef: Owned] = [:]
    var unionMembers: [TypeRef: (member: String, place: Shape.Place)] = [:]
    /// The checks on each type's live objects, their fields resolved.
    var checks: [TypeRef: [(field: FieldValue, rule: Shape.Check)]] = [:]

    init() {}

    /// The type to walk `root` as: the shape's, else its own. A root found in a map is the
    /// place its pointer leads to, so the shape's pointer type (`struct htab *`, how the
    /// program declares the handle) is walked as what it points to.
    func typeName(of root: StructureRoot) -> String? {
        guard let declared = rootTypes[root.name] else { return root.type }
        guard root.origin.hasPrefix("map "), declared.hasSuffix("*") else { return declared }
        return String(declared.dropLast()).trimmingSpaces
    }

    init(_ shape: Shape, catalog: TypeCatalog, roots: [StructureRoot]) throws(ShapeError) {
        func type(_ name: String, at place: Shape.Place) throws(ShapeError) -> TypeRef {
            do {
                return catalog.canonical(try catalog.lookup(name).ref)
            } catch {
                if case let .unknownType(_, suggestions, _) = error { throw .unknown(place, "no type named '\(name)'", suggestions: suggestions) }
                throw .unknown(place, error.description, suggestions: [])
            }
        }
        func field(_ path: String, in owner: TypeRef, named ownerName: String, at place: Shape.Place) throws(ShapeError) -> (offset: UInt64, type: TypeRef) {
            guard let found = catalog.field(path, in: owner) else {
                throw .unknown(place, "\(ownerName) has no field '\(path)'", suggestions: closeMatches(to: path, among: catalog.fieldNames(of: owner)))
            }
            return found
        }
        func integer(_ path: String, in owner: TypeRef, named ownerName: String, at place: Shape.Place) throws(ShapeError) -> FieldValue {
            let (offset, fieldType) = try field(path, in: owner, named: ownerName, at: place)
            guard let size = catalog.size(of: fieldType), [1, 2, 4, 8].contains(size), catalog.pointee(of: fieldType) == nil else {
                throw .unknown(place, "\(ownerName).\(path) is not an integer of 1, 2, 4 or 8 bytes", suggestions: [])
            }
            return FieldValue(offset: offset, size: Int(size))
        }
        let rootNames = roots.map(\.name)
        for rule in shape.roots {
            guard rootNames.contains(rule.root) else {
                throw .unknown(rule.place, "no root named '\(rule.root)'", suggestions: closeMatches(to: rule.root, among: rootNames))
            }
            _ = try type(rule.type, at: rule.place)
            rootTypes[rule.root] = rule.type
        }
        for rule in shape.fieldTypes {
            let owner = try type(rule.type, at: rule.place)
            let (offset, fieldType) = try field(rule.field, in: owner, named: rule.type, at: rule.place)
            guard catalog.size(of: fieldType) == 8 else {
                throw .unknown(rule.place, "\(rule.type).\(rule.field) is not a pointer or an 8-byte integer", suggestions: [])
            }
            let pointee = try type(String(rule.cast.dropLast()).trimmingSpaces, at: rule.place)
            fieldTypes[SlotKey(type: owner, offset: offset)] = (pointee, rule.field)
        }
        for rule in shape.counts {
            let owner = try type(rule.type, at: rule.place)
            let (offset, pointer) = try field(rule.field, in: owner, named: rule.type, at: rule.place)
            guard let pointee = catalog.pointee(of: pointer), let size = catalog.size(of: pointee), size > 0 else {
                throw .unknown(rule.place, "\(rule.type).\(rule.field) is not a pointer to a sized type", suggestions: [])
            }
            switch rule.count {
            case .constant(let number): counts[SlotKey(type: owner, offset: offset)] = .constant(number)
            case .field(let sibling): counts[SlotKey(type: owner, offset: offset)] = .field(try integer(sibling, in: owner, named: rule.type, at: rule.place))
            }
        }
        for rule in shape.containers {
            let embedded = try type(rule.embedded, at: rule.place), container = try type(rule.container, at: rule.place)
            let (offset, memberType) = try field(rule.member, in: container, named: rule.container, at: rule.place)
            guard catalog.canonical(memberType) == embedded else {
                throw .unknown(rule.place, "\(rule.container).\(rule.member) is a \(catalog.name(of: memberType)), not a \(rule.embedded)", suggestions: [])
            }
            containers[embedded, default: []].append(Embedding(container: container, offset: offset, member: rule.member))
        }
        for rule in shape.owned {
            let owner = try type(rule.type, at: rule.place)
            owned[owner] = Owned(
                field: try rule.field.map { path throws(ShapeError) in try integer(path, in: owner, named: rule.type, at: rule.place) },
                multiplier: rule.multiplier)
        }
        for rule in shape.unionMembers {
            unionMembers[try type(rule.type, at: rule.place)] = (rule.member, rule.place)
        }
        for rule in shape.checks {
            let owner = try type(rule.type, at: rule.place)
            checks[owner, default: []].append((try integer(rule.field, in: owner, named: rule.type, at: rule.place), rule))
        }
    }
}
