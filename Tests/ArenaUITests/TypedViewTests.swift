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
        #expect(fixture.screen.text.contains("Allocator ranges"), "O again brings the ranges back")
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
