import Testing
import Foundation

@Suite struct SnapshotContractTests {
    @Test(arguments: ["list", "hashtab", "rbtree", "frag", "churn"])
    func snapshotJSONFollowsTheContract(workload: String) throws {
        let object = try #require(try BinaryRunner.json(["snapshot", "--emulate", workload, "--steps", "400", "--json"]) as? [String: Any])
        let source = try #require(object["source"] as? [String: Any])
        #expect(source["kind"] as? String == "emulated")
        #expect(source["workload"] as? String == workload)
        let pageSize = try #require(object["page_size"] as? Int)
        let maxPages = try #require(object["max_pages"] as? Int)
        let start = try #require(object["user_vm_start"] as? UInt64)
        let end = try #require(object["user_vm_end"] as? UInt64)
        #expect(pageSize == 4096)
        #expect(end - start == UInt64(maxPages * pageSize))
        #expect((object["flags"] as? [String])?.contains("mmapable") == true)

        let runs = try #require(object["runs"] as? [[String: Any]])
        var next = 0
        var previousState = ""
        var counts: [String: Int] = [:]
        var freeRuns: [[Int]] = []
        for run in runs {
            let first = try #require(run["first"] as? Int)
            let count = try #require(run["count"] as? Int)
            let state = try #require(run["state"] as? String)
            #expect(first == next, "runs cover every page once, in order")
            #expect(count > 0)
            #expect(state != previousState, "neighbours differ in state")
            #expect(["free", "allocated", "reserved", "mapped"].contains(state))
            counts[state, default: 0] += count
            if state == "free" { freeRuns.append([first, first + count - 1]) }
            next = first + count
            previousState = state
        }
        #expect(next == maxPages)
        #expect(object["free_ranges"] as? [[Int]] == freeRuns)

        let stats = try #require(object["stats"] as? [String: Any])
        for state in ["free", "allocated", "reserved", "mapped"] {
            #expect(stats[state] as? Int == counts[state, default: 0], "stats.\(state)")
        }
        #expect(stats["free_ranges"] as? Int == freeRuns.count)
        #expect(stats["largest_free"] as? Int == freeRuns.map { $0[1] - $0[0] + 1 }.max() ?? 0)
        #expect(object["roots"] is [[String: Any]])
    }

    @Test func listRootIsTheFirstNodeAndChasesToNull() throws {
        let snapshot = try #require(try BinaryRunner.json(["snapshot", "--emulate", "list", "--steps", "100", "--json"]) as? [String: Any])
        let roots = try #require(snapshot["roots"] as? [[String: Any]])
        let head = try #require(roots.first)
        #expect(head["name"] as? String == "head")
        let address = try #require(head["addr"] as? UInt64)
        let offset = try #require(head["next_offset"] as? Int)
        let chase = try #require(
            try BinaryRunner.json(["chase", "--emulate", "list", "--steps", "100", "--addr", String(address), "--offset", String(offset), "--json"])
                as? [String: Any])
        let hops = try #require(chase["hops"] as? [[String: Any]])
        #expect(hops.first?["addr"] as? UInt64 == address, "hops start with the address itself")
        #expect(chase["stop"] as? String == "null")
        for (hop, next) in zip(hops, hops.dropFirst()) {
            #expect(hop["value"] as? UInt64 == next["addr"] as? UInt64)
        }
        #expect(hops.count > 8)
    }

    @Test func readJSONMatchesTheHexdump() throws {
        let snapshot = try #require(try BinaryRunner.json(["snapshot", "--emulate", "rbtree", "--json"]) as? [String: Any])
        let root = try #require((snapshot["roots"] as? [[String: Any]])?.first?["addr"] as? UInt64)
        let hexAddress = "0x" + String(root, radix: 16)
        let read = try #require(try BinaryRunner.json(["read", "--emulate", "rbtree", "--addr", hexAddress, "--len", "48", "--json"]) as? [String: Any])
        #expect(read["addr"] as? UInt64 == root)
        #expect(read["len"] as? Int == 48)
        let hex = try #require(read["hex"] as? String)
        #expect(hex.count == 96)
        let text = try BinaryRunner.run(["read", "--emulate", "rbtree", "--addr", hexAddress, "--len", "48"])
        #expect(text.status == 0)
        let dumped = text.stdout.split(separator: "\n").map { line in
            line.split(separator: "|")[0].split(separator: " ").dropFirst().joined()
        }.joined()
        #expect(dumped.hasSuffix(hex) || dumped.contains(hex))
    }

    @Test func workloadsListsEveryWorkload() throws {
        let result = try BinaryRunner.run(["workloads"])
        #expect(result.status == 0)
        let names = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names == ["list", "hashtab", "rbtree", "frag", "churn", "leaky", "slab"])
    }
}
