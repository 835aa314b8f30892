/// One identity for a type however many BTFs describe it: the same struct or union (same
/// name, size and members) in a program's BTF and in a `--btf` file is one type, counted in
/// one row; one of the same name laid out differently stays apart, named by its origin.
extension TypeCatalog {
    /// The type behind typedefs and qualifiers, as the first BTF that defines it identically
    /// has it (a pointer or array made by hand, or a type that is not a struct or union,
    /// stays as it is).
    func canonical(_ ref: TypeRef) -> TypeRef {
        guard !ref.isDerived, let (resolvedRef, type) = resolved(ref) else { return ref }
        guard type.kind == .structure || type.kind == .union, !type.name.isEmpty,
            let definition = definitions[(type.kind == .structure ? "struct " : "union ") + type.name], definition != resolvedRef,
            let defined = self.type(definition), sameLayout(type, resolvedRef.blob, defined, definition.blob)
        else { return resolvedRef }
        return definition
    }

    /// The origin to name a type by when another of the same name is laid out differently.
    func origin(of ref: TypeRef) -> String { origins.indices.contains(ref.blob) ? origins[ref.blob] : "" }

    /// Same size and the same members at the same places, their types spelled alike.
    private func sameLayout(_ a: BTFType, _ blobA: Int, _ b: BTFType, _ blobB: Int) -> Bool {
        guard a.size == b.size, a.members.count == b.members.count else { return false }
        return zip(a.members, b.members).allSatisfy { left, right in
            left.name == right.name && left.bitOffset == right.bitOffset && left.bitfieldSize == right.bitfieldSize
                && name(of: TypeRef(blob: blobA, id: left.type)) == name(of: TypeRef(blob: blobB, id: right.type))
        }
    }
}
