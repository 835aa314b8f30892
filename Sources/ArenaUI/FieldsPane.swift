import ArenaModel
import ArenaScreen
import ArenaText
import ArenaTypes

/// The typed value at an address as a tree of fields: offset, name, type, value; pointer
/// fields that lead into the arena can be followed, or chained through by name. It takes
/// the chase pane's place while shown.
final class FieldsPane: Pane {
    /// The address of the value shown.
    private(set) var address: UInt64 = 0
    private(set) var list = ListCursor()
    /// The value's fields (or why it cannot be decoded), worked out by `layout`.
    private(set) var lines: Result<[FieldLine], PaneError>?
    private var typeName = "?"
    /// What `lines` were decoded for.
    private var decodedFor: DecodeKey?

    private struct DecodeKey: Equatable {
        let address: UInt64, type: TypeRef, bytes: InspectorApp.BytesVersion, pointer32: Bool
    }

    /// Shows the value at `address` from its first field.
    func show(_ address: UInt64) {
        self.address = address
        list.reset()
    }

    /// Decodes the value, once for each sample.
    func decode(_ app: InspectorApp) {
        guard let ref = app.types.remembered[address], var reader = app.reader(), let pointers = app.decoder else {
            lines = nil
            decodedFor = nil
            return
        }
        let key = DecodeKey(address: address, type: ref, bytes: app.bytesVersion, pointer32: app.navigation.pointer32)
        guard key != decodedFor else { return }
        decodedFor = key
        let catalog = app.catalog
        typeName = catalog.name(of: ref)
        do {
            let decoded = try TypeDecoder(catalog: catalog, pointers: pointers).decode(ref, at: address, reader: &reader)
            lines = .success(FieldLines.lines(decoded, catalog: catalog))
        } catch {
            lines = .failure(PaneError(String(describing: error)))
        }
    }

    /// The selected field as a shape names it (`struct pool.slab`) when it is a pointer into
    /// the arena whose type the BTF does not give (`void *`, an only-declared struct), or why
    /// a shape cannot name it; nil for any other field.
    func untypedField(in app: InspectorApp) -> Result<String, PaneError>? {
        let lines = shownLines, selection = list.selection
        guard selection < lines.count, let ref = app.types.remembered[address], lines[selection].target != nil,
            lines[selection].pointee.map({ app.catalog.size(of: $0) ?? 0 == 0 }) ?? true
        else { return nil }
        var path = [lines[selection].name], depth = lines[selection].depth
        for line in lines[..<selection].reversed() where line.depth < depth {
            path.insert(line.name, at: 0)
            depth = line.depth
        }
        let owner = app.catalog.name(of: ref)
        guard owner.hasPrefix("struct ") || owner.hasPrefix("union ") else {
            return .failure(PaneError("a shape types the fields of a struct or union, not of \(owner)"))
        }
        guard !path.contains(where: { $0.hasPrefix("[") }) else { return .failure(PaneError("a shape types a field by name, not an array's element")) }
        return .success(owner + "." + path.filter { !$0.isEmpty }.joined(separator: "."))
    }

    private var shownLines: [FieldLine] {
        if case .success(let lines)? = lines { return lines }
        return []
    }

    func layout(_ rect: Rect, in app: InspectorApp) {
        decode(app)
        list.fit(count: shownLines.count, rows: rect.inner.height - 1)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        if list.move(command) { return }
        switch command {
        case .activate: activateField(app)
        case .toggleFields: app.toggleFields()
        case .chainThroughField: chainThroughField(app)
        default: break
        }
    }

    /// Enter on a field: a pointer leads to its target, viewed as the pointee's type when
    /// that is a type with a size; any other field moves the hexdump to it.
    private func activateField(_ app: InspectorApp) {
        decode(app)
        let lines = shownLines
        guard list.selection < lines.count else { return }
        let line = lines[list.selection]
        guard let target = line.target else {
            app.jump(to: line.address, remember: true)
            app.say(line.value == "NULL" ? "\(line.name) is NULL" : nil)
            return
        }
        app.jump(to: target, remember: true)
        if let pointee = line.pointee, app.catalog.size(of: pointee) ?? 0 > 0 {
            app.show(pointee, at: target)
        } else {
            // No type to show it as: the chain from the target, not the old value's fields.
            app.chain(from: target, offset: 0)
            app.showChain()
            app.focus(.hexdump)
            let type = line.pointee.map { app.catalog.name(of: $0) } ?? "void"
            app.say(
                type == "void"
                    ? "\(line.name) is untyped (void *): its bytes are in the hexdump"
                    : "\(type) is only declared in the BTF known: its bytes are in the hexdump (--btf FILE can define it)")
        }
    }

    /// `n`: the chain follows the selected pointer field from the value's address.
    private func chainThroughField(_ app: InspectorApp) {
        decode(app)
        let lines = shownLines
        guard list.selection < lines.count, lines[list.selection].typeName.hasSuffix("*") else {
            app.say("select a pointer field in the field view first (v, then arrows)")
            return
        }
        let line = lines[list.selection]
        app.chain(from: address, offset: line.address - address, field: line.name)
        app.showChain()
        app.say("chain follows \(line.name) (+\(line.address - address))")
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        grid.box(rect, title: "Fields · \(typeName) at \(hex(address))", focused: focused)
        guard inner.height >= 1, let result = lines else { return }
        let lines: [FieldLine]
        switch result {
        case .failure(let error):
            grid.put(error.text, x: inner.x, y: inner.y, role: .error, limit: inner.width)
            return
        case .success(let decoded): lines = decoded
        }
        let nameWidth = min(24, (lines.map { $0.depth * 2 + $0.name.count }.max() ?? 0) + 2)
        let typeWidth = min(28, (lines.map(\.typeName.count).max() ?? 0) + 2)
        for (row, index) in list.visible.enumerated() where index < lines.count {
            let line = lines[index]
            let name = String(repeating: " ", count: line.depth * 2) + line.name
            let text = line.offset.rightPadded(to: 7) + name.rightPadded(to: nameWidth) + line.typeName.rightPadded(to: typeWidth) + line.value
            list.draw(
                text, index: index, x: inner.x, y: inner.y + row, width: inner.width, role: line.target != nil ? .pointer : .text, focused: focused, into: &grid
            )
        }
        grid.put(
            "Enter follows a pointer · n chains via the field · f shows the chain", x: inner.x, y: inner.y + inner.height - 1, role: .dim, limit: inner.width)
    }
}
