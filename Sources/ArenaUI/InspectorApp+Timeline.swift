import ArenaModel
import ArenaText
import ArenaScreen

/// Moving along a recording, and recording from the inspector.
extension InspectorApp {
    /// Shows frame `frame` of the recording (clamped) and pauses playback when asked.
    func show(frame: Int, pausing: Bool) {
        guard let timeline else {
            message = "only a recording has frames (--replay FILE)"
            return
        }
        if pausing { backend.isPaused = true }
        timeline.seek(to: frame)
        absorb(backend.sampleNow(runningDriver: false))
    }

    func step(_ frames: Int, pausing: Bool) {
        show(frame: (timeline?.position ?? 0) + frames, pausing: pausing)
    }

    /// Plays or pauses a recording; at its end, playing starts again from the first frame.
    func togglePlayback() {
        guard let timeline else {
            backend.isPaused.toggle()
            return
        }
        if backend.isPaused && timeline.position >= timeline.frameCount - 1 { show(frame: 0, pausing: false) }
        backend.isPaused.toggle()
    }

    /// `t`: a frame number, or a time in seconds with an `s` (12.5s).
    func seek(_ text: String) {
        guard let timeline else { return }
        let trimmed = text.trimmingSpaces.lowercased()
        if trimmed.hasSuffix("s"), let seconds = Double(trimmed.dropLast()), seconds.isFinite, seconds >= 0 {
            show(frame: timeline.frame(atTime: seconds), pausing: true)
        } else if let frame = Int(trimmed), frame >= 0 {
            show(frame: frame, pausing: true)
            if frame >= timeline.frameCount { message = "the last frame is \(timeline.frameCount - 1)" }
        } else {
            message = "'\(trimmed)' is neither a frame number nor a time like 12.5s"
        }
    }

    func toggleRecording() {
        guard let recording else {
            message = timeline == nil ? "recording is not available here" : "this is already a recording"
            return
        }
        if recording.isRecording {
            message = recording.stop()
        } else if let snapshot {
            message = recording.start(with: snapshot, from: backend.source)
        }
    }

    /// Replay speed relative to the recording's own pace.
    var replaySpeed: Double {
        guard let timeline else { return 1 }
        return timeline.frameInterval / backend.interval
    }
}

/// The row above the status bar for a recording: a bar with the position, frame, time, speed.
enum TimelineBar {
    static func render(_ app: InspectorApp, _ timeline: Timeline, row: Int, _ grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), with: Cell(" ", role: .text))
        let last = max(1, timeline.frameCount - 1)
        let speed = app.replaySpeed
        let speedText = speed >= 1 ? "×\(Int(min(speed, 1e6).rounded()))" : "×1/\(Int(min(1 / speed, 1e6).rounded()))"
        let label = " \(app.backend.isPaused ? "❚❚" : "▶") frame \(timeline.position)/\(last) · \(seconds(timeline.time(ofFrame: timeline.position)))/\(seconds(timeline.time(ofFrame: last))) · \(speedText) "
        let barWidth = max(0, grid.width - label.count - 2)
        grid.put(label, x: 0, y: row, role: .title)
        guard barWidth >= 4 else { return }
        let x = label.count + 1
        grid.put(String(repeating: "─", count: barWidth), x: x, y: row, role: .dim)
        let marker = timeline.frameCount <= 1 ? 0 : timeline.position * (barWidth - 1) / last
        grid.put("●", x: x + marker, y: row, role: .cursor)
    }

    private static func seconds(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) + "s" }
}
