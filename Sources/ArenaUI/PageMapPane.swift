import ArenaModel
import ArenaScreen
import ArenaText

/// How the page map is laid out in its pane.
struct MapGeometry: Equatable {
    var columns: Int
    var rows: Int
    var pagesPerCell: UInt32

    /// The fewest pages a cell that shows the whole arena at once.
    static func fit(pages: UInt32, columns: Int, rows: Int) -> UInt32 {
        let cells = UInt64(max(1, columns * rows))
        return UInt32(max(1, (UInt64(pages) + cells - 1) / cells))
    }
}

/// The character and role of a page-map cell: the glyph of the state it shows (lower case
/// where it is partly free), or `x` where its pages were freed lately.
enum PageGlyph {
    static func glyph(_ bin: PageCounts, freedAge: Int?) -> (Unicode.Scalar, ColorRole) {
        guard let (state, partlyFree) = bin.shown else { return (" ", .text) }
        if state.isFree, let freedAge { return ("x", freedAge == 0 ? .freed : .dim) }
        guard partlyFree else { return (state.glyph, .of(state)) }
        return (state.partlyFreeGlyph, state.isBacked ? .mixed : .of(state))
    }

    /// "· free", "# alloc", "M mapped", "R rsv", "F freeing", "x freed"
    static let legendItems = PageState.all.map { "\($0.glyph) \($0.traits.legendLabel)" } + ["x freed"]
    /// A cell holding a backed page the roots do not reach, while the object map is shown.
    static let unreached: Unicode.Scalar = "!"

    /// The legend's items (with "! unreached" first while the object map is shown), wrapped to
    /// `width` columns: as many lines as they need, no item cut.
    static func legendLines(width: Int, unreached: Bool) -> [String] {
        var lines: [String] = [], line = ""
        for item in (unreached ? ["! unreached"] : []) + legendItems {
            if line.isEmpty {
                line = item
            } else if line.count + 1 + item.count <= width {
                line += " " + item
            } else {
                lines.append(line)
                line = item
            }
        }
        return lines + [line]
    }
}

/// Every page of the arena as a cell (or N pages a cell), with a ruler of addresses; the
/// cursor is the shared selected page.
final class PageMapPane: Pane {
    static let bindings = [
        KeyBinding([.character("+"), .character("=")], "+", .zoomIn, "zoom in: fewer pages a cell", pane: .pageMap),
        KeyBinding([.character("-")], "-", .zoomOut, "zoom out: more pages a cell", pane: .pageMap),
    ]
    static let gutterWidth = 9
    /// Pages a cell stands for; nil fits the whole arena in the pane.
    private(set) var zoomPagesPerCell: UInt32?
    private(set) var topRow = 0
    /// The layout of the last `layout` step, which movement and clicks use.
    private(set) var map = MapGeometry(columns: 1, rows: 1, pagesPerCell: 1)
    /// The legend's lines for the pane's width, worked out by `layout`.
    private var legend: [String] = []

    func layout(_ rect: Rect, in app: InspectorApp) {
        guard let snapshot = app.snapshot else { return }
        let inner = rect.inner
        let pages = snapshot.geometry.maxPages
        let gutter = inner.width >= 30 ? Self.gutterWidth : 0
        let columns = max(1, inner.width - gutter)
        legend = PageGlyph.legendLines(width: inner.width, unreached: app.shownObjectMap != nil)
        let rows = max(1, inner.height - legend.count)
        let fit = MapGeometry.fit(pages: pages, columns: columns, rows: rows)
        map = MapGeometry(columns: columns, rows: rows, pagesPerCell: min(fit, zoomPagesPerCell ?? fit))
        let perRow = UInt64(map.columns) * UInt64(map.pagesPerCell)
        let totalRows = Int((UInt64(pages) + perRow - 1) / perRow)
        let cursorRow = Int(UInt64(app.navigation.page) / perRow)
        topRow = max(0, min(scrolled(top: topRow, toShow: cursorRow, rows: map.rows), max(0, totalRows - map.rows)))
    }

    func perform(_ command: Command, in app: InspectorApp) {
        guard let geometry = app.snapshot?.geometry else { return }
        let last = Int64(geometry.maxPages) - 1
        let step = Int64(map.pagesPerCell)
        let page = Int64(app.navigation.page)
        let moved: Int64? =
            switch command {
            case .moveUp: page - Int64(map.columns) * step
            case .moveDown: page + Int64(map.columns) * step
            case .moveLeft: page - step
            case .moveRight: page + step
            case .pageUp: page - Int64(max(1, map.rows - 1) * map.columns) * step
            case .pageDown: page + Int64(max(1, map.rows - 1) * map.columns) * step
            case .home: 0
            case .end: last
            default: nil
            }
        if let moved {
            app.select(page: UInt32(clamping: max(0, min(last, moved))))
            return
        }
        switch command {
        case .activate:
            app.go(to: geometry.address(ofPage: app.navigation.page))
        case .zoomIn, .zoomOut:
            let fit = MapGeometry.fit(pages: geometry.maxPages, columns: map.columns, rows: map.rows)
            let current = min(fit, zoomPagesPerCell ?? fit)
            let next = command == .zoomIn ? max(1, current / 2) : min(fit, current * 2)
            zoomPagesPerCell = next >= fit ? nil : next
        default: break
        }
    }

    func click(x: Int, y: Int, in rect: Rect, app: InspectorApp) {
        let inner = rect.inner
        guard let snapshot = app.snapshot, inner.contains(x: x, y: y) else { return }
        let column = x - inner.x - (inner.width - map.columns)
        let row = y - inner.y
        guard column >= 0, column < map.columns, row < map.rows else { return }
        let page = (UInt64(topRow + row) * UInt64(map.columns) + UInt64(column)) * UInt64(map.pagesPerCell)
        if page < UInt64(snapshot.geometry.maxPages) { app.select(page: UInt32(page)) }
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        guard let snapshot = app.snapshot else {
            grid.box(rect, title: PaneID.pageMap.title, focused: focused)
            grid.put("waiting for the first sample…", x: inner.x, y: inner.y, role: .dim)
            return
        }
        let pages = snapshot.geometry.maxPages
        let cursorPage = app.navigation.page
        let perRow = UInt64(map.columns) * UInt64(map.pagesPerCell)
        let state = snapshot.pages.state(ofPage: cursorPage)
        grid.box(
            rect,
            title: "Pages · page \(cursorPage) \(state.name) · \(map.pagesPerCell)/cell · 0x"
                + String(snapshot.geometry.address(ofPage: cursorPage), radix: 16), focused: focused)
        let gutter = inner.width - map.columns
        let firstPage = UInt64(topRow) * perRow
        guard firstPage < UInt64(pages) else { return }
        let bins = snapshot.pages.bins(from: UInt32(firstPage), pagesPerBin: map.pagesPerCell, count: map.columns * map.rows)
        let cursorBin = Int((UInt64(cursorPage) - min(UInt64(cursorPage), firstPage)) / UInt64(map.pagesPerCell))
        let unreached = app.shownObjectMap?.unreachedPages
        for row in 0..<map.rows {
            let rowPage = firstPage + UInt64(row) * perRow
            guard rowPage < UInt64(pages) else { break }
            if gutter > 0 {
                // An arena never crosses a 4 GiB boundary: the low 32 bits tell its rows apart.
                let address = snapshot.geometry.address(ofPage: UInt32(rowPage)) & 0xFFFF_FFFF
                grid.put(Hexdump.paddedHex(address, width: gutter - 1), x: inner.x, y: inner.y + row, role: .address)
            }
            for column in 0..<map.columns {
                let index = row * map.columns + column
                let bin = bins[index]
                guard bin.total > 0 else { break }
                let binFirst = UInt32(rowPage) + UInt32(column) * map.pagesPerCell
                let freedAge = bin.freePages > 0 ? app.recentFrees.age(first: binFirst, count: bin.total) : nil
                var (glyph, role) = PageGlyph.glyph(bin, freedAge: freedAge)
                if let unreached, bin.total > bin.freePages {
                    let next = unreached.partitioningIndex { $0 >= binFirst }
                    if next < unreached.count && unreached[next] < binFirst + UInt32(bin.total) { (glyph, role) = (PageGlyph.unreached, .unreached) }
                }
                let isCursor = index == cursorBin && UInt64(cursorPage) >= firstPage
                grid[inner.x + gutter + column, inner.y + row] = Cell(glyph, role: isCursor ? .cursor : role, inverse: isCursor)
            }
        }
        for (index, line) in legend.enumerated() {
            grid.put(line, x: inner.x, y: inner.y + inner.height - legend.count + index, role: .dim, limit: inner.width)
        }
    }
}
