import ArenaModel

/// Where struct types are embedded in others: what `container_of` leads back to. The kernel's
/// and sched_ext's intrusive lists and hash tables link `struct arena_list_node`s that live
/// inside their elements; a pointer to the node is a pointer into the element.
struct Embedding: Sendable, Equatable {
    /// The struct that holds the member, and where: its byte offset and its path
    /// (`hash_node`, `u.link` through anonymous members).
    let container: TypeRef
    let offset: UInt64
    let member: String
}

extension TypeCatalog {
    /// Every named struct or union embedded as a member of a defined struct (directly or in
    /// an anonymous struct or union member), by its name (`struct arena_list_node`): one list
    /// for all the BTFs known, a struct defined identically in several listed once, one
    /// laid out differently listed again.
    func embeddings() -> [String: [Embedding]] {
        var found: [String: [Embedding]] = [:]
        var seen = Set<TypeRef>()
        // Members looked at over every struct: crafted BTF can nest anonymous members so that
        // each level multiplies them; past the budget the rest embed nothing known.
        var budget = Self.maxEmbeddingVisits
        for (blob, btf) in blobs.enumerated() {
            for (offset, type) in btf.types.enumerated() where type.kind == .structure && !type.name.isEmpty {
                let ref = canonical(TypeRef(blob: blob, id: UInt32(offset + 1)))
                guard seen.insert(ref).inserted, let type = self.type(ref) else { continue }
                visitMembers(type.members, blob: ref.blob, base: 0, prefix: "", depth: 0, budget: &budget) { memberName, offset, path in
                    found[memberName, default: []].append(Embedding(container: ref, offset: offset, member: path))
                }
            }
        }
        return found
    }

    /// Members `embeddings` looks at, at most.
    static let maxEmbeddingVisits = 1 << 16

    private func visitMembers(
        _ members: [BTFType.Member], blob: Int, base: UInt64, prefix: String, depth: Int,
        budget: inout Int, _ embedded: (String, UInt64, String) -> Void
    ) {
        for member in members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
            guard budget > 0 else { return }
            budget -= 1
            guard let (memberRef, memberType) = resolved(TypeRef(blob: blob, id: member.type)),
                memberType.kind == .structure || memberType.kind == .union,
                let offset = Checked.sumOrNil(base, UInt64(member.bitOffset / 8))
            else { continue }
            if memberType.name.isEmpty {
                let inner = member.name.isEmpty ? prefix : prefix + member.name + "."
                if depth < 4 {
                    visitMembers(memberType.members, blob: memberRef.blob, base: offset, prefix: inner, depth: depth + 1, budget: &budget, embedded)
                }
                continue
            }
            embedded((memberType.kind == .structure ? "struct " : "union ") + memberType.name, offset, prefix + member.name)
        }
    }
}
