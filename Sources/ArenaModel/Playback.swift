/// Moving along a recording: the one owner of its position, its speed and the pause at its
/// end. It starts paused; playing, each sample of the backend is the next frame, at the
/// pace the frames were taken times the speed.
public final class Playback {
    public let timeline: Timeline
    private let backend: SamplingBackend

    /// Makes `backend` (whose source is `timeline`) follow the recording.
    public init(timeline: Timeline, backend: SamplingBackend) {
        self.timeline = timeline
        self.backend = backend
        backend.interval = timeline.frameInterval
        backend.isPaused = true
        backend.driver = { [unowned timeline] in timeline.seek(to: timeline.position + 1) }
    }

    public var isPlaying: Bool { !backend.isPaused }
    public var position: Int { timeline.position }
    public var lastFrame: Int { max(0, timeline.frameCount - 1) }
    public var isAtEnd: Bool { timeline.position >= lastFrame }

    /// Replay speed relative to the recording's own pace.
    public var speed: Double { timeline.frameInterval / backend.interval }

    /// Plays `factor` times as fast (within the backend's 25 ms to 10 s between frames).
    public func changeSpeed(by factor: Double) {
        backend.scaleInterval(by: 1 / factor)
    }

    /// Plays or pauses; at the end, playing starts again from the first frame.
    /// Returns the sample taken when it starts over.
    public func togglePlaying() -> SampleOutcome? {
        var restarted: SampleOutcome?
        if backend.isPaused && isAtEnd { restarted = show(frame: 0, pausing: false) }
        backend.isPaused.toggle()
        return restarted
    }

    /// Shows frame `frame` (clamped) now, pausing when asked.
    public func show(frame: Int, pausing: Bool) -> SampleOutcome {
        if pausing { backend.isPaused = true }
        timeline.seek(to: frame)
        return backend.sampleNow(runningDriver: false)
    }

    /// Moves `frames` on (back when negative).
    public func step(_ frames: Int, pausing: Bool) -> SampleOutcome {
        show(frame: timeline.position + frames, pausing: pausing)
    }

    /// Called after each sample: playing past the last frame pauses there. True when it did.
    public func pauseAtEnd() -> Bool {
        guard isPlaying, isAtEnd else { return false }
        backend.isPaused = true
        return true
    }
}
