import ArenaModel
import ArenaTypes
import Testing

@Suite struct BTFTests {
    static func sample() -> [UInt8] {
        var btf = BTFBuilder()
        let u32 = btf.int("u32", size: 4)
        let s8 = btf.int("s8", size: 1, signed: true)
        let node = btf.declareStruct()
        let other = btf.declareStruct()
        btf.define(other, name: "other", size: 4, members: [.field("x", u32, at: 0)])
        btf.define(
            node, name: "node", size: 16,
            members: [
                .field("next", btf.pointer(to: node), at: 0), .bitfield("low", u32, bitOffset: 64, bits: 3),
                .bitfield("neg", s8, bitOffset: 67, bits: 5), .field("o", other, at: 12),
            ])
        _ = btf.typedef("node_t", node)
        _ = btf.enumeration("mood", size: 4, [("SAD", -1), ("OK", 0)])
        return btf.build()
    }

    @Test func builderOutputParsesBack() throws {
        let catalog = TypeCatalog([TypeBlob(origin: "test", btf: Self.sample())])
        #expect(catalog.problems.isEmpty)
        #expect(catalog.entries.map(\.name) == ["enum mood", "node_t", "s8", "struct node", "struct other", "u32"], "named types and base types")
        #expect(try catalog.lookup("node").size == 16)
        #expect(try catalog.lookup("node_t").size == 16)
        #expect(throws: TypeError.unknownType("struct nod", suggestions: ["struct node"], lookedIn: ["test"])) { try catalog.lookup("struct nod") }
    }

    @Test func forwardDeclarationsAreCompletedFromAnyBlob() throws {
        // One program only declares struct node (clang does so for a type reached only through
        // pointers); another BTF (a --btf file) defines it.
        var declaring = BTFBuilder()
        let forward = declaring.forward("node")
        _ = declaring.structure("holder", size: 8, [.field("first", declaring.pointer(to: forward), at: 0)])
        let onlyDeclared = TypeCatalog([TypeBlob(origin: "prog 1", btf: declaring.build())])
        let entry = try #require(onlyDeclared.entries.first { $0.name == "struct node" })
        #expect(entry.isForwardOnly && entry.size == 0)
        #expect(throws: TypeError.self) { try onlyDeclared.lookup("struct node[2]") }
        let both = TypeCatalog([TypeBlob(origin: "prog 1", btf: declaring.build()), TypeBlob(origin: "file types.o", btf: Self.sample())])
        #expect(both.entries.first { $0.name == "struct node" }?.isForwardOnly == false, "the definition wins")
        let holder = try both.lookup("struct holder")
        let geometry = ArenaGeometry(maxPages: 1, userVMStart: 0x1000, flags: .mmapable)
        var page = [UInt8](repeating: 0, count: 4096)
        page[0] = 0x20; page[1] = 0x10  // first = 0x1020
        page[0x20 + 8] = 7  // node.value? (the sample's node has next at 0, a u32 at 8)
        let snapshot = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: geometry,
            pages: {
                var b = PageMapBuilder(); b.append(.allocated, count: 1); return b.build(pageCount: 1)
            }())
        var reader = ArenaReader(snapshot: snapshot) { _ in page }
        let decoder = TypeDecoder(catalog: both, pointers: PointerDecoder(geometry: geometry))
        let decoded = try decoder.decode(holder.ref, at: 0x1000, reader: &reader)
        guard case .record(let fields) = decoded.value, case .pointer(_, let target, let pointee?) = fields[0].value else {
            Issue.record("no pointer field: \(decoded.value)"); return
        }
        #expect(target == 0x1020)
        #expect(both.size(of: pointee) == 16, "the pointee is the complete struct node")
        let node = try decoder.decode(pointee, at: 0x1020, reader: &reader)
        #expect(node.typeName == "struct node" && node.size == 16)
    }

    @Test func baseTypesPointersAndArraysCanBeNamed() throws {
        let catalog = TypeCatalog([TypeBlob(origin: "test", btf: Self.sample())])
        #expect(try catalog.lookup("u32").size == 4)
        let array = try catalog.lookup("u32[3]")
        #expect(array.name == "u32 [3]" && array.size == 12)
        let pointer = try catalog.lookup("struct node *")
        #expect(pointer.name == "struct node *" && pointer.size == 8)
        #expect(try catalog.lookup("node_t*[2]").size == 16)
        let geometry = ArenaGeometry(maxPages: 1, userVMStart: 0x1000, flags: .mmapable)
        var page = [UInt8](repeating: 0, count: 4096)
        page[0] = 1; page[4] = 2; page[8] = 3
        let snapshot = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: geometry,
            pages: {
                var b = PageMapBuilder(); b.append(.allocated, count: 1); return b.build(pageCount: 1)
            }())
        var reader = ArenaReader(snapshot: snapshot) { _ in page }
        let decoded = try TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: geometry)).decode(array.ref, at: 0x1000, reader: &reader)
        #expect(decoded.value == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
        #expect(throws: TypeError.self) { try catalog.lookup("u32[0]") }
    }

    @Test func bitfieldsSignsAndEnumsDecode() throws {
        let catalog = TypeCatalog([TypeBlob(origin: "test", btf: Self.sample())])
        let geometry = ArenaGeometry(maxPages: 1, userVMStart: 0x1000, flags: .mmapable)
        var page = [UInt8](repeating: 0, count: 4096)
        page[0] = 0x10; page[1] = 0x10  // next = 0x1010: inside the arena
        page[8] = 0b1111_0101  // low = 5, neg = 0b11110 = -2
        page[12] = 7
        let snapshot = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: geometry,
            pages: try PageMap(pageCount: 1, runs: [PageRun(first: 0, count: 1, state: .allocated)]))
        var reader = ArenaReader(snapshot: snapshot) { _ in page }
        let decoder = TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: geometry))
        let decoded = try decoder.decode(try catalog.lookup("struct node").ref, at: 0x1000, reader: &reader)
        guard case .record(let fields) = decoded.value else { Issue.record("not a record"); return }
        #expect(fields[0].value == .pointer(0x1010, target: 0x1010, pointee: fields[0].value.pointee))
        #expect(fields[1].value == .unsigned(5) && fields[1].bitfield?.bits == 3)
        #expect(fields[2].value == .signed(-2))
        guard case .record(let inner) = fields[3].value else { Issue.record("nested struct"); return }
        #expect(inner[0].value == .unsigned(7))
        page[0] = 0xFF; page[1] = 0xFF; page[2] = 0xFF; page[3] = 0xFF
        var moods = ArenaReader(snapshot: snapshot) { _ in page }
        let mood = try decoder.decode(try catalog.lookup("enum mood").ref, at: 0x1000, reader: &moods)
        #expect(mood.value == .enumerator("SAD", -1))
    }

    @Test func pointersTaggedArenaReadLow32Values() throws {
        var btf = BTFBuilder()
        let u64 = btf.int("u64", size: 8)
        let tagged = btf.pointer(to: btf.typeTag("arena", u64))
        let plain = btf.pointer(to: u64)
        _ = btf.structure("holder", size: 16, [.field("tagged", tagged, at: 0), .field("plain", plain, at: 8)])
        let catalog = TypeCatalog([TypeBlob(origin: "tags", btf: btf.build())])
        let geometry = ArenaGeometry(maxPages: 16, userVMStart: 0x7f00_0000_0000, flags: .mmapable)
        var page = [UInt8](repeating: 0, count: 4096)
        page[1] = 0x20  // tagged = 0x2000: the low 32 bits of 0x7f0000002000
        page[9] = 0x20  // plain = 0x2000 too
        let snapshot = Snapshot(
            source: SourceDescriptor(kind: .emulated), geometry: geometry,
            pages: try PageMap(pageCount: 16, runs: [PageRun(first: 0, count: 1, state: .allocated), PageRun(first: 1, count: 15, state: .free)]))
        var reader = ArenaReader(snapshot: snapshot) { _ in page }
        let decoded = try TypeDecoder(catalog: catalog, pointers: PointerDecoder(geometry: geometry))
            .decode(try catalog.lookup("struct holder").ref, at: 0x7f00_0000_0000, reader: &reader)
        guard case .record(let fields) = decoded.value else { Issue.record("not a record"); return }
        #expect(fields[0].typeName == "u64 *")
        guard case .pointer(_, let taggedTarget, _) = fields[0].value, case .pointer(_, let plainTarget, _) = fields[1].value else {
            Issue.record("not pointers")
            return
        }
        #expect(taggedTarget == 0x7f00_0000_2000, "the arena tag says it is an arena pointer")
        #expect(plainTarget == nil, "an untagged 32-bit value in a full-address arena is not a pointer")
    }

    @Test func damagedBTFIsRefusedNotTrusted() {
        let good = Self.sample()
        var badMagic = good
        badMagic[0] = 0
        var outside = good
        outside[12] = 0xFF  // type_len far past the end
        // Types after the 24-byte header: u32 and s8 (16 bytes each), struct node (12 + 4 x 12),
        // struct other (12 + 12), then the pointer (12).
        let node = 24 + 16 + 16
        let pointer = node + 60 + 24
        var dangling = good
        dangling[pointer + 11] = 0x7F  // the pointer names type 0x7f000003
        var hugeVlen = good
        hugeVlen[node + 4] = 0xFF  // struct node claims 255 members
        // "mood" spelled with an escape: a name must not carry terminal controls.
        var escape = good
        let mood = Array("mood".utf8)
        let at = try! #require((0...(good.count - mood.count)).first { Array(good[$0..<$0 + mood.count]) == mood })
        escape[at] = 0x1B
        for (name, bytes) in [("magic", badMagic), ("outside", outside), ("dangling", dangling), ("vlen", hugeVlen), ("escape", escape), ("empty", [])] {
            let catalog = TypeCatalog([TypeBlob(origin: name, btf: bytes)])
            #expect(catalog.problems.count == 1 && catalog.problems[0].hasPrefix("\(name): bad BTF"), "\(name): \(catalog.problems)")
            #expect(catalog.isEmpty)
        }
    }
}

extension TypedValue {
    var pointee: TypeRef? {
        if case .pointer(_, _, let pointee) = self { return pointee }
        return nil
    }
}
