import Testing
import ArenaModel
import ArenaEmulator
import ArenaScreen
import ArenaText
import ArenaUI

@Suite struct InspectorBehaviourTests {
    @Test func followsPointersAndComesBack() throws {
        let fixture = try Fixture(steps: 30)
        let head = try #require(fixture.backend.latest?.roots.first?.address)
        #expect(fixture.screen.hexCursor == head, "starts at the first structure root")
        fixture.press(.tab, .tab)
        var reader = ArenaReader(snapshot: fixture.backend.latest!, source: fixture.source)
        let next = try reader.word(at: head)
        fixture.press(.enter)
        #expect(fixture.screen.hexCursor == next)
        #expect(fixture.screen.text.contains("path: \(hex(head)) → \(hex(next))"), "the path shows where it came from")
        fixture.press(.backspace)
        #expect(fixture.screen.hexCursor == head)
        fixture.press(.backspace)
        #expect(fixture.screen.status.contains("nothing to go back to"))
    }

    @Test func chainListsTheListToItsEnd() throws {
        let fixture = try Fixture(steps: 30)
        let screen = fixture.screen
        let head = try #require(fixture.backend.latest?.roots.first?.address)
        #expect(screen.chainTitle?.hasPrefix("\(hex(head)) via +0") == true)
        #expect(screen.text.contains("stop: null"))
        #expect(screen.lines.contains { $0.contains("   0  " + Hexdump.paddedHex(head, width: 12)) }, "the first node is the head")
    }

    @Test func aLongChainWalksFurtherPastItsEnd() throws {
        let fixture = try Fixture(width: 100, height: 30)
        // A 700-node list, 16 bytes a node, in three fresh pages.
        let arena = fixture.source.arena
        let base = arena.allocPages(count: 3)
        for node in 0..<UInt64(700) {
            arena.bpfStore(base + node * 16, node == 699 ? 0 : base + (node + 1) * 16)
        }
        fixture.step(0)
        fixture.press(.character("g"))
        fixture.type(hex(base))
        fixture.press(.enter, .character("c"))
        let ending = { fixture.screen.lines.first { $0.contains(" nodes, stop: ") } ?? "" }
        #expect(ending().contains("512 nodes, stop: max (↓ past the end or End walks further)"))
        fixture.press(.tab, .end)
        #expect(ending().contains("stop: null"), "End walks the whole list: \(ending())")
        let nodes = Int(ending().split(separator: "│")[0].split(separator: " ")[0]) ?? 0
        #expect(nodes > 512)
    }

    @Test func goingWhereTheCursorIsLeavesNoStepBack() throws {
        let fixture = try Fixture(steps: 30)
        let head = try #require(fixture.screen.hexCursor)
        fixture.press(.character("g"))
        fixture.type(hex(head))
        fixture.press(.enter)
        #expect(fixture.screen.text.contains("path: \(hex(head))") && !fixture.screen.text.contains("\(hex(head)) → \(hex(head))"))
        fixture.press(.backspace)
        #expect(fixture.screen.status.contains("nothing to go back to"))
    }

    @Test func chainOffsetComesFromTheCursorWord() throws {
        let fixture = try Fixture(workload: "rbtree", steps: 30)
        #expect(fixture.screen.chainTitle?.contains("via +8") == true, "the rbtree root follows left children")
        fixture.press(.tab, .tab)
        fixture.press(.right, .right)
        fixture.press(.character("c"))
        #expect(fixture.screen.chainTitle?.contains("via +16") == true, "now the right children")
    }

    @Test func pageMapMovesZoomsAndClicks() throws {
        let fixture = try Fixture(workload: "churn", steps: 100, width: 100, height: 30)
        let fit = try #require(fixture.screen.pagesPerCell)
        fixture.press(.home)
        #expect(fixture.screen.cursorPage == 0)
        fixture.press(.right)
        #expect(fixture.screen.cursorPage == fit)
        let rect = try #require(Layout(width: 100, height: 30, focus: .pageMap).rect(.pageMap)).inner
        let columns = UInt32(rect.width - 9)
        fixture.press(.down)
        #expect(fixture.screen.cursorPage == fit + columns * fit)
        fixture.press(.character("+"))
        #expect(fixture.screen.pagesPerCell == max(1, fit / 2))
        fixture.press(.character("-"), .character("-"))
        #expect(fixture.screen.pagesPerCell == fit, "zooming out stops at the whole arena")
        fixture.press(.click(x: rect.x + 9 + 3, y: rect.y + 1))
        #expect(fixture.screen.cursorPage == (columns + 3) * fit)
    }

    @Test func rangesSortAndJump() throws {
        let fixture = try Fixture(workload: "churn", steps: 300)
        fixture.press(.tab)
        fixture.press(.character("s"))
        #expect(fixture.screen.text.contains("Allocator ranges · by size"))
        let runs = fixture.backend.latest!.pages.runs.sorted { ($0.count, $1.first) > ($1.count, $0.first) }
        fixture.press(.down, .enter)
        let geometry = try #require(fixture.backend.latest?.geometry)
        #expect(fixture.screen.hexCursor == geometry.address(ofPage: runs[1].first))
        #expect(fixture.screen.cursorPage == runs[1].first)
    }

    @Test func searchFindsBytesInBackedPages() throws {
        let fixture = try Fixture(workload: "churn", steps: 200)
        fixture.press(.character("g"))
        fixture.type(hex(fixture.backend.latest!.geometry.userVMStart))
        fixture.press(.enter)
        fixture.press(.character("/"))
        fixture.type("1c a1")
        fixture.press(.enter)
        let found = try #require(fixture.screen.field(after: "found at ").flatMap(parseNumber))
        var reader = ArenaReader(snapshot: fixture.backend.latest!, source: fixture.source)
        #expect(try reader.read(found, length: 2) == [0x1C, 0xA1])
        #expect(fixture.screen.hexCursor == found & ~7, "the cursor is on the word holding the match")
        // Searching again goes on after the match, not to the same one.
        fixture.press(.character("/"))
        fixture.type("1c a1")
        fixture.press(.enter)
        let next = try #require(fixture.screen.field(after: "found at ").flatMap(parseNumber))
        #expect(next > found)
        #expect(try reader.read(next, length: 2) == [0x1C, 0xA1])
        fixture.press(.character("/"))
        fixture.type("zz")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("hex bytes"))
    }

    @Test func pauseIntervalAndGoneAreShown() throws {
        let fixture = try Fixture()
        fixture.press(.character("p"))
        #expect(fixture.backend.isPaused)
        #expect(fixture.screen.text.contains("PAUSED"))
        fixture.press(.character("<"))
        #expect(fixture.backend.interval == 0.2)
        fixture.press(.character(">"), .character(">"))
        #expect(fixture.backend.interval == 0.05)
        #expect(fixture.screen.status.contains(" 20 Hz "))
        #expect(fixture.press(.character("q")) == .quit)
    }

    @Test func aVanishedArenaIsSaidPlainlyAndItsLastSnapshotKept() throws {
        let source = VanishingSource(try EmulatedSource(workload: "list", seed: 1))
        let backend = SamplingBackend(source: source, interval: 0.1, clock: { 0 })
        backend.sampleNow()
        let app = InspectorApp(backend: backend, width: 100, height: 30)
        source.hasVanished = true
        app.absorb(backend.sampleNow())
        let text = app.render().text
        #expect(text.contains(" the arena vanished — showing the last snapshot"))
        #expect(text.contains("Pages · page 0 allocated"), "the last snapshot stays on screen")
    }

    @Test func redrawsOnlyWhenASampleOrAKeyChangedSomething() throws {
        let fixture = try Fixture()
        #expect(!fixture.app.tick(), "no sample due: nothing to draw")
        fixture.now += 0.1
        #expect(fixture.app.tick(), "a new sample is drawn")
        #expect(!fixture.app.tick())
        #expect(fixture.press(.character("Z")) == .none, "a key bound to nothing changes nothing")
        #expect(fixture.press(.down) == .redraw)
    }

    @Test func drawingChangesNothing() throws {
        let fixture = try Fixture(workload: "churn", steps: 300, width: 120, height: 40)
        fixture.press(.tab, .down, .down, .tab, .down)
        let first = fixture.app.render()
        #expect(fixture.app.render() == first, "a second frame of the same state is the same")
        fixture.press(.down)
        let moved = fixture.screen.hexCursor
        let again = try Fixture(workload: "churn", steps: 300, width: 120, height: 40)
        again.press(.tab, .down, .down, .tab, .down, .down)
        #expect(again.screen.hexCursor == moved, "keys do the same whether or not frames were drawn between them")
    }

    @Test func freedPagesFadeOverSamples() throws {
        let fixture = try Fixture(workload: "churn", steps: 500, width: 100, height: 30)
        for _ in 0..<12 { fixture.press(.character("+")) }
        #expect(fixture.screen.pagesPerCell == 1)
        var freedPage: UInt32?
        for _ in 0..<5 where freedPage == nil {
            fixture.step(40)
            freedPage = fixture.backend.lastDiff?.freed.first?.first
        }
        let page = try #require(freedPage)
        fixture.press(.character("g"))
        fixture.type(hex(fixture.backend.latest!.geometry.address(ofPage: page)))
        fixture.press(.enter)
        #expect(fixture.screen.cursorPage == page)
        #expect(glyphAtPageMapCursor(fixture) == "x", "freed pages show as x")
        for _ in 0..<3 { fixture.step(0) }
        #expect(glyphAtPageMapCursor(fixture) == "·", "faded after a few samples")
    }

    /// The character the page map shows at its cursor.
    private func glyphAtPageMapCursor(_ fixture: Fixture) -> Unicode.Scalar? {
        let grid = fixture.app.render()
        let rect = Layout(width: grid.width, height: grid.height, focus: .pageMap).rect(.pageMap)!.inner
        for y in rect.y..<rect.y + rect.height {
            for x in rect.x..<rect.x + rect.width where grid[x, y].role == .cursor { return grid[x, y].character }
        }
        return nil
    }
}

@Suite struct SafetyTests {
    @Test func arenaBytesNeverReachTheScreenRaw() throws {
        let fixture = try Fixture(width: 100, height: 30)
        let arena = fixture.source.arena
        let page = arena.allocPages(count: 1)
        try arena.userWrite(page, Array("\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m".utf8) + [0x00, 0x7F, 0x85, 0xFF])
        fixture.step(0)
        fixture.press(.character("g"))
        fixture.type(hex(page))
        fixture.press(.enter)
        let grid = fixture.app.render()
        #expect(grid.text.contains("]0;pwned"), "printable bytes are shown")
        for cell in grid.cells {
            let value = cell.character.value
            #expect(value >= 0x20 && value != 0x7F && !(0x80..<0xA0).contains(value))
        }
    }

    @Test func gridRefusesControlCharactersFromAnyText() {
        var grid = CellGrid(width: 20, height: 1)
        grid.put("a\u{1b}b\u{9b}c\u{0}d\u{202e}e", x: 0, y: 0)
        #expect(grid.text == "a?b?c?d?e")
    }

    @Test func onlyOneColumnCharactersAreDrawn() {
        var grid = CellGrid(width: 20, height: 1)
        grid.put("é-ß-Ж-λ-录音-😀-·─", x: 0, y: 0)
        #expect(grid.text == "é-ß-Ж-λ-??-?-·─", "wide letters and emoji would shift the line")
    }
}

/// An emulated source whose arena goes away on demand.
final class VanishingSource: ArenaSource {
    struct Vanished: ClassifiedSampleError, CustomStringConvertible {
        var sampleFailureKind: SampleFailureKind { .gone }
        var description: String { "the arena vanished" }
    }
    let inner: EmulatedSource
    var hasVanished = false

    init(_ inner: EmulatedSource) { self.inner = inner }

    var descriptor: SourceDescriptor { inner.descriptor }
    var capabilities: SourceCapabilities { inner.capabilities }

    func sample() throws -> Snapshot {
        if hasVanished { throw Vanished() }
        return inner.sample()
    }

    func pageBytes(_ page: UInt32) throws -> [UInt8] {
        if hasVanished { throw Vanished() }
        return try inner.pageBytes(page)
    }
}
