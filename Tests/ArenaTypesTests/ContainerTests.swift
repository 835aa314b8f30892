import ArenaModel
import ArenaTypes
import Testing

/// The object map on data structures written the way the kernel's arena selftests and
/// sched_ext's allocator write them: intrusive lists, allocator state in arena globals,
/// unions of pointer arrays, one type in two BTFs.
@Suite struct ContainerTests {
    static let geometry = ArenaGeometry(maxPages: 16, userVMStart: 0x1000_0000, flags: .mmapable)
    static func page(_ number: UInt64) -> UInt64 { geometry.userVMStart + number * 4096 }

    /// Sixteen pages, the first `backed` of them allocated, zeroed until stored to.
    struct Arena {
        var backed: UInt32 = 16
        var bytes: [UInt32: [UInt8]] = [:]
        mutating func store(_ address: UInt64, _ value: UInt64) {
            let page = UInt32((address - ContainerTests.geometry.userVMStart) / 4096)
            let offset = Int((address - ContainerTests.geometry.userVMStart) % 4096)
            if bytes[page] == nil { bytes[page] = [UInt8](repeating: 0, count: 4096) }
            for byte in 0..<8 { bytes[page]![offset + byte] = UInt8((value >> (8 * UInt64(byte))) & 0xFF) }
        }

        /// Links `elements` (addresses of their nodes) into a list whose head's `first` is at `head`:
        /// each node's `next` at +0, its `pprev` (the previous `next` field) at +8.
        mutating func link(head: UInt64, nodes: [UInt64]) {
            store(head, nodes.first ?? 0)
            var previousNext = head
            for (index, node) in nodes.enumerated() {
                store(node, index + 1 < nodes.count ? nodes[index + 1] : 0)
                store(node + 8, previousNext)
                previousNext = node
            }
        }

        func walk(_ btf: [UInt8]..., roots: [StructureRoot], shape: Shape = Shape(), maxObjects: Int = 1_000_000) throws -> ObjectMap {
            var builder = PageMapBuilder()
            builder.append(.allocated, count: backed)
            if backed < 16 { builder.append(.free, count: 16 - backed) }
            let snapshot = Snapshot(
                source: SourceDescriptor(kind: .emulated), geometry: ContainerTests.geometry,
                pages: builder.build(pageCount: 16), roots: roots)
            let catalog = TypeCatalog(btf.enumerated().map { TypeBlob(origin: "btf \($0.offset)", btf: $0.element) })
            var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot, options: ObjectTraversal.Options(maxObjects: maxObjects, shape: shape))
            return try traversal.run(roots: roots) { pages in
                Dictionary(uniqueKeysWithValues: pages.map { ($0, bytes[$0] ?? [UInt8](repeating: 0, count: 4096)) })
            }
        }
    }

    /// The kernel's list idiom: `struct arena_list_node { next; pprev; }` and a head.
    struct ListTypes {
        var btf = BTFBuilder()
        let u64: UInt32, int: UInt32, node: UInt32, head: UInt32
        init() {
            u64 = btf.int("u64", size: 8)
            int = btf.int("int", size: 4, signed: true)
            node = btf.declareStruct()
            let nodePointer = btf.pointer(to: node)
            btf.define(
                node, name: "arena_list_node", size: 16, members: [.field("next", nodePointer, at: 0), .field("pprev", btf.pointer(to: nodePointer), at: 8)])
            head = btf.structure("arena_list_head", size: 8, [.field("first", nodePointer, at: 0)])
        }
    }

    static func root(_ name: String, _ address: UInt64, _ type: String) -> StructureRoot {
        StructureRoot(name: name, address: address, type: type, origin: "arena global")
    }

    @Test func aListLinkedThroughANodeAtItsStartIsCountedAsItsElements() throws {
        var types = ListTypes()
        _ = types.btf.structure("elem", size: 24, [.field("node", types.node, at: 0), .field("value", types.u64, at: 16)])
        var arena = Arena(backed: 4)
        let nodes = (0..<300).map { Self.page(1) + UInt64($0) * 24 }  // across pages 1-2
        arena.link(head: Self.page(0), nodes: nodes)
        let map = try arena.walk(types.btf.build(), roots: [Self.root("list", Self.page(0), "struct arena_list_head")])
        #expect(map.types == [TypeTally(type: "struct elem", count: 300, bytes: 7200), TypeTally(type: "struct arena_list_head", count: 1, bytes: 8)])
        #expect(
            map.containers == [ObjectMap.Container(container: "struct elem", member: "node", embedded: "struct arena_list_node", objects: 300, rejected: 0)])
        #expect(map.badPointers.isEmpty && map.ambiguities.isEmpty)
        #expect(map.unreachedPages == [3], "page 3 holds nothing")
    }

    @Test func aListLinkedThroughANodeInsideItsElementsReadsTheirOtherFields() throws {
        // struct hashtab_elem { int hash; int key; int value; struct arena_list_node hash_node; }, 32 bytes, the node at +16.
        var types = ListTypes()
        let data = types.btf.declareStruct()
        types.btf.define(data, name: "payload", size: 8, members: [.field("value", types.u64, at: 0)])
        _ = types.btf.structure(
            "hashtab_elem", size: 40,
            [
                .field("hash", types.int, at: 0), .field("key", types.int, at: 4), .field("value", types.int, at: 8),
                .field("hash_node", types.node, at: 16), .field("extra", types.btf.pointer(to: data), at: 32),
            ])
        var arena = Arena(backed: 3)
        let elements = (0..<100).map { Self.page(1) + UInt64($0) * 40 }
        arena.link(head: Self.page(0), nodes: elements.map { $0 + 16 })
        for (index, element) in elements.enumerated() {
            arena.store(element, UInt64(index) << 32 | 7)
            arena.store(element + 32, Self.page(2) + UInt64(index) * 8)  // each element's payload, on page 2
        }
        let map = try arena.walk(types.btf.build(), roots: [Self.root("bucket", Self.page(0), "struct arena_list_head")])
        #expect(map.types.first { $0.type == "struct hashtab_elem" }?.count == 100)
        #expect(map.types.first { $0.type == "struct payload" }?.count == 100, "the container's own pointers are walked")
        #expect(!map.types.contains { $0.type == "struct arena_list_node" })
        #expect(map.containers.first?.member == "hash_node" && map.badPointers.isEmpty && map.unreachedPages.isEmpty)
    }

    @Test func twoContainersThatFitAlikeAreAmbiguousAndCountedAsTheNode() throws {
        var types = ListTypes()
        _ = types.btf.structure("task", size: 24, [.field("run_node", types.node, at: 0), .field("id", types.u64, at: 16)])
        _ = types.btf.structure("timer", size: 24, [.field("deadline", types.u64, at: 0), .field("node", types.node, at: 8)])
        var arena = Arena(backed: 3)
        arena.link(head: Self.page(0), nodes: (0..<10).map { Self.page(1) + 64 + UInt64($0) * 64 })
        let map = try arena.walk(types.btf.build(), roots: [Self.root("queue", Self.page(0), "struct arena_list_head")])
        #expect(map.types.first { $0.type == "struct arena_list_node" }?.count == 10, "never guessed silently")
        #expect(
            map.ambiguities == [
                ObjectMap.Ambiguity(
                    kind: .container, type: "struct arena_list_node",
                    candidates: ["struct task.run_node", "struct timer.node"], objects: 10)
            ])
        #expect(map.containers.isEmpty)
    }

    @Test func aContainerWhosePointersLeadNowhereWasAWrongGuess() throws {
        // The only struct embedding the node has a pointer before it; the memory there holds a poison value.
        var types = ListTypes()
        let other = types.btf.structure("other", size: 8, [.field("x", types.u64, at: 0)])
        _ = types.btf.structure("holder", size: 24, [.field("owner", types.btf.pointer(to: other), at: 0), .field("link", types.node, at: 8)])
        var arena = Arena(backed: 3)
        let nodes = (0..<5).map { Self.page(1) + 8 + UInt64($0) * 24 }
        arena.link(head: Self.page(0), nodes: nodes)
        for node in nodes { arena.store(node - 8, 0xdead_0000_0100) }
        let map = try arena.walk(types.btf.build(), roots: [Self.root("h", Self.page(0), "struct arena_list_head")])
        #expect(map.types.first { $0.type == "struct arena_list_node" }?.count == 5)
        #expect(
            map.containers == [ObjectMap.Container(container: "struct holder", member: "link", embedded: "struct arena_list_node", objects: 0, rejected: 5)])
        #expect(map.badPointers.isEmpty, "the guess is dropped, not reported as bad pointers")
    }

    @Test func allocatorStateInArenaGlobalsIsReachedAndItsTargetsToo() throws {
        // libbpf's page_frag allocator: `void *page_frag_cur_page[N]`, `int page_frag_cur_offset[N]`,
        // here 1,024 pointers over two pages, and a u64 array holding an address.
        var arena = Arena(backed: 10)
        arena.store(Self.page(0) + 16, Self.page(6) + 100)
        arena.store(Self.page(1) + 4088, Self.page(7))
        arena.store(Self.page(3) + 8, Self.page(8) + 8)
        arena.store(Self.page(3) + 16, 12345)  // a counter, not an address: no bad pointer
        let u64s = try arena.walk(
            Self.u64Array(),
            roots: [
                Self.root("page_frag_cur_page", Self.page(0), "void *[1024]"),
                Self.root("offsets", Self.page(2), "int[2048]"),
                Self.root("slots", Self.page(3), "u64[64]"),
            ])
        #expect(u64s.reachedPages == [0, 1, 2, 3, 6, 7, 8], "every page of the globals, and the pages they point into")
        #expect(u64s.unreachedPages == [4, 5, 9])
        #expect(u64s.badPointers.isEmpty)
        #expect(u64s.untypedPages == 3, "pages 6-8: reached through untyped pointers only")
    }

    static func u64Array() -> [UInt8] {
        var btf = BTFBuilder()
        _ = btf.int("u64", size: 8)
        _ = btf.int("int", size: 4, signed: true)
        return btf.build()
    }

    @Test func aUnionOfPointerArraysIsUntypedMemoryNotBadPointers() throws {
        // sched_ext's allocator: struct sdt_chunk { union { struct sdt_desc *descs[4]; struct sdt_data *data[4]; }; }
        // and a union of a pointer and a counter.
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let u32 = btf.int("u32", size: 4)
        let desc = btf.structure("sdt_desc", size: 80, [.field("nr_free", u64, at: 0)])
        let data = btf.structure("sdt_data", size: 16, [.field("tid", u64, at: 0)])
        let slots = btf.union(
            "", size: 32,
            [
                .field("descs", btf.array(of: btf.pointer(to: desc), count: 4, index: u32), at: 0),
                .field("data", btf.array(of: btf.pointer(to: data), count: 4, index: u32), at: 0),
            ])
        let counted = btf.union("", size: 8, [.field("next", btf.pointer(to: data), at: 0), .field("count", u64, at: 0)])
        _ = btf.structure("sdt_chunk", size: 40, [.field("", slots, at: 0), .field("", counted, at: 32)])
        var arena = Arena(backed: 4)
        for slot in 0..<4 { arena.store(Self.page(0) + UInt64(slot) * 8, Self.page(1) + UInt64(slot) * 56) }
        arena.store(Self.page(0) + 32, 42)  // the counter
        let map = try arena.walk(btf.build(), roots: [Self.root("chunk", Self.page(0), "struct sdt_chunk")])
        #expect(map.badPointers.isEmpty, "a counter is not a pointer")
        #expect(map.types == [TypeTally(type: "struct sdt_chunk", count: 1, bytes: 40)], "neither member is guessed")
        #expect(map.ambiguities.map(\.kind) == [.union] && map.ambiguities.first?.objects == 1)
        #expect(map.reachedPages == [0, 1] && map.untypedPages == 1, "the leaves' page is reached, untyped")
        // A counter that is an arena address and a pointer that fits: the pointer member is read.
        arena.store(Self.page(0) + 32, Self.page(2))
        let pointing = try arena.walk(btf.build(), roots: [Self.root("chunk", Self.page(0), "struct sdt_chunk")])
        #expect(pointing.types.first { $0.type == "struct sdt_data" }?.count == 1)
    }

    @Test func aRadixTreeIsReadByWhatEachLevelsTargetsHold() throws {
        // sched_ext's allocator: a descriptor leads to a chunk, whose union holds descriptors in
        // an interior chunk and data in a leaf; only the targets' bytes tell the two apart.
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let u32 = btf.int("u32", size: 4)
        let chunk = btf.declareStruct()
        let desc = btf.structure(
            "sdt_desc", size: 80,
            [
                .field("allocated", btf.array(of: u64, count: 8, index: u32), at: 0),
                .field("nr_free", u64, at: 64), .field("chunk", btf.pointer(to: chunk), at: 72),
            ])
        let data = btf.structure("sdt_data", size: 56, [.field("tid", u64, at: 0), .field("payload", btf.array(of: u64, count: 6, index: u32), at: 8)])
        let slots = btf.union(
            "", size: 32,
            [
                .field("descs", btf.array(of: btf.pointer(to: desc), count: 4, index: u32), at: 0),
                .field("data", btf.array(of: btf.pointer(to: data), count: 4, index: u32), at: 0),
            ])
        btf.define(chunk, name: "sdt_chunk", size: 32, members: [.field("", slots, at: 0)])
        var arena = Arena(backed: 6)
        let root = Self.page(0), leaves = [Self.page(0) + 128, Self.page(0) + 256]
        arena.store(root + 72, Self.page(1))
        for (index, leaf) in leaves.enumerated() {
            arena.store(Self.page(1) + UInt64(index) * 8, leaf)
            arena.store(leaf + 72, Self.page(2 + UInt64(index)))
            for slot in 0..<4 {
                let element = Self.page(4 + UInt64(index)) + UInt64(slot) * 56
                arena.store(Self.page(2 + UInt64(index)) + UInt64(slot) * 8, element)
                for word in 0..<7 { arena.store(element + UInt64(word) * 8, UInt64(index * 4 + slot + 1)) }
            }
        }
        let map = try arena.walk(btf.build(), roots: [Self.root("root", root, "struct sdt_desc")])
        #expect(
            map.types.sorted { $0.type < $1.type } == [
                TypeTally(type: "struct sdt_chunk", count: 3, bytes: 96),
                TypeTally(type: "struct sdt_data", count: 8, bytes: 448),
                TypeTally(type: "struct sdt_desc", count: 3, bytes: 240),
            ])
        #expect(map.ambiguities.isEmpty && map.badPointers.isEmpty)
        #expect(map.reachedPages == Array(0..<6) && map.unreachedPages.isEmpty && map.untypedPages == 0)
    }

    @Test func oneTypeInTwoBTFsIsOneRowAndTwoLayoutsAreTwo() throws {
        func program(nodeSize: UInt32) -> [UInt8] {
            var types = ListTypes()
            _ = types.btf.structure("elem", size: nodeSize, [.field("node", types.node, at: 0), .field("value", types.u64, at: 16)])
            _ = types.btf.structure("root", size: 16, [.field("list", types.head, at: 0), .field("spare", types.btf.pointer(to: types.node), at: 8)])
            return types.btf.build()
        }
        var arena = Arena(backed: 3)
        let nodes = (0..<4).map { Self.page(1) + UInt64($0) * 32 }
        arena.link(head: Self.page(0), nodes: nodes)
        let same = try arena.walk(program(nodeSize: 24), program(nodeSize: 24), roots: [Self.root("r", Self.page(0), "struct root")])
        #expect(same.types.filter { $0.type == "struct elem" }.count == 1 && same.types.first { $0.type == "struct elem" }?.count == 4)
        #expect(same.ambiguities.isEmpty, "the same container in two BTFs is one candidate")
        let differing = try arena.walk(program(nodeSize: 24), program(nodeSize: 32), roots: [Self.root("r", Self.page(0), "struct root")])
        #expect(
            differing.ambiguities.first?.candidates == ["struct elem (btf 0).node", "struct elem (btf 1).node"],
            "two layouts of one name: two candidates, told apart by origin")
    }
}
