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
            message = nil
        case .backspace:
            overlay = .prompt(prompt, String(text.dropLast()))
            message = nil
        case .tab where prompt.takesTypeName:
            let (completed, candidates) = TypeMemory.complete(text, among: catalog.entries.map(\.name))
            overlay = .prompt(prompt, completed)
            message = candidates
        case .character(let character) where text.count < 200 && character.isASCII && !character.isNewline:
            overlay = .prompt(prompt, text + String(character))
            message = nil
        case .enter:
            overlay = nil
            message = nil
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
            message = "'\(trimmed)' is not an address (use decimal or 0x hex)"
            return
        }
        jump(to: value, remember: true)
        navigation.chain(from: navigation.address, offset: 0)
        focus = .hexdump
    }

    static let searchLimit = 16384

    /// Searches backed pages from the cursor on for a byte pattern, at most `searchLimit` pages.
    private func search(_ text: String) {
        let words = text.split(separator: " ").flatMap { word -> [Substring] in
            stride(from: 0, to: word.count, by: 2).map { word.dropFirst($0).prefix(2) }
        }
        let pattern = words.compactMap { UInt8($0, radix: 16) }
        guard !pattern.isEmpty, pattern.count == words.count, pattern.count <= 64 else {
            message = "search takes up to 64 hex bytes, e.g. de c0 a5"
            return
        }
        guard let geometry = snapshot?.geometry else { return }
        let cursor = navigation.address
        var page = geometry.page(containing: cursor) ?? 0
        var from = Int(cursor - geometry.address(ofPage: page)) + 1
        var scanned = 0
        while page < geometry.maxPages && scanned < Self.searchLimit {
            if let bytes = bytes(of: page) {
                scanned += 1
                if let index = Self.find(pattern, in: bytes, from: from) {
                    let found = geometry.address(ofPage: page) + UInt64(index)
                    jump(to: found, remember: true)
                    navigation.address = found
                    message = "found at \(hex(found))"
                    focus = .hexdump
                    return
                }
            }
            page += 1
            from = 0
        }
        message = scanned >= Self.searchLimit ? "not found in the next \(Self.searchLimit) backed pages" : "not found after \(hex(cursor))"
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard pattern.count <= bytes.count, from <= bytes.count - pattern.count else { return nil }
        for start in from...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
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
            if frame > playback.lastFrame { message = "the last frame is \(playback.lastFrame)" }
        } else {
            message = "'\(trimmed)' is neither a frame number nor a time like 12.5s"
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
            message = "\(error)"
            return
        }
        guard let file = backend.source.shapeFile else {
            message = "'\(line)' holds for this session (the source has no shape file: --shape FILE keeps it)"
            return
        }
        do {
            try ShapeFile.append(line, to: file)
            message = "saved '\(line)' in \(file)"
        } catch {
            message = "'\(line)' holds for this session; \(error)"
        }
    }

    /// Shows the value at the cursor as `name`.
    private func viewAsType(_ name: String) {
        do {
            show(try catalog.lookup(name.trimmingSpaces).ref, at: navigation.address)
        } catch {
            message = error.description
        }
    }
}
