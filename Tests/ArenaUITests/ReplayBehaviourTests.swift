import ArenaEmulator
import ArenaModel
import ArenaRecording
import Foundation
import Testing
import ArenaUI
import ArenaText

/// The inspector on a recording: timeline keys, playback, bytes as they were.
final class ReplayFixture: DrivesInspector {
    var now = 0.0
    let path: String
    let source: ReplaySource
    let backend: SamplingBackend
    let app: InspectorApp
    /// The emulated snapshots the recording was made of, and the bytes of their written pages, by frame.
    let expected: [Snapshot]
    let expectedBytes: [[UInt32: [UInt8]]]

    init(frames: Int = 30, width: Int = 100, height: Int = 30, bytesMode: BytesMode = .all) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-ui-\(UUID().uuidString).arec").path
        let emulated = try EmulatedSource(workload: "churn", seed: 2, pages: 2048)
        var snapshots: [Snapshot] = []
        var bytes: [[UInt32: [UInt8]]] = []
        var writer: RecordingWriter?
        for frame in 0..<frames {
            emulated.advance(4)
            let snapshot = emulated.sample()
            if writer == nil {
                writer = try RecordingWriter(
                    path: path,
                    header: RecordingHeader(
                        geometry: snapshot.geometry, source: snapshot.source, bytesMode: bytesMode, keyframeInterval: 8, frameInterval: 0.1, createdAt: 0))
            }
            try writer!.append(snapshot, time: Double(frame) / 10, source: emulated)
            snapshots.append(snapshot)
            bytes.append(emulated.arena.writtenPages)
        }
        try writer!.finish()
        expected = snapshots
        expectedBytes = bytes
        source = try ReplaySource(reader: RecordingReader(path: path), name: "ui.arec")
        var clock = { 0.0 }
        backend = SamplingBackend(source: source, clock: { clock() })
        backend.sampleNow(runningDriver: false)
        app = InspectorApp(backend: backend, width: width, height: height)
        clock = { [unowned self] in now }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Lets time pass and runs whatever sampling is due, like the terminal loop.
    func play(seconds: Double) {
        let end = now + seconds
        while now < end {
            now += 0.05
            _ = app.tick()
        }
    }
}

@Suite struct ReplayBehaviourTests {
    @Test func stepsJumpsAndSeeksShowTheRecordedFrames() throws {
        let fixture = try ReplayFixture()
        #expect(fixture.backend.latest?.pages == fixture.expected[0].pages)
        fixture.press(.character("."), .character("."), .character("."))
        #expect(fixture.source.position == 3)
        #expect(fixture.backend.latest?.pages == fixture.expected[3].pages)
        fixture.press(.character(","))
        #expect(fixture.source.position == 2)
        fixture.press(.character("]"), .character("]"))
        #expect(fixture.source.position == 22)
        fixture.press(.character("["))
        #expect(fixture.source.position == 12)
        #expect(fixture.backend.latest?.pages == fixture.expected[12].pages)
        fixture.press(.character("t"))
        fixture.type("2.55s")
        fixture.press(.enter)
        #expect(fixture.source.position == 25, "the last frame at or before 2.55 s")
        fixture.press(.character("t"))
        fixture.type("7")
        fixture.press(.enter)
        #expect(fixture.source.position == 7)
        fixture.press(.character("t"))
        fixture.type("soon")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("neither a frame number nor a time"))
        fixture.press(.character("t"))
        fixture.type("500")
        fixture.press(.enter)
        #expect(fixture.source.position == 29)
        #expect(fixture.screen.status.contains(" the last frame is 29 │"))
    }

    @Test func playbackRunsAtTheRecordedPaceAndStopsAtTheEnd() throws {
        let fixture = try ReplayFixture()
        fixture.press(.character("p"))
        #expect(!fixture.backend.isPaused)
        fixture.play(seconds: 1.0)
        #expect((9...11).contains(fixture.source.position), "ten frames a second: \(fixture.source.position)")
        fixture.press(.character(">"))
        #expect(fixture.screen.lines[28].contains(" · ×2 "), "the timeline shows the speed")
        fixture.play(seconds: 1.0)
        #expect((28...29).contains(fixture.source.position), "twenty frames a second: \(fixture.source.position)")
        fixture.play(seconds: 1.0)
        #expect(fixture.source.position == 29)
        #expect(fixture.backend.isPaused, "playback stops at the last frame")
        #expect(fixture.screen.status.contains(" end of the recording │"))
        fixture.press(.character("p"))
        #expect(fixture.source.position == 0 && !fixture.backend.isPaused, "playing again starts over")
    }

    @Test func theHexdumpShowsBytesAsTheyWereAtTheFrame() throws {
        let fixture = try ReplayFixture()
        fixture.press(.character("t"))
        fixture.type("17")
        fixture.press(.enter)
        let snapshot = try #require(fixture.backend.latest)
        let written = fixture.expectedBytes[17]
        for (page, bytes) in written.sorted(by: { $0.key < $1.key }).prefix(4) {
            let start = snapshot.geometry.address(ofPage: page)
            fixture.press(.character("g"))
            fixture.type(hex(start))
            fixture.press(.enter)
            let lines = fixture.screen.lines
            for row in 0..<4 {
                let prefix = "│" + Hexdump.paddedHex(start + UInt64(row * 16), width: 12)
                let shown = bytes[row * 16..<row * 16 + 16].map(Hexdump.hexByte).joined(separator: " ")
                #expect(lines.contains { $0.hasPrefix(prefix) && $0.contains(shown) }, "page \(page) row \(row)")
            }
        }
        #expect(!written.isEmpty)
        #expect(snapshot.source.kind == .replay)
    }

    @Test func pagesWhoseBytesWereNotRecordedSaySo() throws {
        let fixture = try ReplayFixture(frames: 3, bytesMode: .none)
        let text = fixture.app.render().text
        #expect(text.contains("its bytes were not recorded (bytes mode 'none')"))
        #expect(!text.contains("nothing is behind it"), "the page is backed: only its bytes are missing")
    }

    @Test func timelineRowAndStatusAt100x30() throws {
        let fixture = try ReplayFixture()
        fixture.press(.character("t"))
        fixture.type("12")
        fixture.press(.enter)
        let text = fixture.app.render().text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[28].hasPrefix(" ❚❚ frame 12/29 · 1.2s/2.9s · ×1 "))
        #expect(lines[28].contains("●"))
        #expect(lines[29].contains("replay ui.arec emulated churn seed 2 steps 52"))
        try assertSnapshot(text, named: "replay-100x30")
    }

    @Test func recordingKeysSayWhatTheyCanDo() throws {
        let fixture = try ReplayFixture()
        fixture.press(.character("r"))
        #expect(fixture.screen.status.contains(" this is already a recording │"))
        let live = try Fixture()
        live.press(.character("t"))
        #expect(live.screen.status.contains("only a recording has frames"))
        live.press(.character("r"))
        #expect(live.screen.status.contains(" recording is not available here │"))
        let recorder = CountingRecording()
        live.app.recording = recorder
        live.press(.character("r"))
        #expect(recorder.isRecording && live.screen.status.contains(" started │"))
        live.step()
        live.step()
        #expect(recorder.frameCount == 3, "the first frame and two samples")
        #expect(live.app.render().text.contains("● REC 3"))
        live.press(.character("r"))
        #expect(!recorder.isRecording && live.screen.status.contains(" stopped after 3 │"))
    }
}

/// A recording stand-in that counts frames.
final class CountingRecording: SessionRecording {
    var isRecording = false
    var frameCount = 0
    func start(with snapshot: Snapshot, from source: ArenaSource) -> String {
        isRecording = true
        frameCount = 1
        return "started"
    }
    func observe(_ snapshot: Snapshot, from source: ArenaSource) {
        guard isRecording else { return }
        frameCount += 1
    }
    func stop() -> String {
        isRecording = false
        return "stopped after \(frameCount)"
    }
}
