/// A key or mouse event, independent of the terminal library.
public enum InputEvent: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, backspace, escape
    /// A click at screen column x, row y.
    case click(x: Int, y: Int)
    case resize(width: Int, height: Int)
}

/// What the front end should do after an event (htop's reaction style).
public enum Reaction: Equatable, Sendable {
    case none
    case redraw
    case quit
}
