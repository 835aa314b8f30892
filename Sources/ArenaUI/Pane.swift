import ArenaScreen

/// One pane of the inspector (htop's `Panel`): it owns its scroll position, selection and
/// settings, handles the commands bound to it and movement while it has the focus, fits its
/// scroll position to its rectangle in `layout`, and draws in `render`, which only reads.
/// What panes share (the sample, the cursor, page bytes, types) lives in `InspectorApp`.
protocol Pane: AnyObject {
    /// The keys of the commands this pane's place handles, whichever pane has the focus; a
    /// pane that shares a place (roots, objects, fields) handles its place's commands.
    static var bindings: [KeyBinding] { get }
    /// The command bound to this pane, or a movement while it has the focus.
    func perform(_ command: Command, in app: InspectorApp)
    /// Fits scroll positions to `rect` before the pane is drawn or moved in.
    func layout(_ rect: Rect, in app: InspectorApp)
    /// Draws the pane in `rect`; it reads the pane's state and never writes it.
    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid)
    /// A click at screen cell (x, y) inside `rect`.
    func click(x: Int, y: Int, in rect: Rect, app: InspectorApp)
}

extension Pane {
    static var bindings: [KeyBinding] { [] }
    func click(x: Int, y: Int, in rect: Rect, app: InspectorApp) {}
}

/// Why a pane cannot show what it was asked to, as text to show in its place.
struct PaneError: Error, Equatable {
    let text: String
    init(_ text: String) { self.text = text }
}
