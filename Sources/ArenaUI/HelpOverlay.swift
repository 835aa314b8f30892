import ArenaScreen
import ArenaText

/// The help overlay, generated from the key binding table.
enum HelpOverlay {
    static let lines = KeyBindings.helpLines
    /// The line under the keys, whole where it fits, else its first sentence.
    static func footer(width: Int) -> String {
        let whole = "Click a page to select it. Themes: --theme NAME."
        return whole.count <= width ? whole : "Click a page to select it."
    }

    /// How the lines are laid out on a screen: two columns side by side when one column
    /// does not fit the height and two fit the width; `visibleRows` rows at a time. The box
    /// may take every row above the status bar.
    struct Shape {
        let columns: Int
        let rowsPerColumn: Int
        let visibleRows: Int
        let box: Rect

        /// True when not every line shows at once, so the arrows scroll.
        var scrolls: Bool { visibleRows < rowsPerColumn }
    }

    static func shape(width: Int, height: Int) -> Shape {
        let lineWidth = (lines.map(\.count).max() ?? 0) + 1
        let twoFit = 2 * lineWidth + 4 <= width - 2
        let columns = lines.count + 3 <= height || !twoFit ? 1 : 2
        let rowsPerColumn = (lines.count + columns - 1) / columns
        let boxWidth = min(width - 2, max(columns * lineWidth, footer(width: width - 6).count) + 4)
        let boxHeight = min(height, rowsPerColumn + 3)
        let box = Rect(x: (width - boxWidth) / 2, y: (height - boxHeight) / 2, width: boxWidth, height: boxHeight)
        return Shape(columns: columns, rowsPerColumn: rowsPerColumn, visibleRows: max(1, boxHeight - 3), box: box)
    }

    static func render(width: Int, height: Int, top: Int, _ grid: inout CellGrid) {
        let shape = shape(width: width, height: height)
        let rect = shape.box
        grid.fill(rect)
        let title =
            shape.scrolls
            ? "Keys \(top + 1)-\(min(top + shape.visibleRows, shape.rowsPerColumn)) of \(shape.rowsPerColumn) · ↑↓ scroll"
            : "Keys (any key closes)"
        grid.box(rect, title: title, focused: true)
        let columnWidth = (rect.width - 4) / shape.columns
        for (index, line) in lines.enumerated() {
            let row = index % shape.rowsPerColumn - top
            guard row >= 0 && row < shape.visibleRows else { continue }
            grid.put(line, x: rect.x + 2 + (index / shape.rowsPerColumn) * columnWidth, y: rect.y + 1 + row, role: .text, limit: columnWidth - 1)
        }
        let room = rect.width - 4
        let footer = shape.scrolls && room >= 18 + footer(width: room - 18).count ? "Other keys close. " + footer(width: room - 18) : footer(width: room)
        grid.put(footer, x: rect.x + 2, y: rect.y + rect.height - 2, role: .dim, limit: room)
    }
}
