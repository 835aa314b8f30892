/// How a failed sample should be treated.
public enum SampleFailureKind: Sendable {
    /// The source changed during the sample; trying again may succeed.
    case torn
    /// The arena is gone for good.
    case gone
    /// Anything else.
    case other
}

/// Errors that tell the sampling backend what kind of failure they are.
public protocol ClassifiedSampleError: Error {
    var sampleFailureKind: SampleFailureKind { get }
}

/// What one call of the backend produced.
public enum SampleOutcome {
    /// A new snapshot.
    case sampled(Snapshot)
    /// The arena went away; the last snapshot is kept.
    case gone(String)
    /// The sample failed (torn every time, or another error); the last snapshot is kept.
    case failed(String)
}

/// Takes samples from a source at an interval, times them, retries torn ones, keeps the
/// last good snapshot and notices when the arena goes away. It never throws: every
/// failure becomes an outcome, so a front end can keep drawing.
public final class SamplingBackend {
    public let source: ArenaSource
    /// Seconds between samples (default 0.1: 10 Hz).
    public var interval: Double
    /// Runs before each sample: an emulated workload's steps, a live demo's workload.
    public var driver: (() -> Void)?
    /// No samples are taken while paused.
    public var isPaused = false
    /// Attempts per sample before a torn sample is reported.
    public var attempts = 3

    public private(set) var latest: Snapshot?
    public private(set) var previous: Snapshot?
    /// Seconds the last sample took, retries included.
    public private(set) var lastLatency: Double = 0
    public private(set) var sampleCount = 0
    public private(set) var tornCount = 0
    /// Set once the arena is gone, with the reason.
    public private(set) var goneReason: String?
    /// The last failure that was not "gone", cleared by the next good sample.
    public private(set) var lastError: String?
    private var lastSampleTime = -Double.infinity
    private let clock: () -> Double

    public init(source: ArenaSource, interval: Double = 0.1, clock: @escaping () -> Double) {
        self.source = source
        self.interval = interval
        self.clock = clock
    }

    /// True when sampling stopped because the arena is gone.
    public var isGone: Bool { goneReason != nil }

    /// Seconds until the next sample is due (0 when due now, infinity when paused or gone).
    public var timeUntilNextSample: Double {
        guard !isPaused, !isGone else { return .infinity }
        return max(0, lastSampleTime + interval - clock())
    }

    /// Samples if the interval has passed; returns the outcome, or nil when nothing was due.
    public func tick() -> SampleOutcome? {
        guard timeUntilNextSample == 0 else { return nil }
        return sampleNow()
    }

    /// Takes a sample now, running the driver first unless `runningDriver` is false (the
    /// first look at a source, or a recording moved by hand).
    @discardableResult
    public func sampleNow(runningDriver: Bool = true) -> SampleOutcome {
        if let goneReason { return .gone(goneReason) }
        if runningDriver { driver?() }
        let start = clock()
        defer {
            lastLatency = clock() - start
            lastSampleTime = start
        }
        var lastFailure = "no attempt"
        for _ in 0..<max(1, attempts) {
            do {
                let snapshot = try source.sample()
                previous = latest
                latest = snapshot
                sampleCount += 1
                lastError = nil
                return .sampled(snapshot)
            } catch let error as ClassifiedSampleError where error.sampleFailureKind == .gone {
                goneReason = String(describing: error)
                return .gone(goneReason!)
            } catch let error as ClassifiedSampleError where error.sampleFailureKind == .torn {
                tornCount += 1
                lastFailure = String(describing: error)
            } catch {
                lastError = String(describing: error)
                return .failed(lastError!)
            }
        }
        lastError = lastFailure
        return .failed(lastFailure)
    }

    /// What changed between the two latest snapshots, when there are two.
    public var lastDiff: SnapshotDiff? {
        guard let previous, let latest else { return nil }
        return SnapshotDiff(from: previous, to: latest)
    }
}
