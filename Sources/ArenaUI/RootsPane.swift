import ArenaModel
import ArenaScreen
import ArenaText

/// The arena's roots: name, type, address and where each was found. It takes the allocator
/// ranges' place while shown (`O`); Enter opens the selected root, typed.
final class RootsPane: Pane {
    private(set) var list = ListCursor()

    /// The selected root, if there is one.
    func selected(in app: InspectorApp) -> StructureRoot? {
        guard let roots = app.snapshot?.roots, list.selection < roots.count else { return nil }
        return roots[list.selection]
    }

    /// The column header above the list.
    func layout(_ rect: Rect, in app: InspectorApp) {
        list.fit(count: app.snapshot?.roots.count ?? 0, rows: rect.inner.height - 1)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        if list.move(command) { return }
        switch command {
        case .activate:
            if let root = selected(in: app) { app.open(root) }
        case .nextList: app.showNextList()
        default: break
        }
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        let roots = app.snapshot?.roots ?? []
        grid.box(rect, title: "Roots · \(roots.count) · Enter opens · O objects", focused: focused)
        guard let geometry = app.snapshot?.geometry, inner.height >= 2 else { return }
        guard !roots.isEmpty else {
            grid.put("no roots: the programs keep no arena globals or arena pointers in maps with BTF", x: inner.x, y: inner.y, role: .dim, limit: inner.width)
            return
        }
        // Name and type as wide as their widest, shrunk to leave the address whole; the origin where there is room for it.
        let widths = columnWidths(
            [roots.map(\.name.count).max() ?? 0, roots.map { ($0.type ?? "(untyped)").count }.max() ?? 0],
            fitting: inner.width - 16)
        let (nameWidth, typeWidth) = (widths[0], widths[1])
        let originWidth = max(6, roots.map(\.origin.count).max() ?? 0)
        let showsOrigin = nameWidth + typeWidth + 16 + originWidth <= inner.width
        grid.put(
            "name".column(nameWidth) + "  " + "type".column(typeWidth) + "  address" + (showsOrigin ? "       origin" : ""),
            x: inner.x, y: inner.y, role: .dim, limit: inner.width)
        for (row, index) in list.visible.enumerated() where index < roots.count {
            let root = roots[index]
            let line =
                root.name.column(nameWidth) + "  " + (root.type ?? "(untyped)").column(typeWidth) + "  "
                + Hexdump.paddedHex(root.address, width: 12) + (showsOrigin ? "  " + root.origin + (root.note(in: geometry).map { " · " + $0 } ?? "") : "")
            list.draw(
                line, index: index, x: inner.x, y: inner.y + 1 + row, width: inner.width, role: root.type == nil ? .dim : .text, focused: focused, into: &grid)
        }
    }
}
