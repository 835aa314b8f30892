import Testing
import ArenaModel
@testable import ArenaEmulator

@Suite struct WorkloadTests {
    func source(_ name: String, seed: UInt64 = 7, steps: UInt64, flags: ArenaFlags = []) throws -> EmulatedSource {
        let source = try EmulatedSource(workload: name, seed: seed, flags: flags)
        source.advance(steps)
        return source
    }

    func reader(_ source: EmulatedSource) -> ArenaReader {
        ArenaReader(snapshot: source.sample(), source: source)
    }

    @Test(arguments: WorkloadCatalog.names)
    func sameSeedSameArena(name: String) throws {
        let (first, second, other) = (try source(name, steps: 300), try source(name, steps: 300), try source(name, seed: 8, steps: 300))
        let (a, b, c) = (first.sample(), second.sample(), other.sample())
        #expect(a.pages == b.pages)
        #expect(a.roots == b.roots)
        #expect(first.arena.writtenPages == second.arena.writtenPages)
        #expect(a.pages != c.pages || first.arena.writtenPages != other.arena.writtenPages, "another seed gives another arena")
    }

    @Test(arguments: WorkloadCatalog.names)
    func stepsChangeTheArena(name: String) throws {
        let arena = try source(name, steps: 0)
        let (before, bytesBefore) = (arena.sample(), arena.arena.writtenPages)
        arena.advance(50)
        let after = arena.sample()
        let diff = SnapshotDiff(from: before, to: after)
        #expect(diff.changedPageCount > 0 || arena.arena.writtenPages != bytesBefore)
    }

    @Test(arguments: [ArenaFlags(), .noUserConv])
    func listChainsFromTheHeadToNull(flags: ArenaFlags) throws {
        let list = try source("list", steps: 500, flags: flags)
        let snapshot = list.sample()
        #expect(snapshot.roots.first?.name == "head")
        var reader = reader(list)
        let chain = try reader.chase(from: snapshot.roots[0].address, offset: 0, maxHops: 10_000, decoder: PointerDecoder(geometry: snapshot.geometry))
        #expect(chain.stop == .null)
        #expect(chain.hops.count >= 8)
        // Each node's pprev points at the previous node's next field.
        for (previous, node) in zip(chain.hops, chain.hops.dropFirst()) {
            let pprev = try reader.word(at: node.address + 8)
            #expect(PointerDecoder(geometry: snapshot.geometry).target(of: pprev) == previous.address)
        }
        #expect(snapshot.stats[.mapped] > 0, "user space touched the head")
    }

    @Test func hashTableBucketsHoldTheirKeys() throws {
        let table = try source("hashtab", steps: 800)
        let snapshot = table.sample()
        var reader = reader(table)
        let decoder = PointerDecoder(geometry: snapshot.geometry)
        let buckets = snapshot.roots[0].address
        var keys: Set<UInt64> = []
        for bucket in 0..<UInt64(HashTableWorkload.bucketCount) {
            guard let first = decoder.target(of: try reader.word(at: buckets + bucket * 8)) else { continue }
            let chain = try reader.chase(from: first, offset: 0, maxHops: 1_000, decoder: decoder)
            #expect(chain.stop == .null)
            for hop in chain.hops {
                let key = try reader.word(at: hop.address + 16)
                #expect(key % UInt64(HashTableWorkload.bucketCount) == bucket)
                #expect(keys.insert(key).inserted, "a key lives in one node")
            }
        }
        #expect(keys.count > 50)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func redBlackTreeKeepsItsInvariants(seed: UInt64) throws {
        let source = try EmulatedSource(workload: "rbtree", seed: seed)
        let tree = try #require(source.workload as? RedBlackTreeWorkload)
        for _ in 0..<10 {
            source.advance(150)
            var keys: [UInt64] = []
            let height = try blackHeight(tree, tree.root, parent: 0, keys: &keys)
            #expect(height > 0)
            #expect(keys == keys.sorted() && Set(keys) == tree.keys, "in-order walk is sorted and complete")
            #expect(!tree.isRed(tree.root))
        }
    }

    /// Black height of the subtree at `node`, checking parent links and the red rule.
    private func blackHeight(_ tree: RedBlackTreeWorkload, _ node: UInt64, parent: UInt64, keys: inout [UInt64]) throws -> Int {
        guard node != 0 else { return 1 }
        #expect(tree.get(node, .parent) == parent)
        let left = tree.get(node, .left)
        let right = tree.get(node, .right)
        if tree.isRed(node) { #expect(!tree.isRed(left) && !tree.isRed(right), "a red node has black children") }
        let leftHeight = try blackHeight(tree, left, parent: node, keys: &keys)
        keys.append(tree.get(node, .key))
        let rightHeight = try blackHeight(tree, right, parent: node, keys: &keys)
        #expect(leftHeight == rightHeight, "equal black height")
        return leftHeight + (tree.isRed(node) ? 0 : 1)
    }

    @Test func fragPagesCountTheirLiveObjects() throws {
        let frag = try source("frag", steps: 1_500)
        let snapshot = frag.sample()
        var reader = reader(frag)
        let newest = try #require(snapshot.roots.first { $0.name == "newest" })
        let chain = try reader.chase(from: newest.address, offset: 0, maxHops: 100_000, decoder: PointerDecoder(geometry: snapshot.geometry))
        #expect(chain.stop == .null)
        var perPage: [UInt32: UInt64] = [:]
        for hop in chain.hops { perPage[hop.page, default: 0] += 1 }
        for (page, count) in perPage {
            let counter = try reader.word(at: snapshot.geometry.address(ofPage: page) + 4096 - 8)
            #expect(counter == count, "page \(page) counts its objects")
        }
        // Every backed page holds live objects (empty pages were freed), but the current one and the allocator's state.
        let backed = snapshot.pages.runs.filter(\.state.isBacked).reduce(0) { $0 + Int($1.count) }
        #expect(backed <= perPage.count + 2)
    }

    @Test func churnExtentsChainFromTheNewest() throws {
        let churn = try source("churn", steps: 2_000)
        let snapshot = churn.sample()
        var reader = reader(churn)
        let newest = try #require(snapshot.roots.first { $0.name == "newest_extent" })
        let chain = try reader.chase(from: newest.address, offset: 0, maxHops: 100_000, decoder: PointerDecoder(geometry: snapshot.geometry))
        #expect(chain.stop == .null)
        #expect(chain.hops.count > 10)
        for hop in chain.hops {
            #expect(hop.address % 4096 == 0, "extents start on page boundaries")
            #expect(try reader.word(at: hop.address + 8) >> 32 == 0xA11C, "each extent carries its tag")
        }
    }

    @Test func churnFragmentsAndReserves() throws {
        let churn = try source("churn", steps: 3_000)
        let stats = churn.sample().stats
        #expect(stats.freeRanges > 20)
        #expect(stats[.reserved] > 0)
        #expect(stats[.mapped] > 0)
        #expect(stats.fragmentation > 0.1)
    }

    @Test func unknownWorkloadsAndBadSizesAreErrors() {
        #expect(throws: EmulationError.unknownWorkload("nope")) { try EmulatedSource(workload: "nope") }
        #expect(throws: EmulationError.creation(.tooBig(pages: 2_000_000))) { try EmulatedSource(workload: "list", pages: 2_000_000) }
    }
}

/// Small arenas: `--emulate churn --pages 2` overflowed and `--emulate leaky --pages 1`
/// divided by zero; every workload now runs on every small size.
@Suite struct SmallArenaTests {
    @Test(arguments: WorkloadCatalog.names)
    func everyWorkloadRunsOnTinyArenas(_ name: String) throws {
        for pages in UInt32(1)...24 {
            let source = try EmulatedSource(workload: name, seed: UInt64(pages), pages: pages)
            source.advance(200)
            #expect(source.sample().pages.pageCount == Int(pages), "\(name) on \(pages) pages")
        }
    }
}
