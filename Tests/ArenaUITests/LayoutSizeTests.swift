import Foundation
import Testing
import ArenaScreen
import ArenaText
@testable import ArenaUI

/// At the sizes terminals commonly have, every pane's title, the page map's legend and the
/// lists' columns are whole: nothing cut mid-word.
@Suite struct LayoutSizeTests {
    static let sizes = [(80, 24), (100, 30), (120, 36), (140, 40), (160, 48), (200, 60)]

    /// What must be whole on the screen, and the titles the grid had to cut.
    static func expectWhole(_ fixture: Fixture, _ lines: [String], at size: (Int, Int), _ what: String) {
        let grid = fixture.app.render()
        #expect(grid.cutTitles.isEmpty, "\(size.0)x\(size.1) \(what): titles cut: \(grid.cutTitles)")
        let text = Screen(grid).text
        for line in lines { #expect(text.contains(line), "\(size.0)x\(size.1) \(what): '\(line)' is not whole:\n\(text)") }
    }

    @Test(arguments: sizes.indices)
    func titlesLegendAndColumnsAreWhole(size index: Int) throws {
        let size = Self.sizes[index]
        let fixture = try Fixture(workload: "churn", steps: 400, width: size.0, height: size.1)
        Self.expectWhole(fixture, PageGlyph.legendItems + ["pages  state"], at: size, "ranges")
        fixture.press(.tab, .character("O"))
        let roots = fixture.backend.latest?.roots ?? []
        #expect(!roots.isEmpty)
        // The origin column where it fits whole, else none.
        let rootsText = Screen(fixture.app.render()).text
        Self.expectWhole(
            fixture, (rootsText.contains("origin") ? ["address       origin"] + roots.map(\.origin) : ["  address"]) + roots.map(\.name),
            at: size, "roots")
        fixture.press(.character("O"))
        TypedViewTests.tick(fixture) { fixture.app.panes.objects.worker.map != nil }
        _ = fixture.app.tick()
        Self.expectWhole(fixture, ["! unreached"] + PageGlyph.legendItems + ["struct churn_extent"], at: size, "objects")
    }

    /// Columns that do not fit give way from the last; the first keeps at most two thirds of the room.
    @Test func columnsGiveWayFromTheLast() {
        #expect(columnWidths([13, 21], fitting: 40) == [13, 21])
        #expect(columnWidths([13, 21], fitting: 22) == [13, 9])
        #expect(columnWidths([88, 21], fitting: 62) == [41, 21])
        #expect(columnWidths([30, 30], fitting: 6) == [4, 4])
        #expect(columnWidths([2], fitting: 40) == [4])
        #expect("struct churn_extent".column(10) == "struct ch…" && "type".column(6) == "type  ")
    }

    @Test func aTitleDropsItsLastPartsBeforeItIsCut() {
        #expect(CellGrid.fitted("Pages · page 42273 allocated · 48/cell · 0x7f000a521000", width: 40).text == "Pages · page 42273 allocated · 48/cell")
        #expect(CellGrid.fitted("Pages · page 42273 allocated · 48/cell", width: 30) == ("Pages · page 42273 allocated", false))
        #expect(CellGrid.fitted("Allocator ranges", width: 10) == ("Allocator…", true))
        #expect(PageGlyph.legendLines(width: 38, unreached: true) == ["! unreached · free # alloc M mapped", "R rsv F freeing x freed"])
    }
}
