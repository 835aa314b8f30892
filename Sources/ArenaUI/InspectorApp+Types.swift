import ArenaModel
import ArenaText
import ArenaTypes

/// Typed views: the value at an address as a type from the source's BTF, its fields as a
/// tree, pointer fields followed to their pointee's type, chains through a named field.
extension InspectorApp {
    /// The source's types (an empty catalog when it has none or they cannot be read).
    var catalog: TypeCatalog {
        if let catalogCache { return catalogCache }
        let catalog = TypeCatalog((try? backend.source.typeBlobs()) ?? [])
        catalogCache = catalog
        return catalog
    }

    /// `v`: asks for a type, offering the one remembered for the cursor.
    func beginViewAsType() {
        guard !catalog.isEmpty else {
            message = "no types: the source carries no BTF for its structures"
            return
        }
        let remembered = rememberedTypes[hexCursor].map { catalog.name(of: $0) } ?? ""
        overlay = .prompt(.viewAsType, remembered)
    }

    /// Tab in the type prompt: the one type that starts with `text`, or the longest common
    /// start of several (listed in the message).
    func completeTypeName(_ text: String) -> String {
        let names = catalog.entries.map(\.name)
        // "struct hashtab_elem" answers to "struct hash" and to "hash".
        let startsAsTyped = { (name: String) in name.hasPrefix(text) || TypeCatalog.bareName(name).hasPrefix(text) }
        let matches = names.filter(startsAsTyped)
        guard let first = matches.first else {
            message = "no type starts with '\(text)'"
            return text
        }
        if matches.count == 1 { return first }
        message = matches.prefix(6).joined(separator: ", ") + (matches.count > 6 ? ", …" : "")
        // Names typed in full complete among themselves; a bare name ("hash") completes to
        // what its matches share ("struct hashtab_").
        let full = matches.filter { $0.hasPrefix(text) }
        let candidates = full.isEmpty ? matches : full
        var common = candidates[0]
        for name in candidates.dropFirst() { common = String(common.commonPrefix(with: name)) }
        return startsAsTyped(common) && common.count > text.count ? common : text
    }

    /// Shows the value at the hexdump cursor as `name`, and remembers the choice.
    func viewAsType(_ name: String) {
        do {
            let entry = try catalog.lookup(name.trimmingSpaces)
            show(entry.ref, at: hexCursor)
        } catch {
            message = error.description
        }
    }

    func show(_ ref: TypeRef, at address: UInt64) {
        rememberedTypes[address] = ref
        typedAddress = address
        showFields = true
        chaseSelection = 0
        focus = .chase
    }

    /// The typed value shown, or why it cannot be.
    func typedValue() -> Result<Decoded, ReadErrorMessage>? {
        guard let ref = rememberedTypes[typedAddress], var reader = reader(), let pointers = decoder else { return nil }
        do {
            return .success(try TypeDecoder(catalog: catalog, pointers: pointers).decode(ref, at: typedAddress, reader: &reader))
        } catch {
            return .failure(ReadErrorMessage(text: String(describing: error)))
        }
    }

    func fieldLines() -> [FieldLine] {
        guard case .success(let decoded)? = typedValue() else { return [] }
        return FieldLines.lines(decoded, catalog: catalog)
    }

    /// Enter on a field: a pointer leads to its target, viewed as the pointee's type when
    /// that is a type with a size; any other field moves the hexdump to it.
    func activateField() {
        let lines = fieldLines()
        guard chaseSelection < lines.count else { return }
        let line = lines[chaseSelection]
        guard let target = line.target else {
            jump(to: line.address, remember: true)
            message = line.value == "NULL" ? "\(line.name) is NULL" : nil
            return
        }
        jump(to: target, remember: true)
        if let pointee = line.pointee, catalog.size(of: pointee) ?? 0 > 0 {
            show(pointee, at: target)
        } else {
            focus = .hexdump
        }
    }

    /// `n`: the chain follows the selected pointer field from the typed value's address.
    func chainThroughSelectedField() {
        let lines = fieldLines()
        guard showFields, chaseSelection < lines.count, lines[chaseSelection].typeName.hasSuffix("*") else {
            message = "select a pointer field in the field view first (v, then arrows)"
            return
        }
        let line = lines[chaseSelection]
        chainNode = typedAddress
        chainOffset = line.address - typedAddress
        chainField = line.name
        showFields = false
        chaseSelection = 0
        message = "chain follows \(line.name) (+\(chainOffset))"
    }

    /// When the cursor lands on an address with a remembered type, show it.
    func showRememberedType() {
        if rememberedTypes[hexCursor] != nil, showFields { typedAddress = hexCursor }
    }
}
