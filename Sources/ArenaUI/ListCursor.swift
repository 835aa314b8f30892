import ArenaScreen
import ArenaText

/// A list's selection and scroll position, the one core every list pane keeps (htop's
/// `Panel`): every move is clamped to the list, a page is the rows the pane shows, and the list
/// scrolls only as far as keeps the selection in view.
struct ListCursor: Equatable {
    private(set) var selection = 0
    private(set) var top = 0
    /// The rows shown and the items listed at the last fit.
    private(set) var rows = 1
    private(set) var count = 0

    /// Fits to a list of `count` items shown `rows` at a time: the pane's layout step, before
    /// it is drawn or moved in.
    mutating func fit(count: Int, rows: Int) {
        self.count = max(0, count)
        self.rows = max(1, rows)
        selection = max(0, min(selection, self.count - 1))
        top = max(0, min(scrolled(top: top, toShow: selection, rows: self.rows), self.count - self.rows))
    }

    /// Moves for a movement command and returns true; false for any other command.
    mutating func move(_ command: Command) -> Bool {
        let moved: Int? =
            switch command {
            case .moveUp, .moveLeft: selection - 1
            case .moveDown, .moveRight: selection + 1
            case .pageUp: selection - rows
            case .pageDown: selection + rows
            case .home: 0
            case .end: count - 1
            default: nil
            }
        guard let moved else { return false }
        select(moved)
        return true
    }

    /// Selects `index`, clamped to the list.
    mutating func select(_ index: Int) {
        selection = max(0, min(index, count - 1))
        top = scrolled(top: top, toShow: selection, rows: rows)
    }

    /// Back to the first item, scrolled to the top.
    mutating func reset() {
        selection = 0
        top = 0
    }

    /// The indexes of the items shown, top first.
    var visible: Range<Int> { top..<max(top, min(count, top + rows)) }

    /// Draws item `index`'s `line` across `width` at (x, y): in `role`, or as the selection
    /// (inverted while the pane has the focus) when it is the selected item.
    func draw(_ line: String, index: Int, x: Int, y: Int, width: Int, role: ColorRole, focused: Bool, into grid: inout CellGrid) {
        let selected = index == selection
        grid.put(line.rightPadded(to: width), x: x, y: y, role: selected ? .selection : role, inverse: selected && focused, limit: width)
    }
}

/// The first visible row that keeps `selected` in view of `rows` rows, starting from `top`.
func scrolled(top: Int, toShow selected: Int, rows: Int) -> Int {
    if selected < top { return selected }
    if selected >= top + rows { return selected - rows + 1 }
    return top
}
