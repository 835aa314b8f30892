/// How a failed sample should be treated.
public enum SampleFailureKind: Sendable {
    /// The source changed during the sample; trying again may succeed.
    case torn
    /// The arena is gone for good.
    case gone
    /// Anything else.
    case other
}

/// Errors that tell the sampling backend what kind of failure they are. Sources report;
/// the backend decides what to do (retry, stop, keep the last snapshot).
public protocol ClassifiedSampleError: Error {
    var sampleFailureKind: SampleFailureKind { get }
}

extension SampleFailureKind {
    /// The kind of `error`: its own where it says, else `.other`.
    public init(of error: any Error) {
        self = (error as? ClassifiedSampleError)?.sampleFailureKind ?? .other
    }
}

/// What one call of the backend produced.
public enum SampleOutcome {
    /// A new snapshot.
    case sampled(Snapshot)
    /// The arena went away; the last snapshot is kept.
    case gone(any Error)
    /// The sample failed (torn every time, or another error); the last snapshot is kept.
    case failed(any Error)
}

/// Something that sees every sample the backend takes, with the source it came from: a
/// recording. An observer that throws a torn error has the whole sample taken again (the
/// arena changed between the sample and the observer's reading of its pages); any other
/// error is the observer's to report and leaves the sample standing.
public protocol SampleObserver: AnyObject {
    func observe(_ snapshot: Snapshot, from source: ArenaSource) throws
}

/// The one owner of sampling: takes samples from a source at an interval, runs the source's
/// workload between them, times them, retries torn ones, keeps the last good snapshot,
/// notices when the arena goes away and hands each sample to its observers, whose page
/// reads and everyone else's go through `reads`, once a page a sample. It never
/// throws: every failure becomes an outcome, so a front end can keep drawing.
public final class SamplingBackend {
    public let source: ArenaSource
    /// The source's pages as read in the latest sample, once each (the observers' source).
    public let reads: SampleReads
    /// Seconds between samples (default 0.1: 10 Hz).
    public var interval: Double
    /// Runs before each sample: a live demo's workload, a recording's next frame.
    public var driver: (() -> Void)?
    /// No samples are taken while paused.
    public var isPaused = false
    /// Attempts per sample before a torn sample is reported.
    public var attempts = 5
    /// Told of every sample, in order.
    public private(set) var observers: [SampleObserver] = []

    public private(set) var latest: Snapshot?
    public private(set) var previous: Snapshot?
    /// Seconds the last sample took, retries included.
    public private(set) var lastLatency: Double = 0
    public private(set) var sampleCount = 0
    /// Attempts that found the source changing under them.
    public private(set) var tornCount = 0
    /// Set once the arena is gone, with the reason.
    public private(set) var goneReason: String?
    /// The last failure that was not "gone", cleared by the next good sample.
    public private(set) var lastError: String?
    private var lastSampleTime = -Double.infinity
    private let clock: () -> Double

    /// `workloadSteps` is how far a source that runs its own workload moves between samples.
    public init(source: ArenaSource, interval: Double = 0.1, workloadSteps: UInt64 = 0, clock: @escaping () -> Double) {
        self.source = source
        reads = SampleReads(source)
        self.interval = interval
        self.clock = clock
        if workloadSteps > 0, source.capabilities.contains(.workload) {
            driver = { [unowned source] in source.advance(workloadSteps) }
        }
    }

    public func addObserver(_ observer: SampleObserver) { observers.append(observer) }

    /// The seconds between samples that `--interval` accepts and `<`/`>` keep to.
    public static let intervals: ClosedRange<Double> = 0.01...60

    /// Samples `factor` times as far apart, kept inside `intervals`; an interval already
    /// outside them (a recording's frames) only moves toward them, never the other way.
    public func scaleInterval(by factor: Double) {
        let scaled = interval * factor
        interval = factor < 1 ? min(interval, max(Self.intervals.lowerBound, scaled)) : max(interval, min(Self.intervals.upperBound, scaled))
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
        if let goneReason { return .gone(SourceGone(reason: goneReason)) }
        if runningDriver { driver?() }
        let start = clock()
        defer {
            lastLatency = clock() - start
            lastSampleTime = start
        }
        var lastTorn: any Error = SourceGone(reason: "no attempt")
        for _ in 0..<max(1, attempts) {
            let snapshot: Snapshot
            do {
                snapshot = try reads.sample()
            } catch {
                switch SampleFailureKind(of: error) {
                case .gone:
                    goneReason = String(describing: error)
                    return .gone(error)
                case .torn:
                    tornCount += 1
                    lastTorn = error
                    continue
                case .other:
                    lastError = String(describing: error)
                    return .failed(error)
                }
            }
            if let torn = notifyObservers(snapshot) {
                tornCount += 1
                lastTorn = torn
                continue
            }
            previous = latest
            latest = snapshot
            sampleCount += 1
            return .sampled(snapshot)
        }
        let failure = TornEveryTime(attempts: max(1, attempts), last: lastTorn)
        lastError = failure.description
        return .failed(failure)
    }

    /// Hands `snapshot` to every observer; returns the error of one that found it torn.
    /// Any other observer error is shown as the last error and the sample stands.
    private func notifyObservers(_ snapshot: Snapshot) -> (any Error)? {
        lastError = nil
        for observer in observers {
            do {
                try observer.observe(snapshot, from: reads)
            } catch {
                if SampleFailureKind(of: error) == .torn { return error }
                lastError = String(describing: error)
            }
        }
        return nil
    }

    /// A sample now, or the error that kept it from being taken (for one-shot commands).
    public func snapshot() throws -> Snapshot {
        switch sampleNow(runningDriver: false) {
        case .sampled(let snapshot): return snapshot
        case .gone(let error), .failed(let error): throw error
        }
    }

    /// What changed between the two latest snapshots, when there are two.
    public var lastDiff: SnapshotDiff? {
        guard let previous, let latest else { return nil }
        return SnapshotDiff(from: previous, to: latest)
    }
}

/// The arena went away before this sample (the reason the first time is kept).
public struct SourceGone: ClassifiedSampleError, CustomStringConvertible {
    public let reason: String
    public var sampleFailureKind: SampleFailureKind { .gone }
    public var description: String { reason }
}

/// Every attempt of a sample found the source changing under it.
public struct TornEveryTime: Error, CustomStringConvertible {
    public let attempts: Int
    /// What the last attempt said.
    public let last: any Error
    public var description: String { "\(last) (\(attempts) attempts)" }
}
