import ArenaModel
import ArenaTypes
import Foundation
import Testing

/// Shape files: what a program's memory is beyond its BTF, parsed and walked.
@Suite struct ShapeTests {
    typealias Arena = ContainerTests.Arena
    static func page(_ number: UInt64) -> UInt64 { ContainerTests.page(number) }

    @Test func everyKindOfDeclarationParses() throws {
        let shape = try Shape(
            parsing: """
                # the hash table of the kernel's arena selftests
                htab_for_user = struct htab *
                struct htab.buckets[n_buckets]      # a pointer and its count
                struct pool.slots[64]
                struct arena_list_node in struct hashtab_elem.hash_node
                struct churn_extent owns pages * 4096
                struct blob owns 65536
                struct sdt_chunk reads descs
                struct sdt_pool.slab = struct sdt_data *
                """, origin: "htab.shape")
        #expect(shape.roots.map(\.type) == ["struct htab *"] && shape.roots.first?.place.line == 2)
        #expect(shape.counts.map(\.count) == [.field("n_buckets"), .constant(64)])
        #expect(shape.containers.first?.container == "struct hashtab_elem" && shape.containers.first?.member == "hash_node")
        #expect(shape.owned.map(\.multiplier) == [4096, 65536] && shape.owned.map(\.field) == ["pages", nil])
        #expect(shape.unionMembers.map(\.member) == ["descs"])
        #expect(
            shape.fieldTypes.map { [$0.type, $0.field, $0.cast] } == [["struct sdt_pool", "slab", "struct sdt_data *"]]
                && shape.fieldTypes.first?.place.line == 9)
    }

    /// The shape fuzzer's seeds (Shapes/) are files a user could write: each parses.
    @Test func theFuzzersSeedsParse() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Shapes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".shape") }
        #expect(files.count >= 3)
        for file in files {
            let shape = try Shape(parsing: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), origin: file)
            #expect(!shape.isEmpty, "\(file)")
        }
    }

    @Test(arguments: [
        ("htab = ", "htab.shape:1: no type after '='"),
        ("struct htab.buckets[n buckets]", "htab.shape:1: a count is a number or a field"),
        ("\n\nhtab.buckets[4]", "htab.shape:3: 'htab' is not a struct or union"),
        ("struct a in struct b", "htab.shape:1: 'in' wants the container's member"),
        ("struct a owns pages * size", "htab.shape:1: 'owns' wants at most one field"),
        ("struct a owns 0", "htab.shape:1: 'owns' wants a number from 1"),
        ("buckets are counted", "htab.shape:1: not a declaration"),
        ("x = struct a \u{1B}[2J", "htab.shape:1: a control character"),
        ("struct pool.slab = struct data", "htab.shape:1: a field's type is the pointer type the program casts it to ('struct data *')"),
        ("pool slab = struct data *", "htab.shape:1: 'pool slab' is neither a root's name"),
        ("check struct sdt_data.tid.idx = slot", "htab.shape:1: 'check' wants 'struct NAME.field == slot', '== N' or '!= N'"),
        ("check struct sdt_data.tid.idx == index", "htab.shape:1: a check compares with 'slot' (the allocator slot's index) or a number, not 'index'"),
    ])
    func aBadLineIsOneErrorWithItsLineNumber(text: String, error: String) {
        #expect {
            _ = try Shape(parsing: text, origin: "htab.shape")
        } throws: { thrown in
            let message = "\(thrown)"
            return message.hasPrefix(error) && !message.contains("\n") && !message.contains("\u{1B}")
        }
    }

    /// `struct htab { struct htab_bucket *buckets; int n_buckets; }`, each bucket a list head of
    /// `struct hashtab_elem`s linked through `hash_node` at +16; the handle a `void *` in .bss.
    static func hashTable() -> (btf: [UInt8], arena: Arena, elements: Int) {
        var types = ContainerTests.ListTypes()
        let bucket = types.btf.structure("htab_bucket", size: 8, [.field("head", types.head, at: 0)])
        _ = types.btf.structure("htab", size: 16, [.field("buckets", types.btf.pointer(to: bucket), at: 0), .field("n_buckets", types.int, at: 8)])
        _ = types.btf.structure(
            "hashtab_elem", size: 32,
            [
                .field("hash", types.int, at: 0), .field("key", types.int, at: 4), .field("value", types.int, at: 8), .field("hash_node", types.node, at: 16),
            ])
        var arena = Arena(backed: 4)
        let htab = page(0), buckets = page(0) + 64
        arena.store(htab, buckets)
        arena.store(htab + 8, 16)  // n_buckets
        var element = page(1)
        for index in 0..<16 {
            let nodes = (0..<(index % 3 + 1)).map { _ in
                defer { element += 32 }; return element + 16
            }
            arena.link(head: buckets + UInt64(index) * 8, nodes: nodes)
        }
        return (types.btf.build(), arena, Int((element - page(1)) / 32))
    }

    @Test func aCastHandleAndACountedBucketArrayReachEveryElement() throws {
        let (btf, arena, elements) = Self.hashTable()
        let handle = StructureRoot(name: "htab_for_user", address: Self.page(0), type: nil, origin: "map .bss")
        let blind = try arena.walk(btf, roots: [handle])
        #expect(blind.objects == 0 && blind.unreachedPages == [1, 2, 3], "a void * handle reaches nothing by itself")
        let shape = try Shape(parsing: "htab_for_user = struct htab *\nstruct htab.buckets[n_buckets]\n", origin: "htab.shape")
        let map = try arena.walk(btf, roots: [handle], shape: shape)
        #expect(map.types.first { $0.type == "struct hashtab_elem" }?.count == elements)
        #expect(map.types.first { $0.type == "struct htab_bucket" }?.count == 16, "every bucket, not only buckets[0]")
        #expect(map.types.first { $0.type == "struct htab" }?.count == 1)
        #expect(map.unreachedPages == [2, 3], "31 elements of 32 bytes fill most of page 1")
        #expect(map.badPointers.isEmpty && map.ambiguities.isEmpty, "\(map.badPointers) \(map.ambiguities)")
    }

    @Test func aCastFieldLeadsToItsType() throws {
        // sched_ext's pool: `struct sdt_pool { void *slab; u64 next; }`, both holding a struct sdt_data's address.
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let void = btf.pointer(to: 0)
        _ = btf.structure("sdt_pool", size: 16, [.field("slab", void, at: 0), .field("next", u64, at: 8)])
        _ = btf.structure("sdt_data", size: 16, [.field("tid", u64, at: 0), .field("payload", u64, at: 8)])
        var arena = Arena(backed: 3)
        arena.store(Self.page(0), Self.page(1))
        arena.store(Self.page(0) + 8, Self.page(2) + 32)
        let roots = [ContainerTests.root("pool", Self.page(0), "struct sdt_pool")]
        let blind = try arena.walk(btf.build(), roots: roots)
        #expect(blind.types.map(\.type) == ["struct sdt_pool"] && blind.unreachedPages == [2], "a void * reaches its page, untyped; a u64 nothing")
        let shape = try Shape(parsing: "struct sdt_pool.slab = struct sdt_data *\nstruct sdt_pool.next = struct sdt_data *", origin: "p.shape")
        let typed = try arena.walk(btf.build(), roots: roots, shape: shape)
        #expect(typed.types.first { $0.type == "struct sdt_data" }?.count == 2 && typed.unreachedPages.isEmpty && typed.untypedPages == 0)
        #expect {
            _ = try arena.walk(btf.build(), roots: roots, shape: try Shape(parsing: "struct sdt_pool.slb = struct sdt_data *", origin: "p.shape"))
        } throws: { "\($0)".hasPrefix("p.shape:1: struct sdt_pool has no field 'slb' (did you mean 'slab'?)") }
    }

    @Test func aHostileCountIsBoundedAndSaid() throws {
        var (btf, arena, _) = Self.hashTable()
        arena.store(Self.page(0) + 8, 0x7FFF_FFFF)  // n_buckets, hostile
        let shape = try Shape(parsing: "htab_for_user = struct htab *\nstruct htab.buckets[n_buckets]", origin: "htab.shape")
        let handle = StructureRoot(name: "htab_for_user", address: Self.page(0), type: nil, origin: "map .bss")
        let map = try arena.walk(btf, roots: [handle], shape: shape)
        #expect(map.badPointers.count == 1 && map.badPointers.first?.target == "free", "the array runs into a free page: said, and it ends there")
        arena.backed = 16
        let bounded = try arena.walk(btf, roots: [handle], shape: shape, maxObjects: 1000)
        #expect(
            bounded.truncated && bounded.objects == 1000 && bounded.limit == "more than 1000 objects",
            "\(bounded.objects) \(bounded.limit ?? "-") \(bounded.badPointers.count)")
    }

    @Test func aDeclaredContainerSettlesAnAmbiguityAndOwnedMemoryIsReached() throws {
        var types = ContainerTests.ListTypes()
        _ = types.btf.structure("task", size: 24, [.field("run_node", types.node, at: 0), .field("id", types.u64, at: 16)])
        _ = types.btf.structure("timer", size: 24, [.field("deadline", types.u64, at: 0), .field("node", types.node, at: 8)])
        let u32 = types.btf.int("u32", size: 4)
        let extent = types.btf.declareStruct()
        types.btf.define(extent, name: "extent", size: 16, members: [.field("prev", types.btf.pointer(to: extent), at: 0), .field("pages", u32, at: 8)])
        var arena = Arena(backed: 8)
        arena.link(head: Self.page(0), nodes: (0..<10).map { Self.page(1) + 64 + UInt64($0) * 64 + 8 })
        arena.store(Self.page(3) + 8, 3)  // an extent of pages 3-5 behind a 16-byte header
        let roots = [ContainerTests.root("timers", Self.page(0), "struct arena_list_head"), ContainerTests.root("extents", Self.page(3), "struct extent")]
        let guessed = try arena.walk(types.btf.build(), roots: roots)
        #expect(guessed.ambiguities.count == 1 && guessed.unreachedPages == [2, 4, 5, 6, 7])
        let shape = try Shape(parsing: "struct arena_list_node in struct timer.node\nstruct extent owns pages * 4096", origin: "t.shape")
        let declared = try arena.walk(types.btf.build(), roots: roots, shape: shape)
        #expect(declared.types.first { $0.type == "struct timer" }?.count == 10 && declared.ambiguities.isEmpty)
        #expect(declared.types.first { $0.type == "struct extent" } == TypeTally(type: "struct extent", count: 1, bytes: 3 * 4096))
        #expect(declared.unreachedPages == [2, 6, 7] && declared.untypedPages == 0, "the extent's pages are its own")
    }

    @Test func aDeclaredUnionMemberIsRead() throws {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let u32 = btf.int("u32", size: 4)
        let desc = btf.structure("sdt_desc", size: 16, [.field("nr_free", u64, at: 0)])
        let data = btf.structure("sdt_data", size: 16, [.field("tid", u64, at: 0)])
        let slots = btf.union(
            "", size: 32,
            [
                .field("descs", btf.array(of: btf.pointer(to: desc), count: 4, index: u32), at: 0),
                .field("data", btf.array(of: btf.pointer(to: data), count: 4, index: u32), at: 0),
            ])
        _ = btf.structure("sdt_chunk", size: 32, [.field("", slots, at: 0)])
        var arena = Arena(backed: 2)
        for slot in 0..<4 { arena.store(Self.page(0) + UInt64(slot) * 8, Self.page(1) + UInt64(slot) * 16) }
        let roots = [ContainerTests.root("chunk", Self.page(0), "struct sdt_chunk")]
        let map = try arena.walk(btf.build(), roots: roots, shape: try Shape(parsing: "struct sdt_chunk reads data", origin: "s.shape"))
        #expect(map.types.first { $0.type == "struct sdt_data" }?.count == 4 && map.ambiguities.isEmpty)
        #expect {
            _ = try arena.walk(btf.build(), roots: roots, shape: try Shape(parsing: "struct sdt_chunk reads dta", origin: "s.shape"))
        } throws: { "\($0)" == "s.shape:1: struct sdt_chunk has no union member 'dta' (did you mean 'data'?)" }
    }

    @Test(arguments: [
        ("nosuch = struct htab *", "h.shape:1: no root named 'nosuch'"),
        ("htab_for_user = struct hatb *", "h.shape:1: no type named 'struct hatb *' (did you mean 'struct htab'?)"),
        ("struct htab.bukets[n_buckets]", "h.shape:1: struct htab has no field 'bukets' (did you mean 'buckets'?)"),
        ("struct htab.buckets[n_bucket]", "h.shape:1: struct htab has no field 'n_bucket' (did you mean 'n_buckets'?)"),
        ("struct htab.n_buckets[4]", "h.shape:1: struct htab.n_buckets is not a pointer"),
        ("struct arena_list_node in struct htab.buckets", "h.shape:1: struct htab.buckets is a struct htab_bucket *, not a struct arena_list_node"),
        ("check struct htab.n_bucket != 0", "h.shape:1: struct htab has no field 'n_bucket' (did you mean 'n_buckets'?)"),
        ("check struct htab.buckets == 0", "h.shape:1: struct htab.buckets is not an integer of 1, 2, 4 or 8 bytes"),
    ])
    func aNameTheTypesLackIsAnErrorWithCloseNames(text: String, error: String) throws {
        let (btf, arena, _) = Self.hashTable()
        let handle = StructureRoot(name: "htab_for_user", address: Self.page(0), type: nil, origin: "map .bss")
        #expect {
            _ = try arena.walk(btf, roots: [handle], shape: try Shape(parsing: text, origin: "h.shape"))
        } throws: { thrown in
            "\(thrown)".hasPrefix(error)
        }
    }
}
