import ArenaModel
import ArenaScreen
import ArenaText

/// 16 (or 8) bytes a row of the page under the cursor: arena pointers underlined,
/// bytes changed since the previous sample highlighted, the cursor word inverted.
/// Only printable ASCII reaches the ASCII column.
final class HexdumpPane: Pane {
    static let bindings = [
        KeyBinding([.character("c")], "c", .setChainOffset, "chain through the cursor word", pane: .hexdump),
        KeyBinding([.character("v")], "v", .viewAsType, "as type (root, void *: shape)", pane: .hexdump),
        KeyBinding([.character("R")], "R", .whoPointsHere, "who points at the cursor", pane: .hexdump),
    ]
    /// The address of the first row shown.
    private(set) var top: UInt64 = 0
    /// Rows shown and bytes a row at the last layout, which movement steps by.
    private var rows = 1
    private var perRow = 16

    /// Shows `address` near the top, two rows of context above it (after a jump).
    func reveal(_ address: UInt64, pageStart: UInt64) {
        let row = address & ~0xF
        top = max(pageStart, row >= pageStart + 32 ? row - 32 : pageStart)
    }

    private static func bytesPerRow(_ inner: Rect) -> Int { inner.width >= 77 ? 16 : 8 }

    func layout(_ rect: Rect, in app: InspectorApp) {
        guard let geometry = app.snapshot?.geometry else { return }
        let inner = rect.inner
        let cursor = app.navigation.address
        let page = geometry.page(containing: cursor) ?? 0
        let pageStart = geometry.address(ofPage: page)
        _ = app.bytes(of: page)
        perRow = Self.bytesPerRow(inner)
        rows = max(1, inner.height)
        let current = top >= pageStart && top < pageStart + geometry.pageSize ? Int(top - pageStart) / perRow : 0
        let row = scrolled(top: current, toShow: Int(cursor - pageStart) / perRow, rows: rows)
        top = pageStart + UInt64(row * perRow)
    }

    func perform(_ command: Command, in app: InspectorApp) {
        guard let geometry = app.snapshot?.geometry else { return }
        let cursor = app.navigation.address
        // Home and End go to the ends of the page shown: the one holding the cursor word.
        let pageStart = geometry.address(ofPage: geometry.page(containing: cursor) ?? 0)
        let row = Int64(perRow), screen = Int64(rows * perRow)
        let target: Int64? =
            switch command {
            case .moveUp: Int64(bitPattern: cursor) - row
            case .moveDown: Int64(bitPattern: cursor) + row
            case .moveLeft: Int64(bitPattern: cursor) - 8
            case .moveRight: Int64(bitPattern: cursor) + 8
            case .pageUp: Int64(bitPattern: cursor) - screen
            case .pageDown: Int64(bitPattern: cursor) + screen
            case .home: Int64(pageStart)
            case .end: Int64(pageStart + geometry.pageSize - 8)
            default: nil
            }
        if let target {
            app.step(to: target)
            return
        }
        switch command {
        case .activate: followPointer(app)
        case .setChainOffset:
            if let offset = app.navigation.offsetInChainNode {
                app.chain(from: app.navigation.chainNode, offset: offset)
            } else {
                app.chain(from: cursor, offset: 0)
            }
            app.showChain()
        case .viewAsType: app.beginViewAsType()
        case .whoPointsHere: app.panes.objects.askWhoPointsAt(app.navigation.address, in: app)
        default: break
        }
    }

    /// Enter: goes where the pointer under the cursor points.
    private func followPointer(_ app: InspectorApp) {
        guard var reader = app.reader(), let decoder = app.decoder else { return }
        let cursor = app.navigation.address
        let word = (try? reader.word(at: cursor, width: app.navigation.pointer32 ? 4 : 8)) ?? 0
        guard let target = decoder.target(of: word) else {
            app.say("\(hex(word)) at \(hex(cursor)) is not an arena pointer")
            return
        }
        let offset = app.navigation.offsetInChainNode ?? 0
        app.jump(to: target, remember: true)
        app.chain(from: target, offset: offset, field: app.navigation.chainField)
        let backed = app.snapshot?.pages.state(ofPage: app.navigation.page).isBacked == true
        app.say(backed ? nil : "\(hex(target)) points into an unbacked page")
    }

    func render(_ rect: Rect, in app: InspectorApp, focused: Bool, into grid: inout CellGrid) {
        let inner = rect.inner
        guard let snapshot = app.snapshot, let decoder = app.decoder, inner.height >= 1 else {
            grid.box(rect, title: PaneID.hexdump.title, focused: focused)
            return
        }
        let geometry = snapshot.geometry
        let cursor = app.navigation.address
        let page = geometry.page(containing: cursor) ?? 0
        let state = snapshot.pages.state(ofPage: page)
        let pageStart = geometry.address(ofPage: page)
        grid.box(
            rect, title: "\(PaneID.hexdump.title) · \(hex(cursor)) · page \(page) \(state.name)\(app.navigation.pointer32 ? " · 32-bit pointers" : "")",
            focused: focused)
        guard let bytes = app.bytes(of: page) else {
            let why = state.isBacked ? app.readFailure(page) : "nothing is behind it to show"
            grid.put("page \(page) is \(state.name): \(why)", x: inner.x, y: inner.y, role: .unbacked, limit: inner.width)
            return
        }
        let previous = app.previousBytes(of: page)
        let perRow = Self.bytesPerRow(inner)
        let firstRow = Int(top - pageStart) / perRow
        let pointerBytes = Self.pointerMask(bytes, decoder: decoder, width: app.navigation.pointer32 ? 4 : 8)
        // Bad pointers the object map found on this page (while it is shown): the error role.
        var badBytes = [Bool](repeating: false, count: bytes.count)
        if let bad = app.shownObjectMap?.badPointers {
            for pointer in bad where pointer.address >= pageStart && pointer.address - pageStart + 8 <= UInt64(bytes.count) {
                for index in Int(pointer.address - pageStart)..<Int(pointer.address - pageStart) + 8 { badBytes[index] = true }
            }
        }
        let cursorOffset = Int(cursor - pageStart)
        let showOffset = inner.width >= 95
        for row in 0..<inner.height {
            let offset = (firstRow + row) * perRow
            guard offset < bytes.count else { break }
            let y = inner.y + row
            var x = inner.x
            grid.put(Hexdump.paddedHex(pageStart + UInt64(offset), width: 12), x: x, y: y, role: .address)
            x += 12
            if showOffset {
                grid.put(" +" + Hexdump.paddedHex(UInt64(offset), width: 3), x: x, y: y, role: .dim)
                x += 5
            }
            x += 2
            let asciiX = x + perRow * 3
            for column in 0..<perRow {
                let index = offset + column
                let byte = bytes[index]
                let inCursor = index >= cursorOffset && index < cursorOffset + 8
                let changed = previous.map { $0.count == bytes.count && $0[index] != byte } ?? false
                let role: ColorRole = badBytes[index] ? .error : changed ? .changed : pointerBytes[index] ? .pointer : (byte == 0 ? .dim : .text)
                grid.put(Hexdump.hexByte(byte), x: x + column * 3, y: y, role: inCursor ? .cursor : role, inverse: inCursor && focused)
                let shown = Unicode.Scalar(Hexdump.printable(byte).asciiValue ?? UInt8(ascii: "."))
                grid[asciiX + column, y] = Cell(shown, role: changed ? .changed : .dim)
            }
        }
    }

    /// Marks the bytes of words that decode as arena pointers.
    static func pointerMask(_ bytes: [UInt8], decoder: PointerDecoder, width: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: bytes.count)
        var index = 0
        while index + width <= bytes.count {
            var word: UInt64 = 0
            for byte in 0..<width { word |= UInt64(bytes[index + byte]) << (8 * UInt64(byte)) }
            if decoder.target(of: word) != nil {
                for byte in 0..<width { mask[index + byte] = true }
            }
            index += width
        }
        return mask
    }
}
