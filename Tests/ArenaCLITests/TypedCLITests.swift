import Foundation
import Testing

/// `types` and `decode` through the real binary, on emulated arenas and recordings.
@Suite struct TypedCLITests {
    static func root(_ source: [String]) throws -> UInt64 {
        let snapshot = try #require(try BinaryRunner.json(["snapshot"] + source + ["--json"]) as? [String: Any])
        return try #require(((snapshot["roots"] as? [[String: Any]])?.first?["addr"]) as? UInt64)
    }

    static func decode(_ source: [String], _ address: UInt64, _ type: String) throws -> [String: Any] {
        try #require(try BinaryRunner.json(["decode"] + source + ["--addr", String(address), "--type", type, "--json"]) as? [String: Any])
    }

    @Test func typesListsEachWorkloadsStructs() throws {
        let types = try #require(try BinaryRunner.json(["types", "--emulate", "hashtab", "--json"]) as? [String: Any])
        let entries = try #require(types["types"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["struct hashtab_buckets", "struct hashtab_elem"])
        #expect(entries.map { $0["size"] as? Int } == [1024, 32])
        #expect(entries.allSatisfy { $0["origin"] as? String == "workload hashtab" })
    }

    @Test func decodeFollowsTheJSONContract() throws {
        let list = ["--emulate", "list", "--steps", "12"]
        let node = try Self.decode(list, try Self.root(list), "struct arena_list_node")
        #expect(node["type"] as? String == "struct arena_list_node" && node["size"] as? Int == 24)
        let fields = try #require(node["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["next", "pprev", "value"])
        #expect(fields.map { $0["offset"] as? Int } == [0, 8, 16])
        #expect(fields[0]["type"] as? String == "struct arena_list_node *")
        #expect(fields[0]["arena"] as? Bool == true && (fields[0]["value"] as? UInt64 ?? 0) > 0)
        #expect(fields[2]["value"] as? Int != nil)

        let tree = ["--emulate", "rbtree", "--steps", "3"]
        let rb = try Self.decode(tree, try Self.root(tree), "rb_elem")
        let color = try #require((rb["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "is_red" })
        #expect(color["value"] as? String == "RB_BLACK" && color["raw"] as? Int == 0)
        let parent = try #require((rb["fields"] as? [[String: Any]])?.first)
        #expect(parent["value"] as? Int == 0 && parent["arena"] as? Bool == false, "the root has no parent")

        let churn = ["--emulate", "churn", "--steps", "3"]
        let extent = try Self.decode(churn, try Self.root(churn), "struct churn_extent")
        let magic = try #require((extent["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "magic" })
        #expect(magic["bit_offset"] as? Int == 96 && magic["bits"] as? Int == 16 && magic["value"] as? Int == 0xA11C)

        let hash = ["--emulate", "hashtab"]
        let buckets = try Self.decode(hash, try Self.root(hash), "struct hashtab_buckets")
        let slots = try #require((buckets["fields"] as? [[String: Any]])?.first?["value"] as? [UInt64])
        #expect(slots.count == 128 && slots.contains { $0 != 0 })
    }

    @Test func aRecordingKeepsItsSourcesTypes() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-types-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try BinaryRunner.run(["record", "--emulate", "list", "--frames", "4", "-o", file]).status == 0)
        let replay = ["--replay", file, "--frame", "3"]
        let emulated = ["--emulate", "list", "--steps", "4"]
        let address = try Self.root(replay)
        let fromReplay = try Self.decode(replay, address, "arena_list_node")
        let fromEmulation = try Self.decode(emulated, address, "arena_list_node")
        #expect(NSDictionary(dictionary: fromReplay) == NSDictionary(dictionary: fromEmulation))
        let info = try #require(try BinaryRunner.json(["info", file, "--json"]) as? [String: Any])
        #expect(info["types"] as? [String] == ["workload list"])
    }

    @Test func typeErrorsAreOneLineWithAStatus() throws {
        let list = ["--emulate", "list", "--steps", "12"]
        let head = try Self.root(list)
        // The last 8 bytes of the list's only page: a 24-byte node would run into the free page after it.
        let pageEnd = (head & ~0xFFF) + 0x1000 - 8
        let cases: [(arguments: [String], status: Int32, mentions: String)] = [
            (["decode"] + list + ["--addr", String(head), "--type", "struct arena_list_nod"], 64, "did you mean 'struct arena_list_node'"),
            (["decode"] + list + ["--addr", "0x7f0000100000", "--type", "arena_list_node"], 3, "page 256, which is free"),
            (["decode"] + list + ["--addr", String(pageEnd), "--type", "arena_list_node"], 3, "page 1, which is free"),
            (["decode"] + list + ["--addr", String(head)], 64, "--type"),
        ]
        for (arguments, status, mentions) in cases {
            let result = try BinaryRunner.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(mentions), "\(arguments): \(result.stderr)")
        }
    }
}
