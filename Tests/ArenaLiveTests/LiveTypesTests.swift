import ArenaModel
import ArenaTypes
import Testing
import LiveTestSupport
@testable import ArenaLive

/// Typed views with the real BTF of the programs that built a live arena.
@Suite(.serialized, .needsLiveArenas) struct LiveTypesTests {
    @Test func theProgramsTypesDecodeWhatTheyWrote() throws {
        let workload = try LiveWorkload()
        let head = try workload.buildList(count: 5, firstValue: 100)
        let source = try LiveSource(mapID: try workload.arenaID)
        let catalog = TypeCatalog(try source.typeBlobs())
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        let node = try catalog.lookup("struct wl_node")
        #expect(node.size == 24)
        #expect(node.origin.hasPrefix("prog "), "from a program's BTF: \(node.origin)")
        #expect(!catalog.entries.contains { $0.origin.contains("arenascope_read") }, "arenascope's own reader is left out")
        #expect(try catalog.lookup("wl_args").name == "struct wl_args")
        let snapshot = try source.sample()
        var reader = ArenaReader(snapshot: snapshot) { try source.pageBytes($0) }
        let decoder = TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: snapshot.geometry))
        var address = head
        var values: [UInt64] = []
        for _ in 0..<5 {
            let decoded = try decoder.decode(node.ref, at: address, reader: &reader)
            guard case .record(let fields) = decoded.value else { Issue.record("not a struct"); return }
            #expect(fields.map(\.name) == ["next", "value", "magic"])
            #expect(fields[2].value == .unsigned(0xA7E4A5C0DE))
            if case .unsigned(let value) = fields[1].value { values.append(value) }
            guard case .pointer(let raw, let target, _) = fields[0].value else { Issue.record("next is not a pointer"); return }
            if raw == 0 { break }
            address = try #require(target, "next points into the arena")
        }
        #expect(values == [104, 103, 102, 101, 100], "the list from its head, as the program built it")
        #expect(throws: TypeError.self) { try catalog.lookup("struct wl_nod") }
    }
}
