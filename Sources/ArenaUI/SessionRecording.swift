import ArenaModel

/// Recording from inside the inspector (`r`): the front end supplies it, the app calls
/// it with every new sample while it records.
public protocol SessionRecording: AnyObject {
    var isRecording: Bool { get }
    /// Frames written by the recording in progress.
    var frameCount: Int { get }
    /// Starts recording with `snapshot` as the first frame; returns what to tell the user.
    func start(with snapshot: Snapshot, from source: ArenaSource) -> String
    /// Adds a frame; returns a problem to show, or nil.
    func record(_ snapshot: Snapshot, from source: ArenaSource) -> String?
    /// Finishes the file; returns what to tell the user.
    func stop() -> String
}
