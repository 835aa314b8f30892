import ArenaModel
import ArenaScreen
import ArenaText

/// Free ranges and allocated extents (the runs of the page map), sortable by address or size.
final class RangesPane: Pane {
    private(set) var sortBySize = false
    private(set) var selection = 0
    private(set) var top = 0
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

    private static func visibleRows(_ rect: Rect) -> Int { max(1, rect.inner.height - 2) }

    func layout(_ rect: Rect, in app: InspectorApp) {
        selection = max(0, min(selection, runs(app).count - 1))
        top = scrolled(top: top, toShow: selection, rows: Self.visibleRows(rect))
    }

    func perform(_ command: Command, in app: InspectorApp) {
        let count = runs(app).count
        if let moved = listSelection(selection, after: command, page: app.rect(of: .ranges).map(Self.visibleRows) ?? 1) {
            selection = min(moved, max(0, count - 1))
            return
        }
        switch command {
        case .nextList: app.panes.nextList()
        case .toggleSort:
            sortBySize.toggle()
            selection = 0
            top = 0
        case .activate:
            let runs = runs(app)
            guard let geometry = app.snapshot?.geometry, selection < runs.count else { return }
            app.jump(to: geometry.address(ofPage: runs[selection].first), remember: true)
            app.navigation.chainNode = app.navigation.address
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
        for row in 0..<Self.visibleRows(rect) {
            let index = top + row
            guard index < runs.count else { break }
            let run = runs[index]
            let address = Hexdump.paddedHex(snapshot.geometry.address(ofPage: run.first), width: 12)
            let line = wide
                ? String(run.first).leftPadded(to: 10) + "  " + address + "  " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
                : String(run.first).leftPadded(to: 7) + " " + String(run.count).leftPadded(to: 6) + "  " + run.state.name
            let selected = index == selection
            grid.put(line.rightPadded(to: inner.width), x: inner.x, y: inner.y + 2 + row,
                     role: selected ? .selection : .of(run.state), inverse: selected && focused, limit: inner.width)
        }
    }
}
