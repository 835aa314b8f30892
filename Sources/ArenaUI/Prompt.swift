import ArenaModel
import ArenaScreen
import ArenaText
import ArenaTypes

/// A one-line question in the status bar, answered with Enter.
enum Prompt: Equatable {
    case gotoAddress, search, seekFrame, viewAsType
    /// The type of a root or a field (its declaration's left side), for the shape.
    case shapeType(String)

    var label: String {
        switch self {
        case .shapeType(let target): "type of \(target.terminalSafe) for the shape (struct NAME *)"
        case .gotoAddress: "go to address"
        case .search: "search hex bytes"
        case .seekFrame: "go to frame, or time with s (12.5s)"
        case .viewAsType: "view as type (struct NAME)"
        }
    }
}

extension Prompt {
    /// Whether its answer is a type name, which Tab completes.
    var takesTypeName: Bool {
        switch self {
        case .viewAsType, .shapeType: true
        case .gotoAddress, .search, .seekFrame: false
        }
    }
}

extension InspectorApp {
    /// Keys while a prompt is open: text, Backspace, Ctrl-U (clears), Tab (type names), Enter, Esc.
    func handlePrompt(_ prompt: Prompt, _ text: String, _ event: InputEvent) -> Reaction {
        switch event {
        case .escape: overlay = nil
        case .character("\u{15}"):
            overlay = .prompt(prompt, "")
            say(nil)
        case .backspace:
            overlay = .prompt(prompt, String(text.dropLast()))
            say(nil)
        case .tab where prompt.takesTypeName:
            let (completed, candidates) = TypeMemory.complete(text, among: catalog.entries.map(\.name))
            overlay = .prompt(prompt, completed)
            say(candidates)
        case .character(let character) where text.count < 200 && character.isASCII && !character.isNewline:
            overlay = .prompt(prompt, text + String(character))
            say(nil)
        case .enter:
            overlay = nil
            say(nil)
            switch prompt {
            case .gotoAddress: gotoAddress(text)
            case .search: search(text)
            case .seekFrame: seek(text)
            case .viewAsType: viewAsType(text)
            case .shapeType(let target): saveShapeType(of: target, text)
            }
        default: return .none
        }
        return .redraw
    }

    private func gotoAddress(_ text: String) {
        let trimmed = text.trimmingSpaces
        guard let value = parseNumber(trimmed) else {
            say("'\(trimmed)' is not an address (use decimal or 0x hex)")
            return
        }
        go(to: value)
    }

    static let searchLimit = 16384

    /// Searches backed pages from the cursor on for a byte pattern, at most `searchLimit` pages;
    /// a match may run from one page into the next. The cursor goes to the word holding the
    /// match's first byte; searching again goes on after the match.
    private func search(_ text: String) {
        let words = text.split(separator: " ").flatMap { word -> [Substring] in
            stride(from: 0, to: word.count, by: 2).map { word.dropFirst($0).prefix(2) }
        }
        let pattern = words.compactMap { UInt8($0, radix: 16) }
        guard !pattern.isEmpty, pattern.count == words.count, pattern.count <= 64 else {
            say("search takes up to 64 hex bytes, e.g. de c0 a5")
            return
        }
        guard let geometry = snapshot?.geometry else { return }
        let cursor = navigation.address
        // After the last match while the cursor still holds it, else after the cursor word's first byte.
        let start = lastSearchMatch.map { $0 & ~7 == cursor ? $0 + 1 : cursor + 1 } ?? cursor + 1
        guard var page = geometry.page(containing: start) else { return }
        var from = Int(start - geometry.address(ofPage: page))
        // The end of the page before, when it was backed and read: a match may begin there.
        var carried: [UInt8] = []
        var scanned = 0
        while page < geometry.maxPages && scanned < Self.searchLimit {
            guard let bytes = bytes(of: page) else {
                carried = []
                page += 1
                from = 0
                continue
            }
            scanned += 1
            if let index = Self.find(pattern, in: carried + bytes, from: from) {
                let found = geometry.address(ofPage: page) - UInt64(carried.count) + UInt64(index)
                jump(to: found, remember: true)
                lastSearchMatch = found
                say("found at \(hex(found))" + (found & 7 == 0 ? "" : " (the cursor is on its word)"))
                focus(.hexdump)
                return
            }
            // Only bytes at or after where the search began: a match may start in them.
            carried = Array(bytes[max(from, bytes.count - (pattern.count - 1))...])
            page += 1
            from = 0
        }
        say(scanned >= Self.searchLimit ? "not found in the next \(Self.searchLimit) backed pages" : "not found after \(hex(cursor))")
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard pattern.count <= bytes.count, from <= bytes.count - pattern.count else { return nil }
        for start in max(0, from)...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<start + pattern.count].elementsEqual(pattern) { return start }
        }
        return nil
    }

    /// `t`: a frame number, or a time in seconds with an `s` (12.5s).
    private func seek(_ text: String) {
        guard let playback else { return }
        let trimmed = text.trimmingSpaces.lowercased()
        if trimmed.hasSuffix("s"), let seconds = Double(trimmed.dropLast()), seconds.isFinite, seconds >= 0 {
            absorb(playback.show(frame: playback.timeline.frame(atTime: seconds), pausing: true))
        } else if let frame = Int(trimmed), frame >= 0 {
            absorb(playback.show(frame: frame, pausing: true))
            if frame > playback.lastFrame { say("the last frame is \(playback.lastFrame)") }
        } else {
            say("'\(trimmed)' is neither a frame number nor a time like 12.5s")
        }
    }

    /// Declares `target`'s type in the shape: for this session's walks, and in the source's
    /// shape file when it has one. A map's root and a field hold a pointer, so their type is
    /// the pointer type (`struct htab *`: the `*` is added when left out).
    private func saveShapeType(of target: String, _ text: String) {
        var type = text.trimmingSpaces
        let holdsPointer = target.contains(" ") || snapshot?.roots.first { $0.name == target }?.origin.hasPrefix("map ") == true
        if holdsPointer && !type.hasSuffix("*") { type += " *" }
        let line = "\(target) = \(type)"
        do {
            _ = try catalog.lookup(holdsPointer ? String(type.dropLast()).trimmingSpaces : type)
            panes.objects.worker.declare(try Shape(parsing: line, origin: "the inspector"))
        } catch {
            say("\(error)")
            return
        }
        guard let file = backend.source.shapeFile else {
            say("'\(line)' holds for this session (the source has no shape file: --shape FILE keeps it)")
            return
        }
        do {
            try ShapeFile.append(line, to: file)
            say("saved '\(line)' in \(file)")
        } catch {
            say("'\(line)' holds for this session; \(error)")
        }
    }

    /// Shows the value at the cursor as `name`.
    private func viewAsType(_ name: String) {
        do {
            show(try catalog.lookup(name.trimmingSpaces).ref, at: navigation.address)
        } catch {
            say(error.description)
        }
    }
}
