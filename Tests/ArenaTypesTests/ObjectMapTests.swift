import ArenaModel
import ArenaTypes
import Testing

/// The object walk over a hand-made arena whose every object, pointer and page is known.
@Suite struct ObjectMapTests {
    static let geometry = ArenaGeometry(maxPages: 8, userVMStart: 0x1000_0000, flags: .mmapable)
    static func page(_ number: UInt64) -> UInt64 { geometry.userVMStart + number * 4096 }

    /// Page 0: a table; page 1: nodes; page 2: backed, reached by nothing (a leak); page 3
    /// free; page 4 reserved; page 5 backed, only a `void *` reaches it.
    struct Arena {
        var bytes: [UInt32: [UInt8]] = [
            0: [UInt8](repeating: 0, count: 4096), 1: [UInt8](repeating: 0, count: 4096),
            2: [UInt8](repeating: 0, count: 4096), 5: [UInt8](repeating: 0, count: 4096),
        ]
        mutating func store(_ address: UInt64, _ value: UInt64) {
            let page = UInt32((address - ObjectMapTests.geometry.userVMStart) / 4096)
            let offset = Int((address - ObjectMapTests.geometry.userVMStart) % 4096)
            for byte in 0..<8 { bytes[page]![offset + byte] = UInt8((value >> (8 * UInt64(byte))) & 0xFF) }
        }
    }

    static func types() -> TypeCatalog { TypeCatalog([TypeBlob(origin: "test", btf: typesBTF())]) }

    static func typesBTF() -> [UInt8] {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let u32 = btf.int("u32", size: 4)
        let node = btf.declareStruct()
        let nodePointer = btf.pointer(to: node)
        btf.define(node, name: "node", size: 16, members: [.field("next", nodePointer, at: 0), .field("value", u64, at: 8)])
        let either = btf.union("either", size: 8, [.field("first", nodePointer, at: 0), .field("raw", u64, at: 0)])
        let void = btf.pointer(to: 0)
        _ = btf.structure(
            "table", size: 88,
            [
                .field("buckets", btf.array(of: nodePointer, count: 4, index: u32), at: 0), .field("u", either, at: 32),
                .field("inline_nodes", btf.array(of: node, count: 2, index: u32), at: 40), .field("scratch", void, at: 72),
                .field("count", u64, at: 80),
            ])
        return btf.build()
    }

    static func snapshot(roots: [StructureRoot]) -> Snapshot {
        var builder = PageMapBuilder()
        builder.append(.allocated, count: 3)
        builder.append(.free, count: 1)
        builder.append(.reserved, count: 1)
        builder.append(.allocated, count: 1)
        return Snapshot(source: SourceDescriptor(kind: .emulated), geometry: geometry, pages: builder.build(pageCount: 8), roots: roots)
    }

    static func arena() -> Arena {
        var arena = Arena()
        let (a, b, c, d, e) = (page(1), page(1) + 16, page(1) + 32, page(1) + 64, page(1) + 80)
        arena.store(page(0), a)  // buckets[0] -> A
        arena.store(page(0) + 8, 0x100)  // buckets[1]: a list poison value
        arena.store(page(0) + 16, page(3) + 8)  // buckets[2]: into a free page (freed under it)
        arena.store(page(0) + 24, page(4))  // buckets[3]: into a reserved page
        arena.store(page(0) + 32, d)  // u.first -> D (a union, by its first member)
        arena.store(page(0) + 40, e)  // inline_nodes[0].next -> E (an array of structs)
        arena.store(page(0) + 72, page(5) + 24)  // scratch: a void * into page 5
        arena.store(a, b); arena.store(b, c); arena.store(c, a)  // A -> B -> C -> A: a cycle
        return arena
    }

    static let tableRoot = StructureRoot(name: "table", address: page(0), type: "struct table", origin: "arena global")

    func walk(
        _ options: ObjectTraversal.Options = ObjectTraversal.Options(), arena: Arena = ObjectMapTests.arena(),
        roots: [StructureRoot] = [ObjectMapTests.tableRoot], requested: inout [UInt32]
    ) throws -> ObjectMap {
        let snapshot = Self.snapshot(roots: roots)
        var traversal = ObjectTraversal(catalog: Self.types(), snapshot: snapshot, options: options)
        var asked: [UInt32] = []
        let map = try traversal.run(roots: snapshot.roots) { pages in
            asked += pages
            return arena.bytes.filter { pages.contains($0.key) }
        }
        requested = asked
        return map
    }

    @Test func everyTypedPointerIsFollowedOnceAndLeaksAndBadPointersShow() throws {
        var requested: [UInt32] = []
        let map = try walk(requested: &requested)
        #expect(
            map.types == [
                ObjectMap.TypeCount(type: "struct table", count: 1, bytes: 88),
                ObjectMap.TypeCount(type: "struct node", count: 5, bytes: 80),
            ], "A, B, C (a cycle), D, E")
        #expect(map.objects == 6 && !map.truncated)
        #expect(map.reachedPages == [0, 1, 5], "page 5 through the void *")
        #expect(map.unreachedPages == [2], "backed, reached by nothing: the leak")
        #expect(map.badPointers.map(\.target) == ["not_arena", "free", "reserved"])
        #expect(map.badPointers.map(\.path) == ["table.buckets[1]", "table.buckets[2]", "table.buckets[3]"])
        #expect(map.badPointers[0].value == 0x100 && map.badPointers[0].address == Self.page(0) + 8)
        #expect(Set(requested).isSubset(of: [0, 1, 2, 5]), "never an unbacked page: \(requested)")
        #expect(map.reachedBytes == 3 * 4096 && map.backedBytes == 4 * 4096)
    }

    @Test func whoPointsAtAnObject() throws {
        var requested: [UInt32] = []
        let map = try walk(ObjectTraversal.Options(referencesTo: Self.page(1) + 4), requested: &requested)
        #expect(map.references.map(\.path) == ["table.buckets[0]", "table.buckets[0]->next->next->next"], "into A: the table, and C (reached through A and B)")
        #expect(map.references.allSatisfy { $0.value == Self.page(1) })
        let pageWide = try walk(ObjectTraversal.Options(referencesTo: Self.page(1) + 200), requested: &requested)
        #expect(pageWide.references.count == 6, "no object there: every pointer into the page")
    }

    @Test func aMapsPointerIntoTheObjectIsAReferrerToo() throws {
        var requested: [UInt32] = []
        let held = StructureRoot(name: "pool.slab", address: Self.page(1) + 16, type: "struct node", origin: "map .bss")
        let elsewhere = StructureRoot(name: "pool.spare", address: Self.page(1) + 80, type: "struct node", origin: "map .bss")
        let roots = [Self.tableRoot, held, elsewhere]
        let intoB = try walk(ObjectTraversal.Options(referencesTo: Self.page(1) + 20), roots: roots, requested: &requested)
        #expect(
            intoB.references.first.map { $0.address == nil && $0.value == Self.page(1) + 16 } == true,
            "the map's pointer to B, though no arena field holds it")
        #expect(intoB.references.map(\.path) == ["pool.slab", "table.buckets[0]->next"], "not pool.spare, which points at E")
        let pageWide = try walk(ObjectTraversal.Options(referencesTo: Self.page(1) + 200), roots: roots, requested: &requested)
        #expect(pageWide.references.filter { $0.address == nil }.map(\.path) == ["pool.slab", "pool.spare"])
    }

    @Test func theFirstInstancesOfEachTypeAreKeptWhenAskedFor() throws {
        var requested: [UInt32] = []
        let nodes = Set([0, 16, 32, 64, 80].map { Self.page(1) + UInt64($0) })
        let all = try walk(ObjectTraversal.Options(instancesPerType: 10), requested: &requested)
        #expect(all.instances["struct table"] == [Self.page(0)] && Set(all.instances["struct node"] ?? []) == nodes)
        let two = try walk(ObjectTraversal.Options(instancesPerType: 2), requested: &requested)
        #expect(two.instances["struct node"]?.count == 2 && Set(two.instances["struct node"] ?? []).isSubset(of: nodes))
        #expect(try walk(requested: &requested).instances.isEmpty, "none unless asked for")
    }

    @Test func growthBetweenTwoWalksNamesTheTypesThatChanged() throws {
        var requested: [UInt32] = []
        let before = try walk(requested: &requested)
        var grown = Self.arena()
        let (f, g) = (Self.page(1) + 96, Self.page(1) + 112)
        grown.store(Self.page(0) + 8, f)  // buckets[1] -> F -> G, where the poison value was
        grown.store(f, g)
        let after = try walk(arena: grown, requested: &requested)
        let growth = TypeGrowth.between(before, after)
        #expect(growth.map(\.type) == ["struct node"], "the table did not change and is left out")
        #expect(growth.first?.countChange == 2 && growth.first?.bytesChange == 32)
        #expect(TypeGrowth.between(after, before).first?.countChange == -2)
        #expect(TypeGrowth.between(after, after).isEmpty)
    }

    @Test func aHugeCyclicGraphIsBoundedAndSaysSo() throws {
        // 256 nodes in a ring, walked with room for 100 objects.
        var arena = Arena()
        for index in 0..<UInt64(256) { arena.store(Self.page(1) + index * 16, Self.page(1) + ((index + 1) % 256) * 16) }
        let snapshot = Self.snapshot(roots: [StructureRoot(name: "ring", address: Self.page(1), type: "struct node", origin: "workload")])
        var traversal = ObjectTraversal(catalog: Self.types(), snapshot: snapshot, options: ObjectTraversal.Options(maxObjects: 100))
        let map = try traversal.run(roots: snapshot.roots) { pages in arena.bytes.filter { pages.contains($0.key) } }
        #expect(map.truncated && map.objects == 100)
        var unbounded = ObjectTraversal(catalog: Self.types(), snapshot: snapshot)
        let whole = try unbounded.run(roots: snapshot.roots) { pages in arena.bytes.filter { pages.contains($0.key) } }
        #expect(!whole.truncated && whole.objects == 256, "a cycle is walked once")
    }

    @Test func aForwardDeclaredNodeIsWalkedOnceItsDefinitionIsKnown() throws {
        var declaring = BTFBuilder()
        let forward = declaring.forward("node")
        _ = declaring.structure("holder", size: 8, [.field("first", declaring.pointer(to: forward), at: 0)])
        var arena = Arena()
        arena.store(Self.page(0), Self.page(1))
        arena.store(Self.page(1), Self.page(1) + 16)
        let snapshot = Self.snapshot(roots: [StructureRoot(name: "h", address: Self.page(0), type: "struct holder", origin: "arena global")])
        let declared = TypeCatalog([TypeBlob(origin: "prog", btf: declaring.build())])
        var alone = ObjectTraversal(catalog: declared, snapshot: snapshot)
        let stopped = try alone.run(roots: snapshot.roots) { pages in arena.bytes.filter { pages.contains($0.key) } }
        #expect(stopped.objects == 1, "only declared: not walked into")
        #expect(stopped.stops == [ObjectMap.Stop(type: "struct node", reason: .declaredOnly, pointers: 1)], "and said where the walk stopped")
        let completed = TypeCatalog([TypeBlob(origin: "prog", btf: declaring.build()), TypeBlob(origin: "file", btf: Self.typesBTF())])
        var both = ObjectTraversal(catalog: completed, snapshot: snapshot)
        let map = try both.run(roots: snapshot.roots) { pages in arena.bytes.filter { pages.contains($0.key) } }
        #expect(map.types.first { $0.type == "struct node" }?.count == 2, "the nodes, typed by the --btf definition")
        #expect(map.stops.isEmpty)
    }

    @Test func anUntypedRootAndADeclaredOnlyRootAreWhereTheWalkStops() throws {
        var declaring = BTFBuilder()
        _ = declaring.forward("chunk")
        let catalog = TypeCatalog([TypeBlob(origin: "prog", btf: declaring.build())])
        let roots = [
            StructureRoot(name: "htab_for_user", address: Self.page(0), origin: "map .bss"),
            StructureRoot(name: "pool", address: Self.page(1), type: "struct chunk", origin: "map .bss"),
            StructureRoot(name: "spare", address: Self.page(1) + 64, type: "struct chunk", origin: "map .bss"),
        ]
        let snapshot = Self.snapshot(roots: roots)
        var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot)
        let map = try traversal.run(roots: roots) { pages in Self.arena().bytes.filter { pages.contains($0.key) } }
        #expect(
            map.stops == [
                ObjectMap.Stop(type: "struct chunk", reason: .declaredOnly, pointers: 2),
                ObjectMap.Stop(type: "htab_for_user", reason: .untypedRoot, pointers: 1),
            ])
        #expect(map.reachedPages == [0, 1], "their pages are reached all the same")
    }
}
