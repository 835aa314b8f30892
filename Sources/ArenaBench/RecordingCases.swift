import ArenaEmulator
import ArenaModel
import ArenaRecording
import ArenaUI
import Foundation
import RecordingForgery

/// Records `frames` frames of the churn workload on a 65,536-page arena (or `pages`), ten
/// workload steps a frame (the demo's pace at 10 Hz), every page's bytes kept; returns the
/// seconds each frame took to record.
private func recordChurn(frames: Int, to path: String, bytes: BytesMode = .all, pages: UInt32 = 65_536) throws -> Double {
    let source = try EmulatedSource(workload: "churn", seed: 1, pages: pages)
    var writer: RecordingWriter?
    let start = monotonicSeconds()
    for frame in 0..<frames {
        source.advance(10)
        let snapshot = source.sample()
        if writer == nil {
            writer = try RecordingWriter(
                path: path,
                header: RecordingHeader(
                    geometry: snapshot.geometry, source: snapshot.source, bytesMode: bytes, frameInterval: 0.1, createdAt: 0), overwrite: true)
        }
        try writer!.append(snapshot, time: Double(frame) / 10, source: source)
    }
    try writer!.finish()
    return (monotonicSeconds() - start) / Double(frames)
}

private func temporaryRecording(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-bench-\(name)-\(getpid()).arec").path
}

let recordingCases: [BenchmarkCase] = [
    BenchmarkCase(name: "recording size (issue 5)") {
        let path = temporaryRecording("minute")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let perFrame = try recordChurn(frames: 600, to: path)
        let reader = try RecordingReader(path: path)
        _ = try recordChurn(frames: 600, to: path + ".states", bytes: .none)
        defer { try? FileManager.default.removeItem(atPath: path + ".states") }
        let states = try RecordingReader(path: path + ".states")
        return [
            Figure(
                name: "1 min at 10 Hz of churn, 65,536 pages: file/raw", value: Double(reader.fileSize) * 100 / Double(reader.rawSize),
                unit: "%", target: 10, higherIsBetter: false),
            Figure(
                name: "  (file \(reader.fileSize / 1024) KiB of \(reader.rawSize >> 20) MiB raw) record a frame", value: perFrame * 1000,
                unit: "ms", target: 100, higherIsBetter: false),
            Figure(
                name: "  states only (--bytes none): file/raw", value: Double(states.fileSize) * 100 / Double(states.rawSize),
                unit: "%", target: 10, higherIsBetter: false),
        ]
    },
    BenchmarkCase(name: "recording seek and replay (issue 5)") {
        let path = temporaryRecording("seek")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try recordChurn(frames: 10_000, to: path)
        var times: [Double] = []
        var generator = SeededGenerator(seed: 9)
        let reader = try RecordingReader(path: path)
        for _ in 0..<300 {
            let frame = generator.below(reader.frameCount)
            let start = monotonicSeconds()
            let (pages, _) = try reader.frame(frame)
            // The inspector shows a page's bytes with every frame: take the first backed one.
            if let run = pages.runs.first(where: { $0.state.isBacked }) { _ = try reader.pageBytes(run.first, at: frame) }
            times.append(monotonicSeconds() - start)
        }
        times.sort()
        // Replay in the inspector: next frame, then a full 200x60 frame drawn.
        let source = try ReplaySource(reader: RecordingReader(path: path), name: "bench")
        let backend = SamplingBackend(source: source, interval: source.frameInterval, clock: monotonicSeconds)
        backend.sampleNow(runningDriver: false)
        let app = InspectorApp(backend: backend, width: 200, height: 60)
        _ = app.render()
        let perFrame = medianSeconds(repeats: 301) {
            source.seek(to: source.position + 1)
            app.absorb(backend.sampleNow(runningDriver: false))
            _ = app.render()
        }
        return [
            Figure(name: "seek to a random frame of 10,000 (p99)", value: times[times.count * 99 / 100] * 1000, unit: "ms", target: 20, higherIsBetter: false),
            Figure(name: "seek to a random frame of 10,000 (worst of 300)", value: times.last! * 1000, unit: "ms", target: 20, higherIsBetter: false),
            Figure(name: "replay in the inspector, 200x60", value: 1 / perFrame, unit: "fps", target: 60, higherIsBetter: true),
        ]
    },
    BenchmarkCase(name: "the worst crafted recordings against their size (issue 21)") {
        // Frame descriptions of 64 MiB of zeros, 1,032 times smaller packed, checksums valid:
        // the most decoding a file's bytes can ask for. Each command must refuse it (65).
        let base = temporaryRecording("bomb-base")
        defer { try? FileManager.default.removeItem(atPath: base) }
        _ = try recordChurn(frames: 4, to: base, pages: 64)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base)))
        // What zlib alone takes to inflate one bomb, measured in this run: the unit of the bound.
        let bomb = 64 << 20
        let packed = RecordingForgery.packedZeros(bomb)
        let inflate = medianSeconds(repeats: 3) { RecordingForgery.inflate(packed, rawCount: bomb) }
        var figures: [Figure] = []
        for bombs in [4, 32] {
            let path = temporaryRecording("bombs-\(bombs)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let bytes = RecordingForgery.descriptionBombs(good, at: RecordingForgery.frameOffset(good, frame: 2), count: bombs, rawCount: bomb)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let described = inflate * Double(bombs)
            for arguments in [["info", path], ["info", "--verify", path], ["objects", "--replay", path, "--frame", "\(bombs + 1)"]] {
                let run = try runMeasuringPeak(releaseBinary, arguments, status: 65)
                let command = arguments.prefix { $0 != path }.joined(separator: " ")
                figures.append(
                    Figure(
                        name: "\(command), \(bytes.count / 1024) KiB describing \(bombs * 64) MiB (\(roundedText(run.seconds, places: 2)) s): vs inflating it",
                        value: run.seconds / described, unit: "x", target: 1.5, higherIsBetter: false))
                figures.append(Figure(name: "  peak memory", value: Double(run.peakResident) / 1048576, unit: "MiB", target: 160, higherIsBetter: false))
            }
        }
        return figures
    },
]
