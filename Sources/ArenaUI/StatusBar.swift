import ArenaModel
import ArenaScreen

/// The bottom line: source, sampling, counts, state, key hints; or a prompt or a message.
enum StatusBar {
    static func render(_ app: InspectorApp, row: Int, _ grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), with: Cell(" ", role: .status))
        if case .prompt(let kind, let text)? = app.overlay {
            let prompt = " \(kind.label): \(text)█"
            grid.put(prompt, x: 0, y: row, role: .statusKey)
            // What Tab found (candidates, or none), else how to leave the prompt.
            let hint = (app.message ?? "Enter go · Esc cancel") + " "
            let start = max(prompt.count + 2, grid.width - hint.count)
            grid.put(hint, x: start, y: row, role: app.message == nil ? .status : .statusKey, limit: grid.width - start)
            return
        }
        let backend = app.backend
        let replaying = app.playback != nil
        var parts: [String] = backend.isPaused && !replaying ? ["PAUSED"] : []
        if let recording = app.recording, recording.isRecording { parts.append("● REC \(recording.frameCount)") }
        if let snapshot = app.snapshot {
            // A recording's position is on the timeline row; its file name and the recorded details stay here.
            let shown = snapshot.source.details.filter { !replaying || !["frame", "frames", "time_ms"].contains($0.key) }
            let details = shown.map { detail -> String in
                switch detail.value {
                case .text(let text): return text
                case .number(let number): return "\(detail.key) \(number)"
                }
            }
            parts.append(([snapshot.source.kind.rawValue] + details).joined(separator: " "))
            parts.append(snapshot.stats.statusText)
        }
        if !replaying {
            let hertz = 1 / backend.interval
            parts.append((hertz >= 10 ? String(Int(hertz.rounded())) : String(Double(Int(hertz * 10)) / 10)) + " Hz " + latencyText(backend.lastLatency))
            parts.append("#\(backend.sampleCount)")
        }
        var line = " " + parts.joined(separator: " │ ")
        var role = ColorRole.status
        if let reason = backend.goneReason {
            line = " \(reason) — showing the last snapshot"
            role = .error
        } else if let message = app.message ?? backend.lastError {
            line = " " + message + " │" + line
        }
        grid.put(line, x: 0, y: row, role: role, limit: grid.width - 16)
        grid.put("? help  q quit ", x: grid.width - 15, y: row, role: .statusKey)
    }

    static func latencyText(_ seconds: Double) -> String {
        seconds < 0.001 ? "\(Int((seconds * 1_000_000).rounded())) µs" : "\(Double(Int(seconds * 10_000)) / 10) ms"
    }
}
