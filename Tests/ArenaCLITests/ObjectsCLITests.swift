import Foundation
import Testing
import ArenaLive
import ArenaEmulator
import ArenaModel
import CLibBPF
import Glibc

/// `objects` and `refs` through the real binary.
@Suite struct ObjectsCLITests {
    static func objects(_ arguments: [String]) throws -> [String: Any] {
        try #require(try BinaryRunner.json(["objects"] + arguments + ["--json"]) as? [String: Any])
    }

    @Test func aHashTablesElementsAreCountedAsItsChainsHoldThem() throws {
        let table = ["--emulate", "hashtab", "--steps", "400"]
        let map = try Self.objects(table)
        let types = try #require(map["types"] as? [[String: Any]])
        let elements = try #require(types.first { $0["type"] as? String == "struct hashtab_elem" }?["count"] as? Int)
        // The same count by chasing every bucket's chain in the same emulated arena.
        let source = try EmulatedSource(workload: "hashtab", seed: 1)
        source.advance(400)
        let snapshot = source.sample()
        let buckets = try #require(snapshot.roots.first { $0.name == "buckets" }?.address)
        var reader = ArenaReader(snapshot: snapshot, source: source)
        let decoder = PointerDecoder(geometry: snapshot.geometry)
        var chained = 0
        for bucket in 0..<UInt64(128) {
            chained += try reader.chase(from: buckets + bucket * 8, offset: 0, maxHops: 1000, decoder: decoder).hops.count - 1
        }
        #expect(elements == chained && elements > 100)
        #expect((map["unreached_pages"] as? [Int])?.isEmpty == true && (map["bad_pointers"] as? [Any])?.isEmpty == true)
        #expect(map["truncated"] as? Bool == false)
    }

    @Test func theLeakyWorkloadsLeaksAndDanglingPointerAreFound() throws {
        let map = try Self.objects(["--emulate", "leaky", "--steps", "320"])
        #expect((map["unreached_pages"] as? [Int])?.count == 10, "a page forgotten every 32 steps")
        let bad = try #require(map["bad_pointers"] as? [[String: Any]])
        #expect(bad.count == 1 && bad[0]["path"] as? String == "log.stale" && bad[0]["target"] as? String == "free")
        #expect((map["reached_bytes"] as? Int ?? 0) < (map["backed_bytes"] as? Int ?? 0))
        let text = try BinaryRunner.run(["objects", "--emulate", "leaky", "--steps", "320"])
        #expect(text.status == 0 && text.stdout.contains("bad        log.stale at ") && text.stdout.contains("→ free"))
    }

    @Test func refsNamesEveryPointerIntoAnObject() throws {
        let list = ["--emulate", "list", "--steps", "30"]
        let roots = try #require((try BinaryRunner.json(["roots"] + list + ["--json"]) as? [String: Any])?["roots"] as? [[String: Any]])
        let head = try #require(roots.first?["addr"] as? UInt64)
        let refs = try #require((try BinaryRunner.json(["refs"] + list + ["--addr", String(head + 4), "--json"]) as? [String: Any])?["refs"] as? [[String: Any]])
        #expect(refs.map { $0["path"] as? String } == ["list_head.first", "head.next->pprev"])
        #expect(refs.allSatisfy { $0["value"] as? UInt64 == head })
    }

    @Test func badBoundsAreUsageErrors() throws {
        let result = try BinaryRunner.run(["objects", "--emulate", "list", "--max-objects", "0"])
        #expect(result.status == 64 && result.stderr.contains("--max-objects must be between 1 and 10000000"))
        let truncated = try Self.objects(["--emulate", "list", "--steps", "200", "--max-objects", "5"])
        #expect(truncated["truncated"] as? Bool == true && truncated["objects"] as? Int == 5)
    }
}

/// On a live arena: the roots program's list, its element type added with --btf.
@Suite(.serialized, .enabled(if: LiveAvailability.refusal == nil, "the kernel refused BPF")) struct LiveObjectsCLITests {
    @Test func aLiveListIsWalkedWithTypesFromAnObject() throws {
        let program = try RootsProgram()
        try program.add(6)
        let id = String(try program.arenaID)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("complete-\(UUID().uuidString).bpf.o").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(RootsProgram.completeTypesObject).write(to: URL(fileURLWithPath: file))
        let map = try #require(try BinaryRunner.json(["objects", "--map-id", id, "--btf", file, "--json"]) as? [String: Any])
        let types = try #require(map["types"] as? [[String: Any]])
        #expect(types.first { $0["type"] as? String == "struct arena_list_node" }?["count"] as? Int == 6, "\(types)")
        #expect((map["unreached_pages"] as? [Int])?.isEmpty == true, "every element page is on the list")
    }

    @Test func anArenaWithNoRootsSaysSoAndExitsZero() throws {
        let fd = try LiveWorkload.createArena(pages: 16)
        defer { close(fd) }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        try #require(bpf_obj_get_info_by_fd(fd, &info, &length) == 0)
        let result = try BinaryRunner.run(["objects", "--map-id", String(info.id)])
        #expect(result.status == 0 && result.stderr.contains("no roots"), "\(result.stderr)")
        #expect(result.stdout.contains("objects    0 (0 bytes)"))
    }
}
