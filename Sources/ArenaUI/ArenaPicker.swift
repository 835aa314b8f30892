import ArenaScreen

/// One arena the picker offers.
public struct PickerEntry: Sendable {
    public let id: UInt32
    public let line: String

    public init(id: UInt32, line: String) {
        self.id = id
        self.line = line
    }
}

/// A list of live arenas to choose from when arenascope starts without a source.
public final class ArenaPicker: TerminalApp {
    /// The column titles above the entries.
    public let header: String
    public let entries: [PickerEntry]
    public private(set) var selection = 0
    /// The chosen arena's id once Enter was pressed.
    public private(set) var chosen: UInt32?
    private var width: Int
    private var height: Int

    public init(header: String, entries: [PickerEntry], width: Int, height: Int) {
        self.header = header
        self.entries = entries
        self.width = width
        self.height = height
    }

    public func tick() -> Bool { false }
    public var secondsUntilWork: Double { .infinity }

    public func handle(_ event: InputEvent) -> Reaction {
        switch event {
        case .up, .character("k"): selection = max(0, selection - 1)
        case .down, .character("j"): selection = min(entries.count - 1, selection + 1)
        case .enter:
            chosen = entries[selection].id
            return .quit
        case .escape, .character("q"): return .quit
        case .resize(let newWidth, let newHeight):
            width = newWidth
            height = newHeight
        default: return .none
        }
        return .redraw
    }

    public func render() -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let rect = Rect(x: 0, y: 0, width: width, height: height - 1)
        grid.box(rect, title: "Choose an arena", focused: true)
        grid.put(header, x: 2, y: 1, role: .dim, limit: width - 4)
        for (index, entry) in entries.enumerated() where index < height - 4 {
            let selected = index == selection
            grid.put(entry.line.rightPadded(to: width - 4), x: 2, y: 2 + index, role: selected ? .selection : .text, inverse: selected, limit: width - 4)
        }
        grid.fill(Rect(x: 0, y: height - 1, width: width, height: 1), with: Cell(" ", role: .status))
        grid.put(" ↑↓ choose · Enter inspect · q quit", x: 0, y: height - 1, role: .statusKey)
        return grid
    }
}
