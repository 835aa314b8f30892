import ArenaModel
import ArenaScreen
import ArenaText

/// The path of followed pointers, and the chain from the current node through the
/// pointer at the chosen offset, node by node, with the reason it stops.
enum ChasePane {
    static func render(_ app: InspectorApp, _ rect: Rect, _ grid: inout CellGrid) {
        if app.showFields { return FieldsPane.render(app, rect, &grid) }
        let inner = rect.inner
        let via = app.chainField.map { "\($0) (+\(app.chainOffset))" } ?? "+\(app.chainOffset)"
        grid.box(rect, title: "\(PaneID.chase.title) · chain from \(hex(app.chainNode)) via \(via)\(app.pointer32 ? " (32-bit)" : "")", focused: app.focus == .chase)
        guard inner.height >= 2 else { return }
        let path = (app.history.suffix(6) + [app.hexCursor]).map { hex($0) }
        var crumb = "path: " + path.joined(separator: " → ")
        if crumb.count > inner.width { crumb = "path: …" + String(crumb.suffix(inner.width - 7)) }
        grid.put(crumb, x: inner.x, y: inner.y, role: .header, limit: inner.width)
        guard let result = app.chain() else { return }
        switch result {
        case .failure(let error):
            grid.put(error.text, x: inner.x, y: inner.y + 1, role: .error, limit: inner.width)
        case .success(let chain):
            let rows = inner.height - 2
            app.chaseSelection = min(app.chaseSelection, max(0, chain.hops.count - 1))
            let top = max(0, app.chaseSelection - rows + 1)
            var reader = app.reader()
            for row in 0..<rows {
                let index = top + row
                guard index < chain.hops.count else { break }
                let hop = chain.hops[index]
                let preview = (try? reader?.read(hop.address, length: 16)).flatMap { $0 }.map { bytes in
                    bytes.map(Hexdump.hexByte).joined(separator: " ")
                } ?? ""
                let line = String(index).leftPadded(to: 4) + "  " + Hexdump.paddedHex(hop.address, width: 12) + "  pg " + String(hop.page).leftPadded(to: 7)
                    + "  → " + Hexdump.paddedHex(hop.value, width: 12) + "  " + preview
                let selected = index == app.chaseSelection
                grid.put(line.rightPadded(to: inner.width), x: inner.x, y: inner.y + 1 + row,
                         role: selected ? .selection : .text, inverse: selected && app.focus == .chase, limit: inner.width)
            }
            let ending = "\(chain.hops.count) node\(chain.hops.count == 1 ? "" : "s"), stop: \(chain.stop.rawValue)\(chain.stop == .cycle ? " (a cycle!)" : "")"
            grid.put(ending, x: inner.x, y: inner.y + inner.height - 1, role: chain.stop == .cycle || chain.stop == .unbacked ? .error : .dim, limit: inner.width)
        }
    }
}
