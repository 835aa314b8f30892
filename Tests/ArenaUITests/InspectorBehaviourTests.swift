import Testing
import ArenaModel
import ArenaEmulator
@testable import ArenaUI
import ArenaScreen

@Suite struct InspectorBehaviourTests {
    @Test func followsPointersAndComesBack() throws {
        let fixture = try Fixture(steps: 30)
        let app = fixture.app
        let head = try #require(fixture.backend.latest?.roots.first?.address)
        #expect(app.hexCursor == head, "starts at the first structure root")
        app.focus = .hexdump
        var reader = try #require(app.reader())
        let next = try reader.word(at: head)
        fixture.press(.enter)
        #expect(app.hexCursor == next)
        #expect(app.history == [head])
        fixture.press(.backspace)
        #expect(app.hexCursor == head)
    }

    @Test func chainListsTheListToItsEnd() throws {
        let fixture = try Fixture(steps: 30)
        let chain = try #require(try fixture.app.chain()?.get())
        #expect(chain.stop == .null)
        #expect(chain.hops.first?.address == fixture.backend.latest?.roots.first?.address)
        #expect(fixture.app.render().text.contains("stop: null"))
    }

    @Test func chainOffsetComesFromTheCursorWord() throws {
        let fixture = try Fixture(workload: "rbtree", steps: 30)
        let app = fixture.app
        app.focus = .hexdump
        #expect(app.chainOffset == 8, "the rbtree root follows left children")
        fixture.press(.right, .right)
        fixture.press(.character("c"))
        #expect(app.chainOffset == app.hexCursor - app.chainNode)
        #expect(app.chainOffset == 16, "now the right children")
    }

    @Test func pageMapMovesZoomsAndClicks() throws {
        let fixture = try Fixture(workload: "churn", steps: 100, width: 100, height: 30)
        let app = fixture.app
        _ = app.render()
        let fit = app.lastMapGeometry.pagesPerCell
        app.cursorPage = 0
        fixture.press(.right)
        #expect(app.cursorPage == fit)
        fixture.press(.down)
        #expect(app.cursorPage == fit + UInt32(app.lastMapGeometry.columns) * fit)
        fixture.press(.character("+"))
        _ = app.render()
        #expect(app.lastMapGeometry.pagesPerCell == max(1, fit / 2))
        fixture.press(.character("-"), .character("-"))
        _ = app.render()
        #expect(app.lastMapGeometry.pagesPerCell == fit, "zooming out stops at the whole arena")
        let rect = try #require(Layout(width: 100, height: 30, focus: .pageMap).rect(.pageMap)).inner
        fixture.press(.click(x: rect.x + PageMapPane.gutterWidth + 3, y: rect.y + 1))
        #expect(app.cursorPage == UInt32(app.lastMapGeometry.columns + 3) * fit)
    }

    @Test func rangesSortAndJump() throws {
        let fixture = try Fixture(workload: "churn", steps: 300)
        let app = fixture.app
        app.focus = .ranges
        fixture.press(.character("s"))
        let runs = app.runs()
        #expect(runs.map(\.count) == runs.map(\.count).sorted(by: >))
        fixture.press(.down, .enter)
        let geometry = try #require(fixture.backend.latest?.geometry)
        #expect(app.hexCursor == geometry.address(ofPage: runs[1].first))
        #expect(app.cursorPage == runs[1].first)
    }

    @Test func searchFindsBytesInBackedPages() throws {
        let fixture = try Fixture(workload: "churn", steps: 200)
        let app = fixture.app
        app.hexCursor = fixture.backend.latest!.geometry.userVMStart
        fixture.press(.character("/"))
        fixture.type("1c a1")
        fixture.press(.enter)
        var reader = try #require(app.reader())
        #expect(try reader.read(app.hexCursor, length: 2) == [0x1C, 0xA1])
        #expect(app.message?.hasPrefix("found at") == true)
        fixture.press(.character("/"))
        fixture.type("zz")
        fixture.press(.enter)
        #expect(app.message?.contains("hex bytes") == true)
    }

    @Test func pauseIntervalAndGoneAreShown() throws {
        let fixture = try Fixture()
        fixture.press(.character("p"))
        #expect(fixture.backend.isPaused)
        #expect(fixture.app.render().text.contains("PAUSED"))
        fixture.press(.character("<"))
        #expect(fixture.backend.interval == 0.2)
        fixture.press(.character(">"), .character(">"))
        #expect(fixture.backend.interval == 0.05)
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
        #expect(text.contains("Pages · 0 allocated"), "the last snapshot stays on screen")
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

    @Test func freedPagesFadeOverSamples() throws {
        let fixture = try Fixture(workload: "churn", steps: 500, width: 100, height: 30)
        fixture.app.zoomPagesPerCell = 1
        var sawFreed = false
        for _ in 0..<5 where !sawFreed {
            fixture.step(40)
            sawFreed = !(fixture.backend.lastDiff?.freed.isEmpty ?? true)
        }
        #expect(sawFreed)
        let freed = try #require(fixture.backend.lastDiff?.freed.first)
        #expect(fixture.app.freedAge(first: freed.first, count: 1) == 0)
        for _ in 0..<InspectorApp.freedMemory { fixture.step(0) }
        #expect(fixture.app.freedAge(first: freed.first, count: 1) == nil, "faded after a few samples")
    }
}

@Suite struct SafetyTests {
    @Test func arenaBytesNeverReachTheScreenRaw() throws {
        let fixture = try Fixture(width: 100, height: 30)
        let arena = fixture.source.arena
        let page = arena.allocPages(count: 1)
        try arena.userWrite(page, Array("\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m".utf8) + [0x00, 0x7F, 0x85, 0xFF])
        fixture.step(0)
        fixture.app.jump(to: page, remember: false)
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

    func sample() throws -> Snapshot {
        if hasVanished { throw Vanished() }
        return inner.sample()
    }

    func pageBytes(_ page: UInt32) throws -> [UInt8] {
        if hasVanished { throw Vanished() }
        return try inner.pageBytes(page)
    }
}
