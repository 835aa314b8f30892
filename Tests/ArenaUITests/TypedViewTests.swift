import ArenaModel
import Testing
@testable import ArenaUI
import ArenaText

@Suite struct TypedViewTests {
    @Test func viewAsTypeFollowPointersAndChainByName() throws {
        let fixture = try Fixture(workload: "list", steps: 30)
        let app = fixture.app
        fixture.press(.character("o"))
        let head = app.hexCursor
        fixture.press(.character("v"))
        fixture.type("struct arena_list_nod")
        fixture.press(.enter)
        #expect(app.message?.contains("did you mean 'struct arena_list_node'") == true)
        fixture.press(.character("v"))
        fixture.type("struct arena_list_")
        fixture.press(.tab)
        #expect(app.message == "struct arena_list_head, struct arena_list_node", "two types start so")
        #expect(app.render().text.contains("struct arena_list_head, struct arena_list_node"), "shown while typing")
        fixture.press(.backspace)
        fixture.type("_n")
        fixture.press(.tab)
        #expect(app.overlay == .prompt(.viewAsType, "struct arena_list_node"), "one does: completed")
        fixture.press(.enter)
        #expect(app.showFields && app.focus == .chase && app.typedAddress == head)
        let lines = app.fieldLines()
        #expect(lines.map(\.name) == ["next", "pprev", "value"])
        let next = try #require(lines.first?.target)
        try assertSnapshot(app.render().text, named: "fields-100x30")

        fixture.press(.enter)
        #expect(app.hexCursor == next && app.typedAddress == next, "Enter follows next and views it as its pointee type")
        #expect(app.rememberedTypes.count == 2)
        fixture.press(.backspace)
        #expect(app.hexCursor == head && app.typedAddress == head, "back to the remembered typed value")

        fixture.press(.character("n"))
        #expect(!app.showFields && app.chainField == "next" && app.chainNode == head && app.chainOffset == 0)
        guard case .success(let chain)? = app.chain() else { Issue.record("no chain"); return }
        #expect(chain.hops.count > 10 && chain.stop == .null)
        #expect(app.render().text.contains("chain from \(hex(head)) via next (+0)"))
        fixture.press(.character("f"))
        #expect(app.showFields, "f shows the fields again")
    }

    @Test func enumsAndBitfieldsShowTheirMeaning() throws {
        let tree = try Fixture(workload: "rbtree", steps: 5)
        tree.press(.character("o"), .character("v"))
        tree.type("struct rb_elem")
        tree.press(.enter)
        let color = try #require(tree.app.fieldLines().first { $0.name == "is_red" })
        #expect(color.value == "RB_BLACK (0)", "the root of a red-black tree is black")
        let churn = try Fixture(workload: "churn", steps: 5)
        churn.press(.character("o"), .character("v"))
        churn.type("churn_extent")
        churn.press(.enter)
        let magic = try #require(churn.app.fieldLines().first { $0.name == "magic" })
        #expect(magic.value == String(0xA11C) && magic.offset == "+12.0")
    }

    @Test func tabCompletesBareNamesToWhatTheirMatchesShare() throws {
        let fixture = try Fixture(workload: "hashtab", steps: 5)
        fixture.press(.character("v"))
        fixture.type("hash")
        fixture.press(.tab)
        #expect(fixture.app.overlay == .prompt(.viewAsType, "struct hashtab_"), "both hashtab types share it")
        fixture.type("e")
        #expect(fixture.app.message == nil, "typing clears the candidates")
        fixture.press(.tab)
        #expect(fixture.app.overlay == .prompt(.viewAsType, "struct hashtab_elem"))
        fixture.press(.escape)
        fixture.press(.character("v"))
        fixture.type("zzz")
        fixture.press(.tab)
        #expect(fixture.app.render().text.contains("no type starts with 'zzz'"), "said while typing")
    }

    @Test func unbackedAddressesSaySo() throws {
        let fixture = try Fixture(workload: "list", steps: 5)
        fixture.press(.character("g"))
        fixture.type("0x7f0000100000")
        fixture.press(.enter, .character("v"))
        fixture.type("arena_list_node")
        fixture.press(.enter)
        guard case .failure(let error)? = fixture.app.typedValue() else { Issue.record("decoded an unbacked page"); return }
        #expect(error.text.contains("page 256, which is free"))
        #expect(fixture.app.render().text.contains("page 256, which is free"))
    }
}
