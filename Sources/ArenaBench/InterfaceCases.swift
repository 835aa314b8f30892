import ArenaModel
import ArenaEmulator
import ArenaUI
import Foundation

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
    BenchmarkCase(name: "a paste into the inspector (issue 21)") {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("   skipped: tmux is not installed (scripts/setup installs it)")
            return []
        }
        let session = "arenascope-bench-\(getpid())"
        let exitFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(session).exit").path
        let keysFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(session).keys").path
        defer {
            _ = try? runToEnd(tmux, ["kill-session", "-t", session])
            [exitFile, keysFile].forEach { try? FileManager.default.removeItem(atPath: $0) }
        }
        try runToEnd(
            tmux,
            [
                "new-session", "-d", "-s", session, "-x", "200", "-y", "60",
                "env TERM=xterm-256color bash -c '\(releaseBinary) demo --theme mono; echo $? > \(exitFile); sleep 60'",
            ])
        Thread.sleep(forTimeInterval: 2)
        try (String(repeating: "j", count: 10_000) + String(repeating: "k", count: 10_000) + "q").write(toFile: keysFile, atomically: true, encoding: .utf8)
        try runToEnd(tmux, ["load-buffer", keysFile])
        let start = monotonicSeconds()
        try runToEnd(tmux, ["paste-buffer", "-t", session])
        while (try? String(contentsOfFile: exitFile, encoding: .utf8))?.isEmpty ?? true {
            guard monotonicSeconds() - start < 120 else { throw BenchError("the inspector had not drained the paste after 120 s") }
            usleep(10_000)
        }
        return [Figure(name: "20,001 pasted keys, the last q, to exit", value: monotonicSeconds() - start, unit: "s", target: 1, higherIsBetter: false)]
    },
]
