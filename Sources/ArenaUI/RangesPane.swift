import ArenaModel
import ArenaScreen
import ArenaText

/// Free ranges and allocated extents, sortable by address or size.
enum RangesPane {
    static func render(_ app: InspectorApp, _ rect: Rect, _ grid: inout CellGrid) {
        let inner = rect.inner
        grid.box(rect, title: "\(PaneID.ranges.title) · by \(app.sortBySize ? "size" : "address")", focused: app.focus == .ranges)
        guard let snapshot = app.snapshot, inner.height >= 3 else { return }
        let stats = snapshot.stats
        let fragmentation = "largest \(stats.largestFree), frag \(percentText(stats.fragmentation))"
        let full = "\(stats.freeRanges) free ranges, \(fragmentation); \(stats.backedExtents) extents"
        let summary = full.count <= inner.width ? full : "\(stats.freeRanges) free, \(fragmentation)"
        grid.put(summary, x: inner.x, y: inner.y, role: .header, limit: inner.width)
        let wide = inner.width >= 44
        let header = wide ? "first page  address        pages  state" : "first   pages  state"
        grid.put(header, x: inner.x, y: inner.y + 1, role: .dim, limit: inner.width)
        let runs = app.runs()
        let rows = inner.height - 2
        app.rangeSelection = max(0, min(app.rangeSelection, runs.count - 1))
        if app.rangeSelection < app.rangeTop { app.rangeTop = app.rangeSelection }
        if app.rangeSelection >= app.rangeTop + rows { app.rangeTop = app.rangeSelection - rows + 1 }
        for row in 0..<rows {
            let index = app.rangeTop + row
            guard index < runs.count else { break }
            let run = runs[index]
            let address = Hexdump.paddedHex(snapshot.geometry.address(ofPage: run.first), width: 12)
            let line = wide
                ? String(run.first).leftPadded(to: 10) + "  " + address + "  " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
                : String(run.first).leftPadded(to: 7) + " " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
            let selected = index == app.rangeSelection
            grid.put(line.rightPadded(to: inner.width), x: inner.x, y: inner.y + 2 + row,
                     role: selected ? .selection : .of(run.state), inverse: selected && app.focus == .ranges, limit: inner.width)
        }
    }
}
