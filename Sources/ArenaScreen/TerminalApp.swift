/// What the terminal front end drives: something that samples, draws and reacts.
public protocol TerminalApp: AnyObject {
    /// Does due background work (sampling); true when the screen should change.
    func tick() -> Bool
    /// Seconds until `tick` has work again.
    var secondsUntilWork: Double { get }
    func handle(_ event: InputEvent) -> Reaction
    func render() -> CellGrid
}
