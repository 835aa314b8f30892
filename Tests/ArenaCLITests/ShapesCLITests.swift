import Foundation
import Testing
import LiveTestSupport
import ArenaLive

/// `objects` and `export --objects` with `--btf prog.bpf.o` (its DWARF through pahole, its
/// shape beside it) on a hash table built the way the kernel's selftest builds it.
@Suite(.serialized, .needsLiveArenas) struct ShapesCLITests {
    @Test func objectsAndTheExporterCountTheTableAsTheProgramBuiltIt() throws {
        let program = try HashTableProgram()
        for _ in 0..<2 { try program.insert(50, buckets: 8) }
        let id = String(try program.arenaID)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-shapes-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let object = folder + "/htab.bpf.o"
        try Data(HashTableProgram.objectFile).write(to: URL(fileURLWithPath: object))
        try Data(HashTableProgram.shape.utf8).write(to: URL(fileURLWithPath: folder + "/htab.shape"))

        let map = try #require(try BinaryRunner.json(["objects", "--map-id", id, "--btf", object, "--json"]) as? [String: Any])
        let types = try #require(map["types"] as? [[String: Any]])
        let elements = try #require(types.first { $0["type"] as? String == "struct hashtab_elem" }, "\(types)")
        #expect(elements["count"] as? Int == 100 && elements["bytes"] as? Int == 3200)
        #expect(types.first { $0["type"] as? String == "struct arena_list_head" }?["count"] as? Int == 8, "every bucket")
        #expect((map["unreached_pages"] as? [Any])?.isEmpty == true && (map["bad_pointers"] as? [Any])?.isEmpty == true, "\(map)")
        #expect((map["containers"] as? [[String: Any]])?.first?["container"] as? String == "struct hashtab_elem")

        // By map name, as bpftool users pick maps: one arena of the name is it; several are listed.
        // Other live suites create and drop arenas named `arena` meanwhile, so the check reads the
        // arenas the command itself saw: its answer, or the ids its error lists.
        #expect(try LiveSource.arenaIDs(named: "arena").contains(UInt32(id)!))
        let byName = try BinaryRunner.run(["-j", "snapshot", "--name", "arena"])
        if byName.status == 0 {
            #expect(byName.stdout.contains("\"map_id\":\(id)"), "the only arena of the name is this one: \(byName.stdout.prefix(300))")
        } else {
            let listed = try #require(
                byName.stderr.firstMatch(of: /(\d+) arenas are named 'arena' \(ids ([0-9, ]+)\): choose one with --map-id/), "\(byName.status) \(byName.stderr)"
            )
            let ids = listed.2.split(separator: ", ").map(String.init)
            #expect(byName.status == 64 && Int(listed.1) == ids.count && ids.count >= 2 && ids.contains(id), "\(byName.stderr)")
            #expect(byName.stdout.hasPrefix("{\"error\":"), "the error as JSON on stdout too")
        }

        let metrics = try BinaryRunner.run(["export", "--objects", "--once", "--btf", object])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        let series = "{id=\"\(id)\",name=\"arena\""
        #expect(metrics.stdout.contains("arenascope_arena_objects\(series),type=\"struct hashtab_elem\"} 100\n"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains("arenascope_arena_unreached_pages\(series)} 0\n"))
        #expect(metrics.stdout.contains("arenascope_arena_container_objects\(series)} 100\n"))
        #expect(metrics.stdout.contains("arenascope_arena_bad_pointers\(series)} 0\n"))
    }
}
