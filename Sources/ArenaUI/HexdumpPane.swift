import ArenaModel
import ArenaScreen
import ArenaText

/// 16 (or 8) bytes a row of the page under the cursor: arena pointers underlined,
/// bytes changed since the previous sample highlighted, the cursor word inverted.
/// Only printable ASCII reaches the ASCII column.
enum HexdumpPane {
    static func render(_ app: InspectorApp, _ rect: Rect, _ grid: inout CellGrid) {
        let inner = rect.inner
        guard let snapshot = app.snapshot, let decoder = app.decoder, inner.height >= 1 else {
            grid.box(rect, title: PaneID.hexdump.title, focused: app.focus == .hexdump)
            return
        }
        let geometry = snapshot.geometry
        let page = geometry.page(containing: app.hexCursor) ?? 0
        let state = snapshot.pages.state(ofPage: page)
        let pageStart = geometry.address(ofPage: page)
        grid.box(rect, title: "\(PaneID.hexdump.title) · \(hex(app.hexCursor)) · page \(page) \(state.name)\(app.pointer32 ? " · 32-bit pointers" : "")", focused: app.focus == .hexdump)
        guard let bytes = app.pageBytes(page) else {
            let why = state.isBacked ? app.unreadable(page) ?? "it could not be read" : "nothing is behind it to show"
            grid.put("page \(page) is \(state.name): \(why)", x: inner.x, y: inner.y, role: .unbacked, limit: inner.width)
            return
        }
        let previous = app.previousBytes[page]
        let perRow = inner.width >= 77 ? 16 : 8
        let rows = inner.height
        let cursorRow = Int(app.hexCursor - pageStart) / perRow
        var top = Int(app.hexTop >= pageStart && app.hexTop < pageStart + geometry.pageSize ? (app.hexTop - pageStart) : 0) / perRow
        if cursorRow < top { top = cursorRow }
        if cursorRow >= top + rows { top = cursorRow - rows + 1 }
        app.hexTop = pageStart + UInt64(top * perRow)

        let pointerBytes = pointerMask(bytes, decoder: decoder, width: app.pointer32 ? 4 : 8)
        let cursorOffset = Int(app.hexCursor - pageStart)
        let showOffset = inner.width >= 95
        for row in 0..<rows {
            let offset = (top + row) * perRow
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
                let role: ColorRole = changed ? .changed : pointerBytes[index] ? .pointer : (byte == 0 ? .dim : .text)
                grid.put(Hexdump.hexByte(byte), x: x + column * 3, y: y, role: inCursor ? .cursor : role, inverse: inCursor && app.focus == .hexdump)
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
