import ArenaScreen

/// The panes of the inspector.
public enum PaneID: Int, CaseIterable, Sendable {
    case pageMap, ranges, hexdump, chase

    public var title: String {
        switch self {
        case .pageMap: "Page map"
        case .ranges: "Allocator ranges"
        case .hexdump: "Hexdump"
        case .chase: "Pointer chase"
        }
    }
}

/// Commands the key bindings trigger.
public enum Command: Sendable {
    case quit, help, closeOverlay, nextPane, previousPane
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown, home, end
    case activate, back, gotoAddress, search, togglePause, zoomIn, zoomOut
    case slower, faster, toggleSort, setChainOffset, togglePointerWidth, nextRoot
    case stepForward, stepBack, jumpForward, jumpBack, seekFrame, toggleRecording
    case viewAsType, toggleFields, chainThroughField
}

/// One key binding: the keys, what they do, and the help text. The help screen is
/// generated from this table (lazygit's way).
public struct KeyBinding: Sendable {
    public let keys: [InputEvent]
    public let label: String
    public let command: Command
    public let help: String
}

public enum KeyBindings {
    public static let all: [KeyBinding] = [
        KeyBinding(keys: [.up, .character("k")], label: "↑ k", command: .moveUp, help: "move up"),
        KeyBinding(keys: [.down, .character("j")], label: "↓ j", command: .moveDown, help: "move down"),
        KeyBinding(keys: [.left, .character("h")], label: "← h", command: .moveLeft, help: "move left (hex: a word back)"),
        KeyBinding(keys: [.right, .character("l")], label: "→ l", command: .moveRight, help: "move right (hex: next word)"),
        KeyBinding(keys: [.pageUp], label: "PgUp", command: .pageUp, help: "a screen up"),
        KeyBinding(keys: [.pageDown], label: "PgDn", command: .pageDown, help: "a screen down"),
        KeyBinding(keys: [.home], label: "Home", command: .home, help: "to the first page/range/byte"),
        KeyBinding(keys: [.end], label: "End", command: .end, help: "to the last page/range/byte"),
        KeyBinding(keys: [.tab], label: "Tab", command: .nextPane, help: "next pane"),
        KeyBinding(keys: [.backTab], label: "S-Tab", command: .previousPane, help: "previous pane"),
        KeyBinding(keys: [.enter], label: "Enter", command: .activate, help: "open / go to / follow pointer"),
        KeyBinding(keys: [.backspace], label: "Bksp", command: .back, help: "back along followed pointers"),
        KeyBinding(keys: [.character("g")], label: "g", command: .gotoAddress, help: "go to an address"),
        KeyBinding(keys: [.character("/")], label: "/", command: .search, help: "search hex bytes: de c0 a5"),
        KeyBinding(keys: [.character("c")], label: "c", command: .setChainOffset, help: "chain through the cursor word"),
        KeyBinding(keys: [.character("v")], label: "v", command: .viewAsType, help: "view the cursor as a type"),
        KeyBinding(keys: [.character("f")], label: "f", command: .toggleFields, help: "fields or chain in the pane"),
        KeyBinding(keys: [.character("n")], label: "n", command: .chainThroughField, help: "chain via the selected field"),
        KeyBinding(keys: [.character("w")], label: "w", command: .togglePointerWidth, help: "32-bit pointers on/off"),
        KeyBinding(keys: [.character("o")], label: "o", command: .nextRoot, help: "next structure root"),
        KeyBinding(keys: [.character("+"), .character("=")], label: "+", command: .zoomIn, help: "zoom in: fewer pages a cell"),
        KeyBinding(keys: [.character("-")], label: "-", command: .zoomOut, help: "zoom out: more pages a cell"),
        KeyBinding(keys: [.character("s")], label: "s", command: .toggleSort, help: "sort ranges: address/size"),
        KeyBinding(keys: [.character("p"), .character(" ")], label: "p", command: .togglePause, help: "pause/resume (replay: play)"),
        KeyBinding(keys: [.character("<")], label: "<", command: .slower, help: "sample (replay) half as fast"),
        KeyBinding(keys: [.character(">")], label: ">", command: .faster, help: "sample (replay) twice as fast"),
        KeyBinding(keys: [.character("r")], label: "r", command: .toggleRecording, help: "start or stop recording"),
        KeyBinding(keys: [.character(".")], label: ".", command: .stepForward, help: "replay: next frame"),
        KeyBinding(keys: [.character(",")], label: ",", command: .stepBack, help: "replay: previous frame"),
        KeyBinding(keys: [.character("]")], label: "]", command: .jumpForward, help: "replay: 10 frames on"),
        KeyBinding(keys: [.character("[")], label: "[", command: .jumpBack, help: "replay: 10 frames back"),
        KeyBinding(keys: [.character("t")], label: "t", command: .seekFrame, help: "replay: go to a frame or time"),
        KeyBinding(keys: [.character("?")], label: "?", command: .help, help: "this help"),
        KeyBinding(keys: [.escape], label: "Esc", command: .closeOverlay, help: "close help or a prompt"),
        KeyBinding(keys: [.character("q")], label: "q", command: .quit, help: "quit"),
    ]

    public static func command(for event: InputEvent) -> Command? {
        all.first { $0.keys.contains(event) }?.command
    }
}
