import Testing
import Foundation
import ArenaModel
import ArenaEmulator
import ArenaUI
import ArenaText

@Suite struct PaneSnapshotTests {
    @Test func fullLayoutAt100x30() throws {
        let fixture = try Fixture()
        try assertSnapshot(fixture.app.render().text, named: "list-100x30")
    }

    @Test func twoColumnsAt160x40WithChurn() throws {
        let fixture = try Fixture(workload: "churn", steps: 400, width: 160, height: 40)
        fixture.step()
        let grid = fixture.app.render()
        try assertSnapshot(grid.text, named: "churn-160x40")
        try assertSnapshot((0..<grid.height).map(grid.roleLine).joined(separator: "\n"), named: "churn-160x40-roles")
    }

    @Test func reducedLayoutShowsTheFocusedPaneOnly() throws {
        let fixture = try Fixture(width: 60, height: 16)
        try assertSnapshot(fixture.app.render().text, named: "list-60x16-pagemap")
        fixture.press(.tab, .tab)
        try assertSnapshot(fixture.app.render().text, named: "list-60x16-hexdump")
    }

    @Test func tooSmallSaysSo() throws {
        let fixture = try Fixture(width: 39, height: 11)
        let text = fixture.app.render().text.replacingOccurrences(of: "\n", with: "")
        #expect(text.hasPrefix("arenascope needs a terminal of at least 40x12 (this one is 39x11)"))
    }

    @Test func helpIsGeneratedFromTheKeyBindings() throws {
        let fixture = try Fixture()
        fixture.press(.character("?"))
        let text = fixture.app.render().text
        for binding in KeyBindings.all { #expect(text.contains(binding.help), "help lists \(binding.label)") }
        #expect(fixture.press(.escape) == .redraw)
        #expect(!fixture.app.render().text.contains("Keys (any key closes)"))
    }

    @Test func unbackedPagesAndPromptsRender() throws {
        let fixture = try Fixture()
        fixture.press(.character("g"))
        fixture.type("0x7f0000200000")
        try assertSnapshot(fixture.app.render().text.components(separatedBy: "\n").suffix(1).joined(), named: "goto-prompt")
        fixture.press(.enter)
        #expect(fixture.app.render().text.contains("page 512 is free: nothing is behind it to show"))
    }
}

@Suite struct HelpLayoutTests {
    @Test func helpFitsAnEightyByTwentyFourTerminal() throws {
        let fixture = try Fixture(width: 80, height: 24)
        fixture.press(.character("?"))
        let text = fixture.app.render().text
        try assertSnapshot(text, named: "help-80x24")
        for binding in KeyBindings.all { #expect(text.contains(binding.help), "help lists \(binding.label) at 80x24") }
    }

    /// Each pane's keys come from the pane, and the help lists them under a heading naming its place.
    @Test func everyPanesKeysAreUnderItsPlacesHeading() {
        let lines = KeyBindings.helpLines
        for id in PaneID.allCases {
            let bindings = KeyBindings.all.filter { $0.pane == id }
            #expect(!bindings.isEmpty, "\(id.title) declares keys")
            for binding in bindings {
                guard let at = lines.firstIndex(of: binding.helpLine) else {
                    Issue.record("\(binding.label) is not in the help")
                    continue
                }
                let heading = lines[..<at].last { $0.hasPrefix("· ") } ?? ""
                #expect(heading.lowercased().contains(id.title.lowercased()), "\(binding.label) under '\(heading)'")
            }
        }
    }

    @Test func helpScrollsWhereItDoesNotFit() throws {
        let fixture = try Fixture(width: 40, height: 12)
        fixture.press(.character("?"))
        #expect(fixture.app.render().text.contains("↑↓ scroll"))
        // Scrolling a line at a time shows every binding's label, in one column.
        var seen = Set<String>()
        for _ in 0..<KeyBindings.helpLines.count {
            let text = fixture.app.render().text
            for binding in KeyBindings.all where text.contains(binding.label.rightPadded(to: 6) + binding.help.prefix(8)) { seen.insert(binding.label) }
            #expect(fixture.press(.down) == .redraw)
        }
        #expect(seen.count == KeyBindings.all.count, "missing: \(KeyBindings.all.map(\.label).filter { !seen.contains($0) })")
        #expect(fixture.screen.showsHelp, "the arrows scroll, they do not close")
        fixture.press(.character("Z"))
        #expect(!fixture.screen.showsHelp, "another key closes")
    }
}
