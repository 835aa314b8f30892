import ArenaModel
import ArenaTypes
import ArenaScreen
import ArenaText

/// The typed value at an address as a tree of fields: offset, name, type, value; pointer
/// fields that lead into the arena can be followed.
enum FieldsPane {
    static func render(_ app: InspectorApp, _ rect: Rect, _ grid: inout CellGrid) {
        let inner = rect.inner
        let typeName = app.rememberedTypes[app.typedAddress].map { app.catalog.name(of: $0) } ?? "?"
        grid.box(rect, title: "Fields · \(typeName) at \(hex(app.typedAddress))", focused: app.focus == .chase)
        guard inner.height >= 1, let result = app.typedValue() else { return }
        let lines: [FieldLine]
        switch result {
        case .failure(let error):
            grid.put(error.text, x: inner.x, y: inner.y, role: .error, limit: inner.width)
            return
        case .success(let decoded):
            lines = FieldLines.lines(decoded, catalog: app.catalog)
        }
        let rows = inner.height - 1
        app.chaseSelection = min(app.chaseSelection, max(0, lines.count - 1))
        let top = max(0, app.chaseSelection - rows + 1)
        let nameWidth = min(24, (lines.map { $0.depth * 2 + $0.name.count }.max() ?? 0) + 2)
        let typeWidth = min(28, (lines.map(\.typeName.count).max() ?? 0) + 2)
        for row in 0..<rows {
            let index = top + row
            guard index < lines.count else { break }
            let line = lines[index]
            let name = String(repeating: " ", count: line.depth * 2) + line.name
            let text = line.offset.rightPadded(to: 7) + name.rightPadded(to: nameWidth) + line.typeName.rightPadded(to: typeWidth) + line.value
            let selected = index == app.chaseSelection
            let role: ColorRole = selected ? .selection : line.target != nil ? .pointer : .text
            grid.put(text.rightPadded(to: inner.width), x: inner.x, y: inner.y + row, role: role, inverse: selected && app.focus == .chase, limit: inner.width)
        }
        grid.put("Enter follows a pointer · n chains via the field · f shows the chain", x: inner.x, y: inner.y + inner.height - 1, role: .dim, limit: inner.width)
    }
}
