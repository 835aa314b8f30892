import Testing
import ArenaEmulator
import ArenaModel
import ArenaScreen
import ArenaText
@testable import ArenaUI

/// The list core every list pane keeps: clamped moves, a page of the rows shown, scrolling
/// only as far as keeps the selection in view.
@Suite struct ListCursorTests {
    @Test func movesAreClampedAndAPageIsTheRowsShown() {
        var list = ListCursor()
        list.fit(count: 100, rows: 10)
        let moves = [Command.pageDown, .end, .moveDown, .home, .moveUp].map { command -> [Int] in
            _ = list.move(command)
            return [list.selection, list.top]
        }
        #expect(moves == [[10, 1], [99, 90], [99, 90], [0, 0], [0, 0]], "a page is 10 rows; nothing moves past either end")
        let other = list.move(.activate)
        #expect(!other, "not a movement")
        #expect(list.visible == 0..<10)
    }

    @Test func goingUpScrollsOnlyAtTheTop() {
        var list = ListCursor()
        list.fit(count: 50, rows: 8)
        for _ in 0..<20 { _ = list.move(.moveDown) }
        #expect(list.selection == 20 && list.top == 13)
        _ = list.move(.moveUp)
        #expect(list.selection == 19 && list.top == 13, "the list stays put while the selection is in view")
        for _ in 0..<6 { _ = list.move(.moveUp) }
        #expect(list.selection == 13 && list.top == 13)
        _ = list.move(.moveUp)
        #expect(list.top == 12)
    }

    @Test func aShorterListKeepsTheSelectionInside() {
        var list = ListCursor()
        list.fit(count: 30, rows: 5)
        _ = list.move(.end)
        list.fit(count: 4, rows: 5)
        #expect(list.selection == 3 && list.top == 0 && list.visible == 0..<4)
        list.fit(count: 0, rows: 5)
        #expect(list.selection == 0 && list.visible.isEmpty)
    }
}

/// The cursor has one owner: panes ask it to move, and every pane reads the same cursor.
@Suite struct CursorOwnerTests {
    /// The first index shown in the chase pane's list of nodes.
    private func firstChaseRow(_ screen: Screen) -> Int? {
        screen.lines.lazy.compactMap { line -> Int? in
            guard let bar = line.lastIndex(of: "│"), line.contains("  pg ") else { return nil }
            let cells = line[..<bar].split(separator: "│").last ?? ""
            return Int(cells.split(separator: " ").first ?? "")
        }.first
    }

    @Test func homeInTheHexdumpGoesToTheStartOfThePageShown() throws {
        // The issue's steps: End on the page map selects its last page; the hexdump still shows the cursor's.
        let fixture = try Fixture(workload: "list", width: 100, height: 30)
        let geometry = try #require(fixture.backend.latest?.geometry)
        let before = try #require(fixture.screen.hexCursor)
        fixture.press(.end)
        #expect(fixture.screen.cursorPage == geometry.maxPages - 1)
        fixture.press(.tab, .tab, .home)
        let page = try #require(geometry.page(containing: before))
        #expect(fixture.screen.hexCursor == geometry.address(ofPage: page), "Home stays on the page the hexdump shows")
        fixture.press(.end)
        #expect(fixture.screen.hexCursor == geometry.address(ofPage: page) + geometry.pageSize - 8)
    }

    @Test func theReducedHexdumpStepsByItsOwnRows() throws {
        let fixture = try Fixture(workload: "list", width: 60, height: 16)
        fixture.press(.tab, .tab)
        #expect(fixture.screen.text.contains("Hexdump · "))
        let start = try #require(fixture.screen.hexCursor)
        fixture.press(.down)
        #expect(fixture.screen.hexCursor == start + 8, "rows are 8 bytes here")
        fixture.press(.pageDown)
        let rows = UInt64(16 - 1 - 2)
        #expect(fixture.screen.hexCursor == start + 8 + rows * 8, "a page is the rows shown")
    }

    @Test func upInALongChainDoesNotScrollWhileTheNodeIsInView() throws {
        let fixture = try Fixture(width: 100, height: 30)
        let arena = fixture.source.arena
        let base = arena.allocPages(count: 1)
        for node in 0..<UInt64(100) { arena.bpfStore(base + node * 16, node == 99 ? 0 : base + (node + 1) * 16) }
        fixture.step(0)
        fixture.press(.character("g"))
        fixture.type(hex(base))
        fixture.press(.enter, .character("c"), .tab)
        for _ in 0..<30 { fixture.press(.down) }
        let top = try #require(firstChaseRow(fixture.screen))
        #expect(top > 0)
        fixture.press(.up)
        #expect(firstChaseRow(fixture.screen) == top, "one Up moves the selection, not the list")
    }

    @Test func searchFindsAMatchThatRunsIntoTheNextPage() throws {
        let fixture = try Fixture(workload: "churn", steps: 400)
        let snapshot = try #require(fixture.backend.latest)
        let geometry = snapshot.geometry
        var reader = ArenaReader(snapshot: snapshot, source: fixture.source)
        // Two backed pages in a row whose four bytes across the boundary occur nowhere in the window searched before it.
        let boundary = try #require(
            (0..<geometry.maxPages - 1).lazy.compactMap { page -> UInt64? in
                guard snapshot.pages.state(ofPage: page).isBacked, snapshot.pages.state(ofPage: page + 1).isBacked else { return nil }
                let end = geometry.address(ofPage: page + 1)
                guard let window = try? reader.read(end - 7, length: 9) else { return nil }
                let pattern = Array(window[5..<9])
                return (0..<5).contains { Array(window[$0..<$0 + 4]) == pattern } ? nil : end
            }.first)
        let pattern = try reader.read(boundary - 2, length: 4)
        fixture.press(.character("g"))
        fixture.type(hex(boundary - 8))
        fixture.press(.enter, .character("/"))
        fixture.type(pattern.map(Hexdump.hexByte).joined(separator: " "))
        fixture.press(.enter)
        #expect(fixture.screen.field(after: "found at ").flatMap(parseNumber) == boundary - 2, "\(fixture.screen.status)")
        #expect(fixture.screen.hexCursor == boundary - 8)
    }

    @Test func capitalOFocusesTheListItShows() throws {
        let fixture = try Fixture(workload: "list", width: 100, height: 30)
        #expect(fixture.app.focus == .pageMap)
        fixture.press(.character("O"))
        #expect(fixture.app.focus == .ranges && fixture.screen.text.contains("Roots · "), "the roots, focused to be moved in")
    }

    @Test func goingRoundTheRootsLeavesNoPathToGoBackAlong() throws {
        let fixture = try Fixture(workload: "rbtree", steps: 40, width: 100, height: 30)
        fixture.press(.character("o"), .character("o"), .backspace)
        #expect(fixture.screen.status.contains("nothing to go back to"), "\(fixture.screen.status)")
    }

    /// Seen on a real scheduler: a long root name (`scx_task_allocator.pool.slab`) shifted the
    /// roots' columns. Columns are as wide as their content where it fits, and cut with "…"
    /// where it does not, so every row's address is under the header's.
    @Test func theRootsColumnsStayPutForALongName() throws {
        let emulated = try EmulatedSource(workload: "slab", seed: 1)
        emulated.advance(50)
        let names = ["sdt_state": "scx_task_allocator.pool.slab", "tasks": String(repeating: "a_very_long_root_name_", count: 4)]
        let source = RenamedRoots(emulated, names: names)
        let backend = SamplingBackend(source: source, interval: 0.1, clock: { 0 })
        backend.sampleNow()
        for width in [100, 160] {
            let app = InspectorApp(backend: backend, width: width, height: 30)
            _ = app.handle(.character("O"))
            // The roots' box: the one whose header names the columns.
            let boxes = Screen(app.render()).lines.map { $0.dropFirst().components(separatedBy: "││") }
            let place = try #require(boxes.lazy.compactMap { $0.firstIndex { $0.hasPrefix("name ") && $0.contains("address") } }.first)
            let lines = boxes.compactMap { place < $0.count ? $0[place] : nil }
            let header = try #require(lines.first { $0.hasPrefix("name ") })
            let column = try #require(header.range(of: "address")).lowerBound.utf16Offset(in: header)
            let rows = lines.filter { $0.contains("  7f00000000") }
            #expect(rows.count == 2, "\(lines.joined(separator: "\n"))")
            for row in rows {
                #expect(row.range(of: "7f00000000").map { $0.lowerBound.utf16Offset(in: row) } == column, "at \(width): \(row)")
            }
            #expect(rows.contains { $0.hasPrefix("a_very_long_roo") && $0.contains("…") }, "one too long is cut: \(rows)")
            if width == 160 { #expect(rows.contains { $0.hasPrefix("scx_task_allocator.pool.slab  ") }, "a name that fits is whole: \(rows)") }
        }
    }
}

/// A source whose roots go by other names.
final class RenamedRoots: ArenaSource {
    let inner: EmulatedSource
    let names: [String: String]
    init(_ inner: EmulatedSource, names: [String: String]) {
        self.inner = inner
        self.names = names
    }
    var descriptor: SourceDescriptor { inner.descriptor }
    var capabilities: SourceCapabilities { inner.capabilities }
    func sample() throws -> Snapshot {
        var snapshot = inner.sample()
        snapshot.roots = snapshot.roots.map { StructureRoot(name: names[$0.name] ?? $0.name, address: $0.address, type: $0.type, origin: $0.origin) }
        return snapshot
    }
    func pageBytes(_ page: UInt32) throws -> [UInt8] { try inner.pageBytes(page) }
    func typeBlobs() throws -> [TypeBlob] { inner.typeBlobs() }
}
