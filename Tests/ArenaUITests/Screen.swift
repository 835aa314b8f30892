import ArenaScreen
import ArenaText
import ArenaUI

/// What a user reads off the inspector's screen: the grid's text, and the facts the panes'
/// titles and the status bar show. Tests look through this, not at the app's fields.
struct Screen {
    let grid: CellGrid
    let text: String
    let lines: [String]

    init(_ grid: CellGrid) {
        self.grid = grid
        text = grid.text
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The text after `marker` up to the next `end` (or the end of its line), on the first line holding it.
    func field(after marker: String, until end: String = " ") -> String? {
        guard let line = lines.first(where: { $0.contains(marker) }), let start = line.range(of: marker)?.upperBound else { return nil }
        let rest = line[start...]
        return String(rest.prefix { !end.contains($0) })
    }

    /// The hexdump's cursor address, from its title.
    var hexCursor: UInt64? { field(after: "Hexdump · ").flatMap(parseNumber) }
    /// The page map's cursor page, from its title.
    var cursorPage: UInt32? { field(after: "Pages · page ").flatMap { UInt32($0) } }
    /// Pages a page-map cell stands for, from its title.
    var pagesPerCell: UInt32? {
        guard let line = lines.first(where: { $0.contains("Pages · ") }), let range = line.range(of: "/cell") else { return nil }
        return UInt32(line[..<range.lowerBound].split(separator: " ").last ?? "")
    }
    /// The chain's start and what it follows, from the chase pane's title: "0x… via +8".
    var chainTitle: String? { field(after: "chain from ", until: "─") }
    /// The fields pane's title: "struct NAME at 0x…".
    var fieldsTitle: String? { field(after: "Fields · ", until: "─") }
    /// The status bar.
    var status: String { lines.last ?? "" }
    /// True when the help is open.
    var showsHelp: Bool { text.contains("Keys (any key closes)") || text.contains("↑↓ scroll") }

    /// The rows of the fields pane: name and value columns, one entry a field.
    func fieldRows() -> [(offset: String, name: String, rest: String)] {
        lines.compactMap { line -> (String, String, String)? in
            guard let bar = line.firstIndex(of: "│"), let end = line.lastIndex(of: "│"), bar < end else { return nil }
            let inner = line[line.index(after: bar)..<end]
            let words = inner.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3, words[0].hasPrefix("+") else { return nil }
            return (String(words[0]), String(words[1]), words.dropFirst(2).joined(separator: " "))
        }
    }
}
