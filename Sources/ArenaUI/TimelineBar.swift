import ArenaModel
import ArenaScreen

/// The row above the status bar for a recording: a bar with the position, frame, time, speed.
enum TimelineBar {
    static func render(_ playback: Playback, row: Int, _ grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), with: Cell(" ", role: .text))
        let timeline = playback.timeline
        let last = max(1, playback.lastFrame)
        let speed = playback.speed
        let speedText = speed >= 1 ? "×\(Int(min(speed, 1e6).rounded()))" : "×1/\(Int(min(1 / speed, 1e6).rounded()))"
        let label =
            " \(playback.isPlaying ? "▶" : "❚❚") frame \(timeline.position)/\(last) · \(seconds(timeline.time(ofFrame: timeline.position)))/\(seconds(timeline.time(ofFrame: last))) · \(speedText) "
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
