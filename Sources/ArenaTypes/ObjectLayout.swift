import ArenaModel

/// Where a type's pointers lie, worked out once a type for the object walk.
struct TypeLayout {
    /// A word inside a type that may hold an arena address.
    struct Slot {
        let offset: UInt64
        /// What it points to; nil for an untyped pointer (`void *`, an 8-byte integer in an array).
        let pointee: TypeRef?
        let path: String
        /// An integer read as an address: followed when it leads into a backed page, never a bad pointer.
        let isInteger: Bool
    }

    /// Slots read in every object of the type.
    var fixed: [Slot] = []
    /// A union whose members disagree about where pointers lie: the slots of each member
    /// (none for a member of plain data), one chosen per object by the bytes.
    var unions: [[[Slot]]] = []
    /// Each union site's path in the type, and its members' names (beside `unions`).
    var unionPaths: [String] = []
    var unionMemberNames: [[String]] = []

    static let maxSlots = 1 << 16
    var slotCount: Int { fixed.count + unions.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }
}

/// Members and elements the walk may still look at to lay out types.
struct LayoutBudget {
    var steps: Int
    /// A step was asked for and refused: some layout is incomplete.
    private(set) var refused = false

    init(steps: Int) { self.steps = steps }

    mutating func take() -> Bool {
        guard steps > 0 else {
            refused = true
            return false
        }
        steps -= 1
        return true
    }
}

extension ObjectTraversal {
    /// The pointer slots of `type`, worked out once a type, within what is left of `budget`.
    mutating func layout(of type: TypeRef, budget: inout LayoutBudget) -> TypeLayout {
        if let known = layouts[type] { return known }
        var layout = TypeLayout()
        var slots: [TypeLayout.Slot] = []
        collect(type, at: 0, path: "", depth: 0, inUnion: false, inArray: false, into: &slots, layout: &layout, budget: &budget)
        layout.fixed = slots
        layouts[type] = layout
        return layout
    }

    private func collect(
        _ ref: TypeRef, at offset: UInt64, path: String, depth: Int, inUnion: Bool, inArray: Bool,
        into slots: inout [TypeLayout.Slot], layout: inout TypeLayout, budget: inout LayoutBudget
    ) {
        guard depth < 16, slots.count + layout.slotCount < TypeLayout.maxSlots, budget.take() else { return }
        if ref.pointers > 0 && ref.count == nil {
            slots.append(.init(offset: offset, pointee: ref.dereferenced, path: path, isInteger: false))
            return
        }
        /// `count` elements of `element` from `offset`, as far as offsets can be told.
        func elements(_ element: TypeRef, count: UInt32) {
            guard let size = catalog.size(of: element), size > 0 else { return }
            for index in 0..<min(Int(count), TypeCatalog.maxScannedElements) {
                guard let start = Checked.productOrNil(UInt64(index), size).flatMap({ Checked.sumOrNil(offset, $0) }), !budget.refused else { return }
                collect(
                    element, at: start, path: "\(path)[\(index)]", depth: depth + 1, inUnion: inUnion, inArray: true,
                    into: &slots, layout: &layout, budget: &budget)
            }
        }
        if let count = ref.count {
            elements(ref.element, count: count)
            return
        }
        guard let (resolvedRef, type) = catalog.resolved(ref) else { return }
        let inner = { (id: UInt32) in TypeRef(blob: resolvedRef.blob, id: id) }
        func memberPath(_ member: BTFType.Member) -> String {
            member.name.isEmpty ? path : (path.isEmpty ? member.name : path + "." + member.name)
        }
        switch type.kind {
        case .pointer:
            slots.append(.init(offset: offset, pointee: catalog.pointee(of: resolvedRef), path: path, isInteger: false))
        case .int where inArray && type.size == 8:
            // An array of 8-byte integers may hold arena addresses (allocator state often does).
            slots.append(.init(offset: offset, pointee: nil, path: path, isInteger: true))
        case .structure:
            for member in type.members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
                guard let start = Checked.sumOrNil(offset, UInt64(member.bitOffset / 8)), !budget.refused else { return }
                collect(
                    inner(member.type), at: start, path: memberPath(member), depth: depth + 1, inUnion: inUnion, inArray: false,
                    into: &slots, layout: &layout, budget: &budget)
            }
        case .union:
            var members: [[TypeLayout.Slot]] = [], names: [String] = []
            for member in type.members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
                guard let start = Checked.sumOrNil(offset, UInt64(member.bitOffset / 8)), !budget.refused else { return }
                var memberSlots: [TypeLayout.Slot] = []
                collect(
                    inner(member.type), at: start, path: memberPath(member), depth: depth + 1, inUnion: true, inArray: false,
                    into: &memberSlots, layout: &layout, budget: &budget)
                members.append(memberSlots)
                names.append(member.name)
                // Inside another union's member, a union is read as its first member.
                if inUnion { break }
            }
            let withPointers = members.filter { !$0.isEmpty }
            let agree = withPointers.dropFirst().allSatisfy { Self.sameSignature($0, withPointers[0]) }
            if inUnion || (agree && withPointers.count == members.count) {
                slots += withPointers.first ?? []
            } else {
                layout.unions.append(members)
                layout.unionPaths.append(path)
                layout.unionMemberNames.append(names)
            }
        case .array:
            elements(inner(type.referenced), count: type.count)
        default:
            return
        }
    }

    /// Two members with pointers at the same places to the same types: reading either is the same.
    static func sameSignature(_ a: [TypeLayout.Slot], _ b: [TypeLayout.Slot]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.offset == $1.offset && $0.pointee == $1.pointee && $0.isInteger == $1.isInteger }
    }
}
