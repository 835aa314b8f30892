/// A source with frames in time (a recording): the inspector shows a timeline for it and
/// moves along it instead of sampling.
public protocol Timeline: AnyObject {
    var frameCount: Int { get }
    /// The frame the next sample shows.
    var position: Int { get }
    /// Nominal seconds between frames when they were taken.
    var frameInterval: Double { get }
    /// Seconds from the first frame to `frame`.
    func time(ofFrame frame: Int) -> Double
    /// The last frame at or before `seconds`.
    func frame(atTime seconds: Double) -> Int
    /// Moves to `frame`, clamped to the recording.
    func seek(to frame: Int)
}
