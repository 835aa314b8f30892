import Foundation
import Testing
import ArenaModel
import ArenaTypes
import ArenaUI

/// `v` on a root or a field: its type goes into the source's shape file, and the walk uses it.
@Suite struct ShapeDeclarationTests {
    @Test func vOnARootOrAFieldSavesItsTypeIntoTheShapeFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-ui-\(UUID().uuidString)/list.shape").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path) }
        // `struct holder { void *raw; }`: a field whose type the BTF does not give.
        var btf = BTFBuilder()
        _ = btf.structure("holder", size: 8, [.field("raw", btf.pointer(to: 0), at: 0)])
        let fixture = try Fixture(workload: "list", steps: 30, width: 220, types: [TypeBlob(origin: "test", btf: btf.build())], shapeFile: file)
        fixture.press(.tab, .character("O"), .character("v"))
        #expect(fixture.screen.status.contains("type of head for the shape (struct NAME *): struct arena_list_node"), "offering the root's own type")
        fixture.press(.character("\u{15}"))
        fixture.type("struct arena_list_nod")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("no type named 'struct arena_list_nod'"), "\(fixture.screen.status)")
        #expect(!FileManager.default.fileExists(atPath: file), "nothing saved")
        fixture.press(.character("v"), .character("\u{15}"))
        fixture.type("struct arena_list_node")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("saved 'head = struct arena_list_node' in \(file)"), "\(fixture.screen.status)")

        // A field of the value shown: `o` opens the first root typed, the fields in the chase pane's place.
        fixture.press(.character("o"), .character("v"))
        #expect(fixture.screen.status.contains("view as type (struct NAME)"), "on a typed field, v views the cursor as a type")
        fixture.press(.character("\u{15}"))
        fixture.type("struct holder")
        fixture.press(.enter, .character("v"))
        #expect(fixture.screen.status.contains("type of struct holder.raw for the shape"), "on a void * field, v asks for its type: \(fixture.screen.status)")
        fixture.type("struct arena_list_node")
        fixture.press(.enter)
        #expect(fixture.screen.status.contains("saved 'struct holder.raw = struct arena_list_node *'"), "the * a field's type needs is added")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "head = struct arena_list_node\nstruct holder.raw = struct arena_list_node *\n")
    }

    @Test func withoutAShapeFileADeclarationHoldsForTheSession() throws {
        let fixture = try Fixture(workload: "list", steps: 30, width: 220)
        fixture.press(.tab, .character("O"), .character("v"), .enter)
        #expect(
            fixture.screen.status.contains("'head = struct arena_list_node' holds for this session (the source has no shape file: --shape FILE keeps it)"),
            "\(fixture.screen.status)")
    }
}
