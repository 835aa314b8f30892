import ArenaScreen
import ArenaText

/// Commands the key bindings trigger.
public enum Command: Sendable {
    case quit, help, closeOverlay, nextPane, previousPane
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown, home, end
    case activate, back, gotoAddress, search, togglePause, zoomIn, zoomOut
    case slower, faster, toggleSort, setChainOffset, togglePointerWidth, nextRoot
    case stepForward, stepBack, jumpForward, jumpBack, seekFrame, toggleRecording
    case viewAsType, toggleFields, chainThroughField, nextList, whoPointsHere
}

/// Which sources a binding applies to.
public enum SourceMode: Sendable {
    case any
    /// Sources sampled afresh (emulated, live): not a recording.
    case sampled
    /// A recording being replayed.
    case replay

    /// What the key says where its mode does not apply.
    var unavailable: String {
        switch self {
        case .any: ""
        case .sampled: "this is already a recording"
        case .replay: "only a recording has frames (--replay FILE)"
        }
    }
}

/// One key binding: the keys, what they do, where, and the help text. The app declares its
/// own and each pane its own (lazygit's way); the help and the man page's KEYS are generated
/// from them.
public struct KeyBinding: Sendable {
    public let keys: [InputEvent]
    public let label: String
    public let command: Command
    public let help: String
    /// The pane whose state the command changes, whichever pane has the focus; nil for the
    /// app's own commands and for movement, which goes to the focused pane.
    public let pane: PaneID?
    public let mode: SourceMode

    /// The binding's line in the help.
    public var helpLine: String { label.rightPadded(to: 6) + help }

    init(_ keys: [InputEvent], _ label: String, _ command: Command, _ help: String, pane: PaneID? = nil, mode: SourceMode = .any) {
        self.keys = keys
        self.label = label
        self.command = command
        self.help = help
        self.pane = pane
        self.mode = mode
    }
}

public enum KeyBindings {
    /// The app's own bindings, and movement and Enter, which go to the focused pane.
    static let app: [KeyBinding] = [
        KeyBinding([.up, .character("k")], "↑ k", .moveUp, "move up"),
        KeyBinding([.down, .character("j")], "↓ j", .moveDown, "move down"),
        KeyBinding([.left, .character("h")], "← h", .moveLeft, "move left (hex: a word back)"),
        KeyBinding([.right, .character("l")], "→ l", .moveRight, "move right (hex: next word)"),
        KeyBinding([.pageUp], "PgUp", .pageUp, "a screen up"),
        KeyBinding([.pageDown], "PgDn", .pageDown, "a screen down"),
        KeyBinding([.home], "Home", .home, "to the first page/range/byte"),
        KeyBinding([.end], "End", .end, "to the last page/range/byte"),
        KeyBinding([.tab], "Tab", .nextPane, "next pane"),
        KeyBinding([.backTab], "S-Tab", .previousPane, "previous pane"),
        KeyBinding([.enter], "Enter", .activate, "open / go to / follow pointer"),
        KeyBinding([.backspace], "Bksp", .back, "back along followed pointers"),
        KeyBinding([.character("g")], "g", .gotoAddress, "go to an address"),
        KeyBinding([.character("/")], "/", .search, "search hex bytes: de c0 a5"),
        KeyBinding([.character("o")], "o", .nextRoot, "next root, opened typed"),
        KeyBinding([.character("w")], "w", .togglePointerWidth, "32-bit pointers on/off"),
        KeyBinding([.character("p"), .character(" ")], "p", .togglePause, "pause/resume (replay: play)"),
        KeyBinding([.character("<")], "<", .slower, "sample (replay) half as fast"),
        KeyBinding([.character(">")], ">", .faster, "sample (replay) twice as fast"),
        KeyBinding([.character("?")], "?", .help, "this help"),
        KeyBinding([.escape], "Esc", .closeOverlay, "close help or a prompt"),
        KeyBinding([.character("q")], "q", .quit, "quit"),
        KeyBinding([.character("r")], "r", .toggleRecording, "start or stop recording", mode: .sampled),
        KeyBinding([.character(".")], ".", .stepForward, "next frame", mode: .replay),
        KeyBinding([.character(",")], ",", .stepBack, "previous frame", mode: .replay),
        KeyBinding([.character("]")], "]", .jumpForward, "10 frames on", mode: .replay),
        KeyBinding([.character("[")], "[", .jumpBack, "10 frames back", mode: .replay),
        KeyBinding([.character("t")], "t", .seekFrame, "go to a frame or time", mode: .replay),
    ]

    /// Every binding: the app's, then each place's, as its panes declare them (`Pane.bindings`).
    public static let all: [KeyBinding] = app + PaneID.allCases.flatMap(Panes.bindings)

    public static func binding(for event: InputEvent) -> KeyBinding? {
        all.first { $0.keys.contains(event) }
    }

    /// The help text: the bindings that apply everywhere first, then the panes' under a heading
    /// for each column of the wide layout (its places' titles: the help then fits 80x24), then
    /// the recording's and the replay's.
    public static var helpLines: [String] {
        let everywhere = all.filter { $0.pane == nil && $0.mode == .any }.map(\.helpLine)
        let wide = Layout(width: Layout.twoColumns, height: Layout.full.height, focus: .pageMap)
        let columns = Dictionary(grouping: PaneID.allCases) { wide.rect($0)?.x ?? 0 }.sorted { $0.key < $1.key }.map {
            $0.value.sorted { $0.rawValue < $1.rawValue }
        }
        var groups: [(heading: String, bindings: [KeyBinding])] = columns.map { places in
            let titles = places.map(\.title)
            let heading = titles.count == 1 ? titles[0] : titles.dropLast().joined(separator: ", ") + " and " + titles.last!.lowercased()
            return (heading, all.filter { $0.pane.map(places.contains) ?? false })
        }
        groups.append(("Recording and replay", all.filter { $0.mode != .any }))
        return everywhere + groups.filter { !$0.bindings.isEmpty }.flatMap { group in ["· \(group.heading)"] + group.bindings.map(\.helpLine) }
    }
}
