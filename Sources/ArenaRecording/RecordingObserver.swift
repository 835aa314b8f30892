import ArenaModel

/// Writes every sample a sampling backend takes into a recording: the backend's observer.
/// A page that cannot be read while a frame is written (the arena changed since the sample)
/// makes the sample torn, so the backend takes it again; a file that cannot be written
/// stops the recording, and `failure` says why.
public final class RecordingObserver: SampleObserver {
    public let writer: RecordingWriter
    /// Seconds since recording began, for the frame being written.
    private let time: () -> Double
    /// Counts each frame's objects by type (the object map's totals); nil, or a nil count
    /// (a walk past its bounds): not counted.
    public typealias Tally = (Snapshot, ArenaSource) throws -> [TypeTally]?
    private let tally: Tally?
    /// What stopped the recording, if anything did.
    public private(set) var failure: RecordingError?

    public init(
        writer: RecordingWriter, time: @escaping () -> Double,
        tally: Tally? = nil
    ) {
        self.writer = writer
        self.time = time
        self.tally = tally
    }

    public func observe(_ snapshot: Snapshot, from source: ArenaSource) throws {
        guard failure == nil else { return }
        do {
            try writer.append(snapshot, time: time(), source: source, tallies: try tally?(snapshot, source) ?? nil)
        } catch let error as RecordingError {
            failure = error
            throw error
        } catch {
            guard SampleFailureKind(of: error) == .other else { throw error }
            throw PagesChangedWhileRecorded(reason: String(describing: error))
        }
    }
}

/// A page of the sample could not be read for its frame: the sample is taken again.
public struct PagesChangedWhileRecorded: ClassifiedSampleError, CustomStringConvertible {
    public let reason: String
    public var sampleFailureKind: SampleFailureKind { .torn }
    public var description: String { "frame not recorded: \(reason)" }
}
