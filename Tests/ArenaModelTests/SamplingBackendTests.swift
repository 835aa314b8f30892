import ArenaModel
import Testing

/// A source that answers each sample from a script: a snapshot, a torn walk, an error, gone.
final class ScriptedSource: ArenaSource {
    enum Answer { case snapshot, torn, fails, gone }
    struct Failure: ClassifiedSampleError, CustomStringConvertible {
        let sampleFailureKind: SampleFailureKind
        var description: String { "scripted \(sampleFailureKind)" }
    }

    var script: [Answer]
    private(set) var samples = 0
    private(set) var steps: UInt64 = 0
    let geometry = ArenaGeometry(maxPages: 4, userVMStart: 0x1000_0000, flags: .mmapable)

    init(_ script: [Answer]) { self.script = script }

    var descriptor: SourceDescriptor { SourceDescriptor(kind: .emulated) }
    var capabilities: SourceCapabilities { [.workload] }

    func sample() throws -> Snapshot {
        samples += 1
        let answer = script.isEmpty ? .snapshot : script.removeFirst()
        switch answer {
        case .snapshot:
            var builder = PageMapBuilder()
            builder.append(.allocated, count: UInt32(samples % 4))
            return Snapshot(source: descriptor, geometry: geometry, pages: builder.build(pageCount: 4))
        case .torn: throw Failure(sampleFailureKind: .torn)
        case .fails: throw Failure(sampleFailureKind: .other)
        case .gone: throw Failure(sampleFailureKind: .gone)
        }
    }

    func pageBytes(_ page: UInt32) throws -> [UInt8] { [UInt8](repeating: 0, count: 4096) }
    func advance(_ steps: UInt64) { self.steps += steps }
}

/// An observer that finds the first `tornTimes` samples torn, then fails once with another error.
final class ScriptedObserver: SampleObserver {
    var tornTimes: Int
    var failsOnce: Bool
    private(set) var seen = 0

    init(tornTimes: Int = 0, failsOnce: Bool = false) {
        self.tornTimes = tornTimes
        self.failsOnce = failsOnce
    }

    func observe(_ snapshot: Snapshot, from source: ArenaSource) throws {
        seen += 1
        if tornTimes > 0 {
            tornTimes -= 1
            throw ScriptedSource.Failure(sampleFailureKind: .torn)
        }
        if failsOnce {
            failsOnce = false
            throw ScriptedSource.Failure(sampleFailureKind: .other)
        }
    }
}

@Suite struct SamplingBackendTests {
    @Test func tornSamplesAreTakenAgainUpToTheAttempts() {
        let source = ScriptedSource([.torn, .torn, .snapshot])
        let backend = SamplingBackend(source: source, clock: { 0 })
        guard case .sampled = backend.sampleNow() else { Issue.record("a sample torn twice then whole is whole"); return }
        #expect(source.samples == 3 && backend.tornCount == 2 && backend.sampleCount == 1 && backend.lastError == nil)

        source.script = Array(repeating: .torn, count: backend.attempts)
        guard case .failed(let error) = backend.sampleNow() else { Issue.record("torn every time is a failure"); return }
        #expect(error is TornEveryTime && "\(error)".contains("(\(backend.attempts) attempts)"))
        #expect(source.samples == 3 + backend.attempts, "no attempt beyond the limit")
        #expect(backend.latest != nil && backend.sampleCount == 1, "the last good snapshot stays")
        #expect(backend.lastError?.contains("scripted torn") == true)
    }

    @Test func otherFailuresAreNotRetriedAndTheNextGoodSampleClearsThem() {
        let source = ScriptedSource([.snapshot, .fails])
        let backend = SamplingBackend(source: source, clock: { 0 })
        backend.sampleNow()
        guard case .failed = backend.sampleNow() else { Issue.record("a failure is reported"); return }
        #expect(source.samples == 2, "one attempt only")
        #expect(backend.lastError == "scripted other" && backend.latest != nil)
        backend.sampleNow()
        #expect(backend.lastError == nil && backend.sampleCount == 2)
    }

    @Test func aGoneArenaStaysGoneWithItsLastSnapshot() {
        let source = ScriptedSource([.snapshot, .gone])
        var now = 0.0
        let backend = SamplingBackend(source: source, interval: 0.1, clock: { now })
        backend.sampleNow()
        let last = backend.latest
        guard case .gone = backend.sampleNow() else { Issue.record("gone is reported"); return }
        #expect(backend.isGone && backend.goneReason == "scripted gone")
        #expect(backend.latest?.pages == last?.pages)
        now += 10
        #expect(backend.timeUntilNextSample == .infinity, "no more samples are due")
        guard case .gone = backend.sampleNow() else { Issue.record("still gone"); return }
        #expect(source.samples == 2, "a gone source is not asked again")
    }

    @Test func samplesFallDueAtTheIntervalAndTheWorkloadMovesBetweenThem() {
        let source = ScriptedSource([])
        var now = 0.0
        let backend = SamplingBackend(source: source, interval: 0.1, workloadSteps: 7, clock: { now })
        #expect(backend.tick() != nil, "the first sample is due at once")
        #expect(source.steps == 7)
        #expect(backend.tick() == nil)
        now = 0.05
        #expect(backend.timeUntilNextSample == 0.05)
        now = 0.1
        #expect(backend.tick() != nil && source.steps == 14)
        backend.isPaused = true
        now = 5
        #expect(backend.tick() == nil && backend.timeUntilNextSample == .infinity)
        backend.scaleInterval(by: 1000)
        #expect(backend.interval == 60)
        backend.scaleInterval(by: 0.0001)
        #expect(backend.interval == 0.01, "the range --interval accepts")
    }

    /// At the ends of the range `>` is never slower and `<` never faster, however the interval got there.
    @Test(arguments: [0.01, 0.005, 60.0, 120.0]) func scalingNeverGoesTheWrongWay(interval: Double) {
        let backend = SamplingBackend(source: ScriptedSource([]), interval: interval, clock: { 0 })
        backend.scaleInterval(by: 0.5)
        #expect(backend.interval <= interval, "faster from \(interval) s gave \(backend.interval) s")
        let faster = backend.interval
        backend.scaleInterval(by: 2)
        #expect(backend.interval >= faster, "slower from \(faster) s gave \(backend.interval) s")
    }

    @Test func observersSeeEverySampleAndATornObserverRetakesIt() {
        let source = ScriptedSource([])
        let backend = SamplingBackend(source: source, clock: { 0 })
        let observer = ScriptedObserver(tornTimes: 2, failsOnce: true)
        backend.addObserver(observer)
        guard case .sampled = backend.sampleNow() else { Issue.record("sampled after two torn observations"); return }
        #expect(source.samples == 3 && observer.seen == 3 && backend.tornCount == 2)
        #expect(backend.lastError == "scripted other", "another observer error is shown and the sample stands")
        #expect(backend.sampleCount == 1)
        backend.sampleNow()
        #expect(backend.lastError == nil && observer.seen == 4)
    }

    @Test func oneShotSnapshotsThrowTheSourcesError() throws {
        let backend = SamplingBackend(source: ScriptedSource([.fails]), clock: { 0 })
        #expect(throws: ScriptedSource.Failure.self) { _ = try backend.snapshot() }
        #expect(try backend.snapshot().pages.pageCount == 4)
    }
}
