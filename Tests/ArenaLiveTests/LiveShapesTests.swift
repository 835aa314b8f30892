import ArenaExport
import ArenaModel
import ArenaRecording
import ArenaTypes
import Foundation
import Testing
import LiveTestSupport
@testable import ArenaLive
@testable import ArenaUI

/// The object map of arenas built the way users build them (bpf/shapes_*.bpf.c, loaded by
/// libbpf 1.4+): counted by the types the programs built, with no false leaks and no false
/// bad pointers, alike through the walk, the objects pane, a recording and the exporter.
@Suite(.serialized, .needsLiveArenas) struct LiveShapesTests {
    /// `bytes` written to a temporary `NAME`, with `shape` beside it as the shape file.
    static func objectFile(_ bytes: [UInt8], named name: String, shape: String? = nil) throws -> (object: String, remove: () -> Void) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-shapes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/\(name).bpf.o"))
        if let shape { try Data(shape.utf8).write(to: URL(fileURLWithPath: folder + "/\(name).shape")) }
        return (folder + "/\(name).bpf.o", { try? FileManager.default.removeItem(atPath: folder) })
    }

    /// The live source with the object's types (and the shape beside it), as `--btf FILE` gives it.
    static func typed(_ id: UInt32, object: String) throws -> ArenaSource {
        SourceWithTypes(try LiveSource(mapID: id), adding: try BTFFile.load(object).blobs, shapes: try ShapeFile.beside(object).map { [$0] } ?? [])
    }

    static func walk(_ source: ArenaSource) throws -> ObjectMap {
        try ObjectWalk.run(
            source, catalog: TypeCatalog(try source.typeBlobs()), snapshot: try source.sample(),
            options: ObjectTraversal.Options(), resample: { try source.sample() })
    }

    /// The map's rows by type; one row a type, however many BTFs (the program's, the object's
    /// .BTF, its DWARF) describe it.
    static func tallies(_ map: ObjectMap) -> [String: TypeTally] {
        let rows = Dictionary(map.types.map { ($0.type, [$0]) }, uniquingKeysWith: +)
        #expect(rows.values.allSatisfy { $0.count == 1 }, "a type in two rows: \(rows.filter { $0.value.count > 1 })")
        return rows.mapValues { $0[0] }
    }

    /// The same figures through the objects pane, a one-frame recording and the exporter.
    static func expectTheSameEverywhere(_ map: ObjectMap, source: ArenaSource, id: UInt32, typeFiles: ProgramTypeFiles) throws {
        let backend = SamplingBackend(source: source, interval: 0, clock: monotonicSeconds)
        _ = backend.sampleNow()
        let worker = ObjectMapWorker()
        let catalog = TypeCatalog(try source.typeBlobs())
        let deadline = monotonicSeconds() + 60
        while worker.map == nil && worker.failure == nil && monotonicSeconds() < deadline {
            _ = worker.poll(backend: backend, catalog: catalog)
            usleep(10_000)
        }
        let pane = try #require(worker.map, "the pane's walk: \(worker.failure ?? "timed out")")
        #expect(pane.types == map.types && pane.unreachedPages == map.unreachedPages && pane.badPointers.isEmpty, "the objects pane")
        #expect(pane.containers == map.containers)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arenascope-shapes-\(UUID().uuidString).arec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try source.sample()
        let writer = try RecordingWriter(path: path, header: RecordingHeader(recording: source, from: first, bytesMode: .all, frameInterval: 1))
        try writer.append(first, time: 0, source: source)
        try writer.finish()
        let replay = try ReplaySource(reader: try RecordingReader(path: path), name: "shapes.arec")
        let replayed = try walk(replay)
        #expect(replayed.types == map.types && replayed.unreachedPages == map.unreachedPages && replayed.badPointers == map.badPointers, "the recording")
        #expect(replayed.containers == map.containers)

        let collector = try HealthCollector(objects: ObjectTraversal.Options(), typeFiles: typeFiles)
        let exported = try #require(collector.collect().first { $0.id == id }?.objects, "the exporter walked it")
        #expect(exported.types.map(\.type) == map.types.map(\.type) && exported.types.map(\.count) == map.types.map(\.count), "the exporter")
        #expect(exported.types.map(\.bytes) == map.types.map(\.bytes))
        #expect(exported.unreachedPages == map.unreachedPages.count && exported.badPointers == 0)
        #expect(exported.containerObjects == map.containers.reduce(0) { $0 + $1.objects } && exported.untypedPages == map.untypedPages)
    }

    @Test func aListAndARadixTreeAreCountedAsTheProgramBuiltThem() throws {
        let program = try ListProgram()
        for first in stride(from: 0, to: 192, by: 64) { try program.add(64, first: UInt64(first)) }
        #expect(try program.add(8, first: 192) == 200)
        #expect(try program.buildTree(leaves: 3, perLeaf: 50) == 150)
        let id = try program.arenaID
        let (object, remove) = try Self.objectFile(ListProgram.objectFile, named: "shapes_list")
        defer { remove() }

        // The program's own BTF declares the node and the tree's types, or lacks them: the walk says where it stopped.
        let own = try Self.walk(try LiveSource(mapID: id))
        #expect(own.stops.contains { $0.reason == .declaredOnly }, "\(own.stops)")
        #expect(own.badPointers.isEmpty)

        // With the object (its DWARF through pahole), everything the program built.
        let source = try Self.typed(id, object: object)
        let map = try Self.walk(source)
        let byType = Self.tallies(map)
        #expect(byType["struct elem"] == TypeTally(type: "struct elem", count: 200, bytes: 200 * 24), "\(map.types)")
        #expect(byType["struct arena_list_node"] == nil, "no element is counted as its link")
        #expect(byType["struct arena_list_head"]?.count == 1)
        #expect(byType["struct sdt_desc"] == TypeTally(type: "struct sdt_desc", count: 4, bytes: 4 * 80))
        #expect(byType["struct sdt_chunk"] == TypeTally(type: "struct sdt_chunk", count: 4, bytes: 4 * 4096))
        #expect(byType["struct sdt_data"] == TypeTally(type: "struct sdt_data", count: 150, bytes: 150 * 56))
        #expect(map.containers.map(\.container) == ["struct elem"] && map.containers.first?.objects == 200 && map.containers.first?.rejected == 0)
        #expect(map.ambiguities.isEmpty, "\(map.ambiguities)")
        #expect(map.unreachedPages.isEmpty, "the allocator's globals, its pages and the tree are all reached: \(map.unreachedPages)")
        #expect(map.badPointers.isEmpty, "\(map.badPointers.prefix(5))")
        #expect(map.stops.isEmpty, "\(map.stops)")
        // The tree is sched_ext's allocator: its bitmaps mark the 150 data live; only the tree
        // points to them, so leaks are not judged (no false leak), and nothing contradicts.
        let walked = try ObjectWalk.runWithAllocators(
            source, catalog: TypeCatalog(try source.typeBlobs()), snapshot: try source.sample(),
            options: ObjectTraversal.Options(), resample: { try source.sample() })
        let allocators = walked.allocators
        let slab = try #require(allocators.first, "sdt_alloc recognised through the program's DWARF")
        #expect(allocators.count == 1 && slab.root.hasSuffix("root") && slab.dataType == "struct sdt_data", "\(slab.root)")
        #expect(slab.live.count == 150 && slab.free.isEmpty && slab.leaves == 3 && slab.emptyLeaves == 0)
        #expect(slab.contradictions.isEmpty && slab.stale.isEmpty && slab.violations.isEmpty, "\(slab.contradictions)")
        #expect(slab.leaks.isEmpty && slab.leaksUnjudged != nil)
        // Every object came from the page-fragment allocator: its pages' counts match what is reached.
        let fragments = try #require(walked.fragments, "recognised by page_frag_cur_page")
        #expect(fragments.live == 355)
        #expect(fragments.reached == 355)
        #expect(fragments.findings.map(\.text) == [])
        try Self.expectTheSameEverywhere(
            map, source: source, id: id,
            typeFiles: try ProgramTypeFiles(btf: [object], shapes: []) { try BTFFile.load($0).blobs })
    }

    @Test func aHashTableBehindAVoidHandleIsWalkedWithItsShape() throws {
        let program = try HashTableProgram()
        for _ in 0..<4 { try program.insert(60, buckets: 16) }
        #expect(try program.insert(10) == 250)
        let id = try program.arenaID

        // Without the shape the handle is an untyped root: said, not a silent leak.
        let (bare, removeBare) = try Self.objectFile(HashTableProgram.objectFile, named: "htab_bare")
        defer { removeBare() }
        let untyped = try Self.walk(try Self.typed(id, object: bare))
        #expect(untyped.stops.contains { $0.type == "htab_for_user" && $0.reason == .untypedRoot }, "\(untyped.stops)")

        let (object, remove) = try Self.objectFile(HashTableProgram.objectFile, named: "shapes_htab", shape: HashTableProgram.shape)
        defer { remove() }
        let source = try Self.typed(id, object: object)
        let map = try Self.walk(source)
        let byType = Self.tallies(map)
        #expect(byType["struct htab"] == TypeTally(type: "struct htab", count: 1, bytes: 16), "\(map.types)")
        #expect(byType["struct arena_list_head"] == TypeTally(type: "struct arena_list_head", count: 16, bytes: 16 * 8), "every bucket")
        #expect(byType["struct hashtab_elem"] == TypeTally(type: "struct hashtab_elem", count: 250, bytes: 250 * 32))
        #expect(byType["struct arena_list_node"] == nil)
        #expect(map.containers.map(\.container) == ["struct hashtab_elem"] && map.containers.first?.objects == 250)
        #expect(map.unreachedPages.isEmpty, "\(map.unreachedPages)")
        #expect(map.badPointers.isEmpty && map.ambiguities.isEmpty && map.stops.isEmpty, "\(map.badPointers.prefix(3)) \(map.ambiguities) \(map.stops)")
        try Self.expectTheSameEverywhere(
            map, source: source, id: id,
            typeFiles: try ProgramTypeFiles(btf: [object], shapes: []) { try BTFFile.load($0).blobs })
    }
}
