import Foundation
import ArenaModel
import Testing
import ArenaUI
import ArenaText

@Suite struct TypedViewTests {
    @Test func viewAsTypeFollowPointersAndChainByName() throws {
        let fixture = try Fixture(workload: "list", steps: 30)
        fixture.press(.character("o"))
        let head = try #require(fixture.screen.hexCursor)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct arena_list_node at \(hex(head))") == true, "o opens the root typed")
        fixture.press(.character("v"))
        #expect(fixture.screen.status.contains(": struct arena_list_node█"), "v offers the type shown")
        fixture.press(.character("\u{15}"))
        #expect(fixture.screen.status.contains("(struct NAME): █"), "Ctrl-U clears the prompt")
        fixture.type("struct arena_list_nod")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("did you mean 'struct arena_list_node'"))
        fixture.press(.character("v"), .character("\u{15}"))
        fixture.type("struct arena_list_")
        fixture.press(.tab)
        #expect(fixture.screen.status.contains("struct arena_list_head, struct arena_list_node"), "two types start so, shown while typing")
        fixture.press(.backspace)
        fixture.type("_n")
        fixture.press(.tab)
        #expect(fixture.screen.status.contains("view as type (struct NAME): struct arena_list_node█"), "one does: completed")
        fixture.press(.enter)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct arena_list_node at \(hex(head))") == true)
        let rows = fixture.screen.fieldRows()
        #expect(rows.map(\.name) == ["next", "pprev", "value"])
        var reader = ArenaReader(snapshot: fixture.backend.latest!, source: fixture.source)
        let next = try reader.word(at: head)
        #expect(rows.first?.rest.contains(hex(next)) == true)
        try assertSnapshot(fixture.screen.text, named: "fields-100x30")

        fixture.press(.enter)
        #expect(fixture.screen.hexCursor == next, "Enter follows next")
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct arena_list_node at \(hex(next))") == true, "and views it as its pointee type")
        fixture.press(.backspace)
        #expect(fixture.screen.hexCursor == head)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct arena_list_node at \(hex(head))") == true, "back to the remembered typed value")

        fixture.press(.character("n"))
        #expect(fixture.screen.fieldsTitle == nil, "the chain takes the pane again")
        #expect(fixture.screen.chainTitle?.hasPrefix("\(hex(head)) via next (+0)") == true)
        let ending = try #require(fixture.screen.lines.first { $0.contains(" nodes, stop: ") })
        #expect(ending.contains("stop: null"))
        let nodes = Int(ending.split(separator: "│")[0].split(separator: " ")[0]) ?? 0
        #expect(nodes > 10)
        fixture.press(.character("f"))
        #expect(fixture.screen.fieldsTitle != nil, "f shows the fields again")
        fixture.press(.tab, .tab, .tab)
        fixture.press(.character("v"))
        #expect(fixture.screen.status.contains("struct arena_list_node█"), "the type remembered for the cursor is offered")
    }

    @Test func theRootsListOpensARootTyped() throws {
        let fixture = try Fixture(workload: "rbtree", steps: 10)
        let roots = try #require(fixture.backend.latest?.roots)
        fixture.press(.tab, .character("O"))
        let screen = fixture.screen
        #expect(screen.text.contains("Roots · 2 · Enter opens"))
        #expect(screen.lines.contains { $0.contains("root ") && $0.contains("struct rb_elem") })
        #expect(!screen.text.contains("Allocator ranges"), "the roots take the ranges' place")
        fixture.press(.down, .enter)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct rb_tree at \(hex(roots[1].address))") == true)
        #expect(fixture.screen.hexCursor == roots[1].address)
        #expect(fixture.screen.status.contains("root tree: struct rb_tree"))
        fixture.press(.character("O"))
        #expect(fixture.screen.text.contains("Objects · "), "O again: the objects")
        fixture.press(.character("O"))
        #expect(fixture.screen.text.contains("Allocator ranges"), "and once more the ranges")
    }

    /// Ticks (as the terminal loop does every 50 ms at most) until `done`, for at most 5 s.
    static func tick(_ fixture: Fixture, until done: () -> Bool) {
        let deadline = Date().addingTimeInterval(5)
        while !done() && Date() < deadline {
            _ = fixture.app.tick()
            usleep(2_000)
        }
    }

    @Test func theObjectsPaneWalksOffTheKeyPathAndOpensAnObjectTyped() throws {
        let fixture = try Fixture(workload: "leaky", steps: 320)
        fixture.press(.tab, .character("O"), .character("O"))
        #expect(fixture.screen.text.contains("Objects · O ranges"), "the walk has not started: no key waits for it")
        Self.tick(fixture) { fixture.screen.text.contains(" types · ") }
        let screen = fixture.screen
        #expect(screen.text.contains("Objects · 100 in 3 types · 23.1% reached"), "the same figures as arenascope objects")
        let nodes = try #require(screen.lines.first { $0.contains("struct arena_list_node") })
        #expect(nodes.contains("98") && nodes.contains("2352"))
        #expect(screen.lines.contains { $0.contains("bad log.stale = ") && $0.contains("→ free") }, "bad pointers listed under the types")
        #expect(screen.text.contains("! unreached · free"), "the page map's legend names the overlay")
        let mapCells = screen.lines.prefix(8).compactMap { $0.split(separator: "│").first }.joined()
        #expect(mapCells.filter { $0 == "!" }.count == 3, "pages 1014-1023 unreached: 3 cells of 4 pages")
        fixture.press(.enter)
        #expect(fixture.screen.text.contains("Objects · struct arena_list_node · 98"), "Enter lists the type's objects")
        let first = try #require(fixture.screen.lines.first { $0.contains("│0       ") }, "\(fixture.screen.text)")
        let address = try #require(parseNumber(String(first.split(separator: " ").last { $0.hasPrefix("0x") } ?? "")))
        fixture.press(.enter)
        #expect(fixture.screen.fieldsTitle?.hasPrefix("struct arena_list_node at \(hex(address))") == true, "Enter opens the object typed")
        #expect(fixture.screen.hexCursor == address)
        fixture.press(.tab, .tab, .left)  // from the fields pane round to the objects
        #expect(fixture.screen.text.contains("Objects · 100 in 3 types"), "← goes back to the types")
        fixture.press(.end, .enter)
        #expect(fixture.screen.status.contains("log.stale = ") && fixture.screen.status.contains("→ free"), "Enter on a bad pointer goes to its field")
        let field = try #require(fixture.screen.hexCursor)
        fixture.press(.right, .right)  // the cursor off the field, two words on
        let row = try #require(fixture.screen.lines.firstIndex { $0.hasPrefix("│" + Hexdump.paddedHex(field & ~15, width: 12)) })
        #expect(fixture.screen.grid.roleLine(row).filter { $0 == "E" }.count == 16, "the bad pointer's 8 bytes (two hex digits each) in the error role")
        fixture.press(.tab, .tab, .tab, .character("O"))
        #expect(fixture.screen.text.contains("Allocator ranges"), "O goes round to the ranges")
        #expect(!fixture.screen.text.contains("! unreached"), "and the overlay goes with the objects")
    }

    @Test func whoPointsAtTheCursorIsAnsweredByTheNextWalk() throws {
        let fixture = try Fixture(workload: "list", steps: 30)
        fixture.press(.character("o"))
        let head = try #require(fixture.screen.hexCursor)
        fixture.press(.character("R"))
        #expect(fixture.screen.text.contains("Who points at \(hex(head)) · asking"), "the walk answers, not the key")
        Self.tick(fixture) { fixture.screen.text.contains("Who points at \(hex(head)) · 2 · ") }
        let rows = fixture.screen.lines.filter { $0.contains(" at 0x") && ($0.contains("list_head.first") || $0.contains("head.next->pprev")) }
        #expect(rows.count == 2, "the list's head pointer and the first node's pprev, as refs --addr finds them")
        fixture.press(.tab, .tab, .enter)  // from the fields pane round to the list
        #expect(fixture.screen.status.contains("list_head.first = \(hex(head))"), "Enter goes to the pointer")
        #expect(fixture.screen.hexCursor != head)
        fixture.press(.tab, .tab, .tab, .left)
        #expect(fixture.screen.text.contains("Objects · "), "← goes back to the types")
    }

    @Test func enumsAndBitfieldsShowTheirMeaning() throws {
        let tree = try Fixture(workload: "rbtree", steps: 5)
        tree.press(.character("o"))
        #expect(tree.screen.fieldsTitle?.hasPrefix("struct rb_elem at ") == true, "the root opens as its own type")
        tree.press(.end)
        let color = try #require(tree.screen.fieldRows().first { $0.name == "is_red" })
        #expect(color.rest.hasSuffix("RB_BLACK (0)"), "the root of a red-black tree is black")
        let churn = try Fixture(workload: "churn", steps: 5)
        churn.press(.character("o"), .character("v"), .character("\u{15}"))
        churn.type("churn_extent")
        churn.press(.enter)
        let magic = try #require(churn.screen.fieldRows().first { $0.name == "magic" })
        #expect(magic.rest.hasSuffix(String(0xA11C)) && magic.offset == "+12.0")
    }

    @Test func tabCompletesBareNamesToWhatTheirMatchesShare() throws {
        let fixture = try Fixture(workload: "hashtab", steps: 5)
        fixture.press(.character("v"))
        fixture.type("hash")
        fixture.press(.tab)
        #expect(fixture.screen.status.contains(": struct hashtab_█"), "both hashtab types share it")
        fixture.type("e")
        #expect(fixture.screen.status.contains("Enter go · Esc cancel"), "typing clears the candidates")
        fixture.press(.tab)
        #expect(fixture.screen.status.contains(": struct hashtab_elem█"))
        fixture.press(.escape)
        fixture.press(.character("v"))
        fixture.type("zzz")
        fixture.press(.tab)
        #expect(fixture.screen.text.contains("no type starts with 'zzz'"), "said while typing")
    }

    @Test func unbackedAddressesSaySo() throws {
        let fixture = try Fixture(workload: "list", steps: 5)
        fixture.press(.character("g"))
        fixture.type("0x7f0000100000")
        fixture.press(.enter, .character("v"))
        fixture.type("arena_list_node")
        fixture.press(.enter)
        #expect(fixture.screen.fieldsTitle != nil)
        #expect(fixture.screen.text.contains("page 256, which is free"))
        #expect(fixture.screen.fieldRows().isEmpty, "nothing is decoded from an unbacked page")
    }
}
