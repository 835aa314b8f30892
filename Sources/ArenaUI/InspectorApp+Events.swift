import ArenaModel
import ArenaScreen
import ArenaText

extension InspectorApp {
    /// Handles one event; returns what the front end should do. The panes are prepared for
    /// what it changed before it returns.
    public func handle(_ event: InputEvent) -> Reaction {
        defer { prepare() }
        if case .resize(let newWidth, let newHeight) = event {
            width = newWidth
            height = newHeight
            return .redraw
        }
        if case .prompt(let prompt, let text) = overlay { return handlePrompt(prompt, text, event) }
        if case .click(let x, let y) = event { return handleClick(x: x, y: y) }
        say(nil)
        let binding = KeyBindings.binding(for: event)
        if case .help(let top) = overlay { return handleHelp(binding?.command, top: top) }
        guard let binding else { return .none }
        run(binding)
        return binding.command == .quit ? .quit : .redraw
    }

    /// Whether the source is one that `mode` applies to.
    private func applies(_ mode: SourceMode) -> Bool {
        switch mode {
        case .any: true
        case .sampled: playback == nil
        case .replay: playback != nil
        }
    }

    /// A binding's command goes to the pane it names, movement and Enter to the focused
    /// pane, the rest to the app.
    private func run(_ binding: KeyBinding) {
        guard applies(binding.mode) else {
            say(binding.mode.unavailable)
            return
        }
        if let pane = binding.pane {
            panes.pane(pane).perform(binding.command, in: self)
            return
        }
        switch binding.command {
        case .moveUp, .moveDown, .moveLeft, .moveRight, .pageUp, .pageDown, .home, .end, .activate:
            panes.pane(focus).perform(binding.command, in: self)
        default: perform(binding.command)
        }
    }

    /// In the help: the arrows, pages, Home and End scroll it when it does not fit;
    /// q quits; any other key closes it.
    private func handleHelp(_ command: Command?, top: Int) -> Reaction {
        if command == .quit { return .quit }
        let shape = HelpOverlay.shape(width: width, height: height - 1)
        let last = max(0, shape.rowsPerColumn - shape.visibleRows)
        let scrolledTo: Int? =
            switch command {
            case .moveUp?: top - 1
            case .moveDown?: top + 1
            case .pageUp?: top - shape.visibleRows
            case .pageDown?: top + shape.visibleRows
            case .home?: 0
            case .end?: last
            default: nil
            }
        overlay = shape.scrolls && scrolledTo != nil ? .help(top: min(last, max(0, scrolledTo!))) : nil
        return .redraw
    }

    /// The app's own commands: what is not one pane's.
    private func perform(_ command: Command) {
        switch command {
        case .help: overlay = .help(top: 0)
        case .closeOverlay: overlay = nil
        case .nextPane: focus(PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count)!)
        case .previousPane: focus(PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!)
        case .back: goBack()
        case .gotoAddress: overlay = .prompt(.gotoAddress, "")
        case .search: overlay = .prompt(.search, "")
        case .seekFrame: overlay = .prompt(.seekFrame, "")
        case .togglePause:
            if let playback {
                if let restarted = playback.togglePlaying() { absorb(restarted) }
            } else {
                backend.isPaused.toggle()
            }
        case .slower: if let playback { playback.changeSpeed(by: 0.5) } else { backend.scaleInterval(by: 2) }
        case .faster: if let playback { playback.changeSpeed(by: 2) } else { backend.scaleInterval(by: 0.5) }
        case .togglePointerWidth: togglePointerWidth()
        case .nextRoot: openNextRoot()
        case .stepForward: step(1, pausing: true)
        case .stepBack: step(-1, pausing: true)
        case .jumpForward: step(10, pausing: false)
        case .jumpBack: step(-10, pausing: false)
        case .toggleRecording: toggleRecording()
        default: break
        }
    }

    private func step(_ frames: Int, pausing: Bool) {
        guard let playback else { return }
        absorb(playback.step(frames, pausing: pausing))
    }

    private func toggleRecording() {
        guard let recording else {
            say("recording is not available here")
            return
        }
        if recording.isRecording {
            say(recording.stop())
        } else if let snapshot {
            say(recording.start(with: snapshot, from: backend.reads))
        }
    }

    private func handleClick(x: Int, y: Int) -> Reaction {
        for id in PaneID.allCases {
            guard let rect = layout.rect(id), rect.contains(x: x, y: y) else { continue }
            focus(id)
            panes.pane(id).click(x: x, y: y, in: rect, app: self)
            return .redraw
        }
        return .none
    }
}
