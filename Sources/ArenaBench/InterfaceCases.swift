import ArenaModel
import ArenaEmulator
import ArenaUI

let interfaceCases: [BenchmarkCase] = [
    BenchmarkCase(name: "terminal UI frame (issue 4)") {
        // A 1,048,576-page arena fragmented by the churn workload.
        let source = try EmulatedSource(workload: "churn", seed: 3, pages: 1 << 20)
        source.advance(40_000)
        let backend = SamplingBackend(source: source, interval: 0.1, clock: monotonicSeconds)
        backend.sampleNow()
        let app = InspectorApp(backend: backend, width: 200, height: 60)
        _ = app.render()
        let ranges = backend.latest!.stats.freeRanges
        let frame = medianSeconds(repeats: 21) { _ = app.render() }
        let input = medianSeconds(repeats: 21) {
            _ = app.handle(.right)
            _ = app.render()
        }
        // A new sample changes everything a frame shows: time sample-to-screen as well.
        let sampled = medianSeconds(repeats: 11) {
            source.advance(10)
            app.absorb(backend.sampleNow())
            _ = app.render()
        }
        return [
            Figure(name: "full frame, 1M pages (\(ranges) free ranges), 200x60", value: frame * 1000, unit: "ms", target: 2, higherIsBetter: false),
            Figure(name: "key to rendered frame", value: input * 1000, unit: "ms", target: 16, higherIsBetter: false),
            Figure(name: "new sample to rendered frame (sampling included)", value: sampled * 1000, unit: "ms", target: 16, higherIsBetter: false),
        ]
    },
]
