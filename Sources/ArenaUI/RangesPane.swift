import ArenaModel
import ArenaScreen
import ArenaText

/// Free ranges and allocated extents (the runs of the page map), sortable by address or size.
final class RangesPane: Pane {
    /// `O` goes round the lists this place shows (ranges, roots, objects): each handles it.
    static let bindings = [
        KeyBinding([.character("s")], "s", .toggleSort, "sort ranges: address/size", pane: .ranges),
        KeyBinding([.character("O")], "O", .nextList, "ranges, roots, objects in turn", pane: .ranges),
    ]
    private(set) var sortBySize = false
    private(set) var list = ListCursor()
    /// The runs in the order shown, and the sample and order they were sorted for.
    private var sorted: (runs: [PageRun], sample: Int, bySize: Bool) = ([], -1, false)

    /// The runs of the current sample in the order shown.
    func runs(_ app: InspectorApp) -> [PageRun] {
        guard let snapshot = app.snapshot else { return [] }
        if sorted.sample != app.backend.sampleCount || sorted.bySize != sortBySize {
            let runs = sortBySize ? snapshot.pages.runs.sorted { ($0.count, $1.first) > ($1.count, $0.first) } : snapshot.pages.runs
            sorted = (runs, app.backend.sampleCount, sortBySize)
        }
        return sorted.runs
    }

    /// The summary and the column header above the list.
    func layout(_ rect: Rect, in app: InspectorApp) {
        list.fit(count: runs(app).count, rows: rect.inner.height - 2)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        if list.move(command) { return }
        switch command {
        case .nextList: app.showNextList()
        case .toggleSort:
            sortBySize.toggle()
            list.reset()
        case .activate:
            let runs = runs(app)
            guard let geometry = app.snapshot?.geometry, list.selection < runs.count else { return }
            app.go(to: geometry.address(ofPage: runs[list.selection].first))
        default: break
        }
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        grid.box(rect, title: "\(PaneID.ranges.title) · by \(sortBySize ? "size" : "address")", focused: focused)
        guard let snapshot = app.snapshot, inner.height >= 3 else { return }
        let stats = snapshot.stats
        let fragmentation = "largest \(stats.largestFree), frag \(percentText(stats.fragmentation))"
        let full = "\(stats.freeRanges) free ranges, \(fragmentation); \(stats.backedExtents) extents"
        let summary = full.count <= inner.width ? full : "\(stats.freeRanges) free, \(fragmentation)"
        grid.put(summary, x: inner.x, y: inner.y, role: .header, limit: inner.width)
        let wide = inner.width >= 44
        let header = wide ? "first page  address        pages  state" : "first   pages  state"
        grid.put(header, x: inner.x, y: inner.y + 1, role: .dim, limit: inner.width)
        let runs = sorted.runs
        for (row, index) in list.visible.enumerated() where index < runs.count {
            let run = runs[index]
            let address = Hexdump.paddedHex(snapshot.geometry.address(ofPage: run.first), width: 12)
            let line =
                wide
                ? String(run.first).leftPadded(to: 10) + "  " + address + "  " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
                : String(run.first).leftPadded(to: 7) + " " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
            list.draw(line, index: index, x: inner.x, y: inner.y + 2 + row, width: inner.width, role: .of(run.state), focused: focused, into: &grid)
        }
    }
}
