import ArenaModel
import ArenaScreen

/// The bottom line: source, sampling, counts, state, key hints; or a prompt or a message.
enum StatusBar {
    static func render(_ app: InspectorApp, row: Int, _ grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), with: Cell(" ", role: .status))
        if case .prompt(let kind, let text) = app.overlay {
            let prompt = " \(kind.label): \(text)█"
            grid.put(prompt, x: 0, y: row, role: .statusKey)
            // What Tab found (candidates, or none), else how to leave the prompt.
            let hint = (app.message ?? "Enter go · Esc cancel") + " "
            let start = max(prompt.count + 2, grid.width - hint.count)
            grid.put(hint, x: start, y: row, role: app.message == nil ? .status : .statusKey, limit: grid.width - start)
            return
        }
        let backend = app.backend
        let timeline = app.timeline
        var parts: [String] = backend.isPaused && timeline == nil ? ["PAUSED"] : []
        if let recording = app.recording, recording.isRecording { parts.append("● REC \(recording.frameCount)") }
        if let snapshot = app.snapshot {
            // A recording's position is on the timeline row; its file name and the recorded details stay here.
            let shown = snapshot.source.details.filter { timeline == nil || !["frame", "frames", "time_ms"].contains($0.key) }
            let details = shown.map { detail -> String in
                switch detail.value {
                case .text(let text): return text
                case .number(let number): return "\(detail.key) \(number)"
                }
            }
            parts.append(([snapshot.source.kind.rawValue] + details).joined(separator: " "))
            parts.append(snapshot.stats.statusText)
        }
        if timeline == nil {
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

/// The help overlay, generated from the key binding table.
enum HelpOverlay {
    static let lines = KeyBindings.all.map { $0.label.rightPadded(to: 6) + $0.help }
    static let footer = "Click a page to select it. Themes: --theme NAME."

    /// How the lines are laid out on a screen: two columns side by side when one column
    /// does not fit the height and two fit the width; `visibleRows` rows at a time.
    struct Shape {
        let columns: Int
        let rowsPerColumn: Int
        let visibleRows: Int
        let box: Rect

        /// True when not every line shows at once, so the arrows scroll.
        var scrolls: Bool { visibleRows < rowsPerColumn }
    }

    static func shape(width: Int, height: Int) -> Shape {
        let lineWidth = (lines.map(\.count).max() ?? 0) + 1
        let twoFit = 2 * lineWidth + 4 <= width - 2
        let columns = lines.count + 3 <= height - 2 || !twoFit ? 1 : 2
        let rowsPerColumn = (lines.count + columns - 1) / columns
        let boxWidth = min(width - 2, columns * lineWidth + 4)
        let boxHeight = min(height - 2, rowsPerColumn + 3)
        let box = Rect(x: (width - boxWidth) / 2, y: (height - boxHeight) / 2, width: boxWidth, height: boxHeight)
        return Shape(columns: columns, rowsPerColumn: rowsPerColumn, visibleRows: max(1, boxHeight - 3), box: box)
    }

    static func render(width: Int, height: Int, top: Int, _ grid: inout CellGrid) {
        let shape = shape(width: width, height: height)
        let rect = shape.box
        grid.fill(rect)
        let title = shape.scrolls
            ? "Keys \(top + 1)-\(min(top + shape.visibleRows, shape.rowsPerColumn)) of \(shape.rowsPerColumn) · ↑↓ scroll"
            : "Keys (any key closes)"
        grid.box(rect, title: title, focused: true)
        let columnWidth = (rect.width - 4) / shape.columns
        for (index, line) in lines.enumerated() {
            let row = index % shape.rowsPerColumn - top
            guard row >= 0 && row < shape.visibleRows else { continue }
            grid.put(line, x: rect.x + 2 + (index / shape.rowsPerColumn) * columnWidth, y: rect.y + 1 + row, role: .text, limit: columnWidth - 1)
        }
        grid.put(shape.scrolls ? "Other keys close. " + footer : footer, x: rect.x + 2, y: rect.y + rect.height - 2, role: .dim, limit: rect.width - 4)
    }
}

extension InspectorApp {
    /// Draws the whole screen.
    public func render() -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        guard !layout.isTooSmall else {
            let text = "arenascope needs a terminal of at least \(Layout.minimum.width)x\(Layout.minimum.height) (this one is \(width)x\(height))"
            var y = 0
            var rest = Substring(text)
            while !rest.isEmpty && y < height {
                grid.put(String(rest.prefix(max(1, width))), x: 0, y: y, role: .error)
                rest = rest.dropFirst(max(1, width))
                y += 1
            }
            return grid
        }
        for pane in PaneID.allCases {
            guard let rect = layout.rect(pane) else { continue }
            switch pane {
            case .pageMap: PageMapPane.render(self, rect, &grid)
            case .ranges: RangesPane.render(self, rect, &grid)
            case .hexdump: HexdumpPane.render(self, rect, &grid)
            case .chase: ChasePane.render(self, rect, &grid)
            }
        }
        StatusBar.render(self, row: layout.statusRow, &grid)
        if let row = layout.timelineRow, let timeline { TimelineBar.render(self, timeline, row: row, &grid) }
        if overlay == .help { HelpOverlay.render(width: width, height: height - 1, top: helpTop, &grid) }
        return grid
    }
}
