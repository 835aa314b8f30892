import ArenaModel
import ArenaScreen
import ArenaText

extension InspectorApp {
    /// Handles one event; returns what the front end should do.
    public func handle(_ event: InputEvent) -> Reaction {
        if case .resize(let newWidth, let newHeight) = event {
            width = newWidth
            height = newHeight
            return .redraw
        }
        if case .prompt(let kind, let text) = overlay { return handlePrompt(kind, text, event) }
        if case .click(let x, let y) = event { return handleClick(x: x, y: y) }
        message = nil
        let bound = KeyBindings.command(for: event)
        if overlay == .help { return handleHelp(bound) }
        guard let command = bound else { return .none }
        perform(command)
        return command == .quit ? .quit : .redraw
    }

    /// In the help: the arrows, pages, Home and End scroll it when it does not fit;
    /// q quits; any other key closes it.
    private func handleHelp(_ command: Command?) -> Reaction {
        if command == .quit { return .quit }
        let shape = HelpOverlay.shape(width: width, height: height - 1)
        let last = max(0, shape.rowsPerColumn - shape.visibleRows)
        let scrolledTo: Int? = switch command {
        case .moveUp?: helpTop - 1
        case .moveDown?: helpTop + 1
        case .pageUp?: helpTop - shape.visibleRows
        case .pageDown?: helpTop + shape.visibleRows
        case .home?: 0
        case .end?: last
        default: nil
        }
        if shape.scrolls, let scrolledTo { helpTop = min(last, max(0, scrolledTo)) } else { overlay = nil }
        return .redraw
    }

    private func perform(_ command: Command) {
        switch command {
        case .quit: break
        case .help:
            overlay = .help
            helpTop = 0
        case .closeOverlay: overlay = nil
        case .nextPane: focus = PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count)!
        case .previousPane: focus = PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!
        case .moveUp: move(rows: -1)
        case .moveDown: move(rows: 1)
        case .moveLeft: move(columns: -1)
        case .moveRight: move(columns: 1)
        case .pageUp: move(rows: -max(1, visibleRows(focus) - 1))
        case .pageDown: move(rows: max(1, visibleRows(focus) - 1))
        case .home: moveToEnd(first: true)
        case .end: moveToEnd(first: false)
        case .activate: activate()
        case .back:
            if let previous = history.popLast() {
                jump(to: previous, remember: false)
                showRememberedType()
            } else {
                message = "nothing to go back to"
            }
        case .gotoAddress: overlay = .prompt(.gotoAddress, "")
        case .search: overlay = .prompt(.search, "")
        case .togglePause: togglePlayback()
        case .zoomIn: zoom(in: true)
        case .zoomOut: zoom(in: false)
        case .slower: backend.interval = min(10, backend.interval * 2)
        case .faster: backend.interval = max(0.025, backend.interval / 2)
        case .toggleSort:
            sortBySize.toggle()
            rangeSelection = 0
            rangeTop = 0
        case .setChainOffset:
            if hexCursor >= chainNode && hexCursor - chainNode < 4096 {
                chainOffset = hexCursor - chainNode
            } else {
                chainNode = hexCursor
                chainOffset = 0
            }
            chaseSelection = 0
            chainField = nil
            showFields = false
        case .togglePointerWidth: pointer32.toggle()
        case .nextRoot: nextRoot()
        case .stepForward: step(1, pausing: true)
        case .stepBack: step(-1, pausing: true)
        case .jumpForward: step(10, pausing: false)
        case .jumpBack: step(-10, pausing: false)
        case .seekFrame:
            if timeline == nil { message = "only a recording has frames (--replay FILE)" } else { overlay = .prompt(.seekFrame, "") }
        case .toggleRecording: toggleRecording()
        case .viewAsType: beginViewAsType()
        case .toggleFields:
            if rememberedTypes[typedAddress] == nil {
                message = "no typed value yet: v views the cursor as a type"
            } else {
                showFields.toggle()
                chaseSelection = 0
            }
        case .chainThroughField: chainThroughSelectedField()
        }
    }

    private func nextRoot() {
        guard let roots = snapshot?.roots.filter({ $0.address != 0 }), !roots.isEmpty else {
            message = "this source names no structure roots"
            return
        }
        rootIndex = (rootIndex + 1) % roots.count
        let root = roots[rootIndex]
        jump(to: root.address, remember: true)
        chainNode = root.address
        chainOffset = root.nextOffset
        message = "root \(root.name) at \(hex(root.address)), next at +\(root.nextOffset)"
    }

    func visibleRows(_ pane: PaneID) -> Int {
        layout.rect(pane).map { max(1, $0.height - 3) } ?? 1
    }

    private func move(rows: Int = 0, columns: Int = 0) {
        guard let snapshot else { return }
        switch focus {
        case .pageMap:
            let step = Int64(lastMapGeometry.pagesPerCell)
            let delta = (Int64(rows) * Int64(lastMapGeometry.columns) + Int64(columns)) * step
            cursorPage = UInt32(clamping: max(0, min(Int64(snapshot.geometry.maxPages) - 1, Int64(cursorPage) + delta)))
        case .ranges:
            rangeSelection = max(0, min(runs().count - 1, rangeSelection + rows + columns))
        case .hexdump:
            let delta = Int64(rows) * 16 + Int64(columns) * 8
            let target = Int64(bitPattern: hexCursor) + delta
            let start = Int64(snapshot.geometry.userVMStart)
            let last = Int64(snapshot.geometry.userVMEnd) - 8
            hexCursor = UInt64(max(start, min(last, target)))
            cursorPage = snapshot.geometry.page(containing: hexCursor) ?? cursorPage
        case .chase:
            chaseSelection = max(0, chaseSelection + rows + columns)
        }
    }

    private func moveToEnd(first: Bool) {
        guard let snapshot else { return }
        switch focus {
        case .pageMap: cursorPage = first ? 0 : snapshot.geometry.maxPages - 1
        case .ranges: rangeSelection = first ? 0 : max(0, runs().count - 1)
        case .hexdump:
            let pageStart = snapshot.geometry.address(ofPage: cursorPage)
            hexCursor = first ? pageStart : pageStart + snapshot.geometry.pageSize - 8
        case .chase: chaseSelection = first ? 0 : Int.max / 2
        }
    }

    private func activate() {
        guard let snapshot else { return }
        switch focus {
        case .pageMap:
            jump(to: snapshot.geometry.address(ofPage: cursorPage), remember: true)
            chainNode = hexCursor
            chainOffset = 0
            focus = .hexdump
        case .ranges:
            let runs = runs()
            guard rangeSelection < runs.count else { return }
            jump(to: snapshot.geometry.address(ofPage: runs[rangeSelection].first), remember: true)
            chainNode = hexCursor
        case .hexdump: followPointer()
        case .chase where showFields: activateField()
        case .chase:
            guard case .success(let chain)? = chain(), !chain.hops.isEmpty else { return }
            let hop = chain.hops[min(chaseSelection, chain.hops.count - 1)]
            jump(to: hop.address, remember: true)
            focus = .hexdump
        }
    }

    private func followPointer() {
        guard var reader = reader(), let decoder else { return }
        let word = (try? reader.word(at: hexCursor, width: pointer32 ? 4 : 8)) ?? 0
        guard let target = decoder.target(of: word) else {
            message = "\(hex(word)) at \(hex(hexCursor)) is not an arena pointer"
            return
        }
        let offset = hexCursor >= chainNode && hexCursor - chainNode < 4096 ? hexCursor - chainNode : 0
        jump(to: target, remember: true)
        chainNode = target
        chainOffset = offset
        message = snapshot?.pages.state(ofPage: cursorPage).isBacked == true ? nil : "\(hex(target)) points into an unbacked page"
    }

    private func zoom(in zoomIn: Bool) {
        guard let snapshot else { return }
        let fit = MapGeometry.fit(pages: snapshot.geometry.maxPages, columns: lastMapGeometry.columns, rows: lastMapGeometry.rows)
        let current = min(fit, zoomPagesPerCell ?? fit)
        let next = zoomIn ? max(1, current / 2) : min(fit, current * 2)
        zoomPagesPerCell = next >= fit ? nil : next
    }

    private func handleClick(x: Int, y: Int) -> Reaction {
        for pane in PaneID.allCases {
            guard let rect = layout.rect(pane), rect.contains(x: x, y: y) else { continue }
            focus = pane
            if pane == .pageMap, let page = PageMapPane.page(at: x, y: y, in: rect.inner, app: self) { cursorPage = page }
            return .redraw
        }
        return .none
    }

    private func handlePrompt(_ kind: PromptKind, _ text: String, _ event: InputEvent) -> Reaction {
        switch event {
        case .escape: overlay = nil
        case .backspace:
            overlay = .prompt(kind, String(text.dropLast()))
            message = nil
        case .tab where kind == .viewAsType: overlay = .prompt(kind, completeTypeName(text))
        case .character(let character) where text.count < 200 && character.isASCII && !character.isNewline:
            overlay = .prompt(kind, text + String(character))
            message = nil
        case .enter:
            overlay = nil
            message = nil
            switch kind {
            case .gotoAddress: gotoAddress(text)
            case .search: search(text)
            case .seekFrame: seek(text)
            case .viewAsType: viewAsType(text)
            }
        default: return .none
        }
        return .redraw
    }

    private func gotoAddress(_ text: String) {
        let trimmed = text.trimmingSpaces
        let value = trimmed.lowercased().hasPrefix("0x") ? UInt64(trimmed.dropFirst(2), radix: 16) : UInt64(trimmed)
        guard let value else {
            message = "'\(trimmed)' is not an address (use decimal or 0x hex)"
            return
        }
        jump(to: value, remember: true)
        chainNode = hexCursor
        chainOffset = 0
        focus = .hexdump
    }

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
        guard let snapshot else { return }
        let geometry = snapshot.geometry
        var page = geometry.page(containing: hexCursor) ?? 0
        var from = Int(hexCursor - geometry.address(ofPage: page)) + 1
        var scanned = 0
        while page < geometry.maxPages && scanned < Self.searchLimit {
            if let bytes = pageBytes(page) {
                scanned += 1
                if let index = Self.find(pattern, in: bytes, from: from) {
                    jump(to: geometry.address(ofPage: page) + UInt64(index), remember: true)
                    hexCursor = geometry.address(ofPage: page) + UInt64(index)
                    message = "found at \(hex(hexCursor))"
                    focus = .hexdump
                    return
                }
            }
            page += 1
            from = 0
        }
        message = scanned >= Self.searchLimit ? "not found in the next \(Self.searchLimit) backed pages" : "not found after \(hex(hexCursor))"
    }

    static let searchLimit = 16384

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard pattern.count <= bytes.count, from <= bytes.count - pattern.count else { return nil }
        for start in from...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<start + pattern.count].elementsEqual(pattern) { return start }
        }
        return nil
    }
}
