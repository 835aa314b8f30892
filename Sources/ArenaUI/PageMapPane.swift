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
public enum PageGlyph {
    public static func glyph(_ bin: PageCounts, freedAge: Int?) -> (Unicode.Scalar, ColorRole) {
        guard let (state, partlyFree) = bin.shown else { return (" ", .text) }
        if state.isFree, let freedAge { return ("x", freedAge == 0 ? .freed : .dim) }
        guard partlyFree else { return (state.glyph, .of(state)) }
        return (state.partlyFreeGlyph, state.isBacked ? .mixed : .of(state))
    }

    /// "· free # alloc M mapped R rsv x freed"
    static let legend = (PageState.all.map { "\($0.glyph) \($0.legendLabel)" } + ["x freed"]).joined(separator: " ")
}

enum PageMapPane {
    static let gutterWidth = 9

    static func geometry(_ inner: Rect, app: InspectorApp, pages: UInt32) -> MapGeometry {
        let gutter = inner.width >= 30 ? gutterWidth : 0
        let columns = max(1, inner.width - gutter)
        let rows = max(1, inner.height - 1)
        let fit = MapGeometry.fit(pages: pages, columns: columns, rows: rows)
        return MapGeometry(columns: columns, rows: rows, pagesPerCell: min(fit, app.zoomPagesPerCell ?? fit))
    }

    static func render(_ app: InspectorApp, _ rect: Rect, _ grid: inout CellGrid) {
        let inner = rect.inner
        guard let snapshot = app.snapshot else {
            grid.box(rect, title: PaneID.pageMap.title, focused: app.focus == .pageMap)
            grid.put("waiting for the first sample…", x: inner.x, y: inner.y, role: .dim)
            return
        }
        let pages = snapshot.geometry.maxPages
        let map = geometry(inner, app: app, pages: pages)
        app.lastMapGeometry = map
        let perRow = UInt64(map.columns) * UInt64(map.pagesPerCell)
        let totalRows = Int((UInt64(pages) + perRow - 1) / perRow)
        let cursorRow = Int(UInt64(app.cursorPage) / perRow)
        if cursorRow < app.mapTopRow { app.mapTopRow = cursorRow }
        if cursorRow >= app.mapTopRow + map.rows { app.mapTopRow = cursorRow - map.rows + 1 }
        app.mapTopRow = max(0, min(app.mapTopRow, max(0, totalRows - map.rows)))

        let state = snapshot.pages.state(ofPage: app.cursorPage)
        let title = "Pages · \(app.cursorPage) \(state.name) · \(map.pagesPerCell)/cell"
        let titleWithAddress = title + " · 0x" + String(snapshot.geometry.address(ofPage: app.cursorPage), radix: 16)
        grid.box(rect, title: titleWithAddress.count <= rect.width - 6 ? titleWithAddress : title, focused: app.focus == .pageMap)
        let gutter = inner.width - map.columns
        let firstPage = UInt64(app.mapTopRow) * perRow
        guard firstPage < UInt64(pages) else { return }
        let bins = snapshot.pages.bins(from: UInt32(firstPage), pagesPerBin: map.pagesPerCell, count: map.columns * map.rows)
        let cursorBin = Int((UInt64(app.cursorPage) - firstPage) / UInt64(map.pagesPerCell))
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
                let freedAge = bin.freePages > 0 ? app.freedAge(first: binFirst, count: bin.total) : nil
                let (glyph, role) = PageGlyph.glyph(bin, freedAge: freedAge)
                grid[inner.x + gutter + column, inner.y + row] = Cell(glyph, role: index == cursorBin ? .cursor : role, inverse: index == cursorBin)
            }
        }
        grid.put(PageGlyph.legend, x: inner.x, y: inner.y + inner.height - 1, role: .dim, limit: inner.width)
    }

    /// The page under screen cell (x, y), if the page map shows one there.
    static func page(at x: Int, y: Int, in inner: Rect, app: InspectorApp) -> UInt32? {
        guard let snapshot = app.snapshot, inner.contains(x: x, y: y) else { return nil }
        let map = app.lastMapGeometry
        let column = x - inner.x - (inner.width - map.columns)
        let row = y - inner.y
        guard column >= 0, column < map.columns, row < map.rows else { return nil }
        let page = (UInt64(app.mapTopRow + row) * UInt64(map.columns) + UInt64(column)) * UInt64(map.pagesPerCell)
        return page < UInt64(snapshot.geometry.maxPages) ? UInt32(page) : nil
    }
}

extension InspectorApp {
    /// How many samples ago pages in `[first, first + count)` were freed, if lately.
    func freedAge(first: UInt32, count: UInt32) -> Int? {
        let last = first + count - 1
        for (age, ranges) in recentlyFreed.enumerated() {
            // Ranges are in page order: find the first that ends at or after `first`.
            var low = 0
            var high = ranges.count
            while low < high {
                let mid = (low + high) / 2
                if ranges[mid].last < first { low = mid + 1 } else { high = mid }
            }
            if low < ranges.count && ranges[low].first <= last { return age }
        }
        return nil
    }
}
