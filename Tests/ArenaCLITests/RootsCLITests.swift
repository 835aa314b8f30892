import Foundation
import Glibc
import Testing
import LiveTestSupport
import ArenaLive

/// `roots`, `decode --root`, `chase --root --field` and `--btf`, through the real binary.
@Suite struct RootsCLITests {
    @Test func emulatedWorkloadsHaveTypedRootsThatDecodeAndChase() throws {
        let list = ["--emulate", "list", "--steps", "12"]
        let roots = try #require((try BinaryRunner.json(["roots"] + list + ["--json"]) as? [String: Any])?["roots"] as? [[String: Any]])
        #expect(roots.map { $0["name"] as? String } == ["head", "list_head"])
        #expect(roots.map { $0["type"] as? String } == ["struct arena_list_node", "struct arena_list_head"])
        #expect(roots.allSatisfy { $0["origin"] as? String == "workload list" })
        let head = try #require(try BinaryRunner.json(["decode"] + list + ["--root", "list_head", "--json"]) as? [String: Any])
        #expect(head["type"] as? String == "struct arena_list_head")
        let first = try #require((head["fields"] as? [[String: Any]])?.first?["value"] as? UInt64)
        #expect(first == roots[0]["addr"] as? UInt64, "list_head.first is the head node")
        let chain = try #require(try BinaryRunner.json(["chase"] + list + ["--root", "head", "--field", "next", "--json"]) as? [String: Any])
        #expect((chain["hops"] as? [Any])?.count ?? 0 > 5 && chain["stop"] as? String == "null")
        let words = try #require(try BinaryRunner.json(["decode"] + list + ["--root", "head", "--type", "u64[3]", "--json"]) as? [String: Any])
        #expect((words["value"] as? [UInt64])?.count == 3)
    }

    @Test func snapshotsAndRecordingsKeepTheRootsTypes() throws {
        let snapshot = try #require(try BinaryRunner.json(["snapshot", "--emulate", "rbtree", "--steps", "5", "--json"]) as? [String: Any])
        let roots = try #require(snapshot["roots"] as? [[String: Any]])
        #expect(roots.first?["type"] as? String == "struct rb_elem" && roots.first?["origin"] as? String == "workload rbtree")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roots-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try BinaryRunner.run(["record", "--emulate", "rbtree", "--steps", "4", "--frames", "2", "-o", path]).status == 0)
        let replayed = try #require(
            (try BinaryRunner.json(["roots", "--replay", path, "--frame", "1", "--json"]) as? [String: Any])?["roots"] as? [[String: Any]])
        #expect(replayed.map { $0["type"] as? String } == ["struct rb_elem", "struct rb_tree"])
        #expect(replayed.allSatisfy { $0["origin"] as? String == "workload rbtree" })
    }

    @Test func wrongRootsFieldsAndTypeFilesAreOneLineErrors() throws {
        let list = ["--emulate", "list", "--steps", "3"]
        let unknown = try BinaryRunner.run(["decode"] + list + ["--root", "lst_head"])
        #expect(unknown.status == 64 && unknown.stderr == "arenascope: error: no root named 'lst_head' (did you mean 'list_head'?)\n")
        let field = try BinaryRunner.run(["chase"] + list + ["--root", "head", "--field", "nxt"])
        #expect(field.status == 64 && field.stderr.contains("has no field 'nxt' (did you mean 'next'?)"))
        let missing = try BinaryRunner.run(["types"] + list + ["--btf", "/nonexistent/types.o"])
        #expect(missing.status == 66 && missing.stderr == "arenascope: error: no such BTF file: /nonexistent/types.o\n")
        let folder = FileManager.default.temporaryDirectory
        let text = folder.appendingPathComponent("not-btf-\(UUID().uuidString)").path
        let damaged = folder.appendingPathComponent("damaged-\(UUID().uuidString).btf").path
        defer { for path in [text, damaged] { try? FileManager.default.removeItem(atPath: path) } }
        try Data("just text\n".utf8).write(to: URL(fileURLWithPath: text))
        // BTF magic, version 1, then a header whose sections lie outside the blob.
        try Data([0x9F, 0xEB, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0]).write(to: URL(fileURLWithPath: damaged))
        for path in [text, damaged] {
            let result = try BinaryRunner.run(["types"] + list + ["--btf", path])
            #expect(result.status == 65 && result.stderr.hasPrefix("arenascope: error: \(path) is not usable BTF: "), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        }
    }
}

/// The same on a live arena built by a program shaped like users' (libbpf 1.4, arena globals).
@Suite(.serialized, .needsLiveArenas) struct LiveRootsCLITests {
    @Test func rootsOfAProgramsArenaAndTypesItsBTFLacksFromAnObject() throws {
        let program = try RootsProgram()
        try program.add(4, first: 100)
        let id = String(try program.arenaID)
        let roots = try #require((try BinaryRunner.json(["roots", "--map-id", id, "--json"]) as? [String: Any])?["roots"] as? [[String: Any]])
        let byName = Dictionary(roots.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["list"]?["origin"] as? String == "arena global" && byName["list"]?["type"] as? String == "struct arena_list_head")
        #expect(byName["list_ptr"]?["addr"] as? UInt64 == byName["list"]?["addr"] as? UInt64)
        #expect(byName["config.scratch"]?["type"] is NSNull, "an untyped root")

        // The program's BTF only declares the list node and lacks the element type.
        let types = try #require((try BinaryRunner.json(["types", "--map-id", id, "--json"]) as? [String: Any])?["types"] as? [[String: Any]])
        #expect(types.first { $0["name"] as? String == "struct arena_list_node" }?["forward_only"] as? Bool == true)
        #expect(!types.contains { $0["name"] as? String == "struct elem" })
        let noElem = try BinaryRunner.run(["decode", "--map-id", id, "--root", "last_added", "--type", "struct elem"])
        #expect(noElem.status == 64 && noElem.stderr.contains("looked in prog "), "\(noElem.stderr)")

        // An object that defines them (--btf) completes both.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("complete-\(UUID().uuidString).bpf.o").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(RootsProgram.completeTypesObject).write(to: URL(fileURLWithPath: file))
        let elem = try #require(
            try BinaryRunner.json(["decode", "--map-id", id, "--btf", file, "--root", "last_added", "--type", "struct elem", "--json"]) as? [String: Any])
        let fields = try #require(elem["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["node", "value"])
        #expect(fields[1]["value"] as? Int == 103, "the last element added holds the last value")
        let chain = try #require(
            try BinaryRunner.json([
                "chase", "--map-id", id, "--btf", file, "--root", "last_added", "--type", "struct elem",
                "--field", "node.next", "--json",
            ]) as? [String: Any])
        #expect((chain["hops"] as? [Any])?.count == 4 && chain["stop"] as? String == "null", "the four elements")
    }

    @Test func listTellsArenasOfOneNameApart() throws {
        let program = try RootsProgram()
        try program.add(1)
        let id = try program.arenaID
        let list = try #require(try BinaryRunner.json(["list", "--json"]) as? [[String: Any]])
        let entry = try #require(list.first { $0["id"] as? UInt32 == id })
        #expect(entry["name"] as? String == "arena")
        #expect((entry["programs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["add_elems"])
        let processes = try #require(entry["pids"] as? [[String: Any]])
        #expect(processes.contains { $0["pid"] as? Int32 == getpid() }, "libbpf maps the arena into the loading process")
        let globals = try #require(entry["globals"] as? [String: Any])
        #expect(globals["at"] as? String == "start" && globals["pages"] as? Int == 1, "libbpf 1.4 puts them at the start")
    }

    @Test func processNamesNeverReachTheTerminalRaw() throws {
        let program = try RootsProgram()
        let comm = "/proc/self/task/\(getpid())/comm"
        let original = try String(contentsOfFile: comm, encoding: .utf8)
        try Data("\u{1B}]0;pwn\u{07}x".utf8).write(to: URL(fileURLWithPath: comm))
        defer { try? Data(original.utf8).write(to: URL(fileURLWithPath: comm)) }
        let text = try BinaryRunner.run(["list"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("?]0;pwn?x"), "the name is shown, its controls as ?")
        #expect(!text.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        withExtendedLifetime(program) {}
    }
}
