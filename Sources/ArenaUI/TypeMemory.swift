import ArenaModel
import ArenaTypes

/// The source's types, read once when first needed, and the type chosen for each address
/// this session (Backspace comes back to a typed value).
struct TypeMemory {
    private var catalogCache: TypeCatalog?
    private(set) var remembered: [UInt64: TypeRef] = [:]

    /// The catalog of `source`'s types (empty when it has none or they cannot be read).
    mutating func catalog(of source: ArenaSource) -> TypeCatalog {
        if let catalogCache { return catalogCache }
        let catalog = TypeCatalog((try? source.typeBlobs()) ?? [])
        catalogCache = catalog
        return catalog
    }

    mutating func remember(_ ref: TypeRef, at address: UInt64) { remembered[address] = ref }

    /// Tab in the type prompt: the one type of `names` that starts with `text`, or the
    /// longest common start of several; `candidates` lists what matched (nil when one did).
    static func complete(_ text: String, among names: [String]) -> (text: String, candidates: String?) {
        // "struct hashtab_elem" answers to "struct hash" and to "hash".
        let startsAsTyped = { (name: String) in name.hasPrefix(text) || TypeCatalog.bareName(name).hasPrefix(text) }
        let matches = names.filter(startsAsTyped)
        guard let first = matches.first else { return (text, "no type starts with '\(text)'") }
        if matches.count == 1 { return (first, nil) }
        let listed = matches.prefix(6).joined(separator: ", ") + (matches.count > 6 ? ", …" : "")
        // Names typed in full complete among themselves; a bare name ("hash") completes to
        // what its matches share ("struct hashtab_").
        let full = matches.filter { $0.hasPrefix(text) }
        let candidates = full.isEmpty ? matches : full
        var common = candidates[0]
        for name in candidates.dropFirst() { common = String(common.commonPrefix(with: name)) }
        return (startsAsTyped(common) && common.count > text.count ? common : text, listed)
    }
}
