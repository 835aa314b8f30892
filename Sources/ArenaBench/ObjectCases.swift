import EmulatedHost
import ArenaEmulator
import ArenaLive
import ArenaModel
import ArenaTypes
import ArenaUI
import Glibc

/// 1,000,000 24-byte `{next, value, magic}` nodes in 512 bucket lists: the object map's
/// benchmark graph (about 5,900 pages of nodes).
let objectNodes: UInt64 = 1_000_000
let objectBuckets: UInt64 = 512

/// The bench graph's node type; with `container`, also `struct wl_elem { struct wl_node node; }`,
/// so that every pointer to a node leads to its container.
func nodeBTF(container: Bool) -> [UInt8] {
    var btf = BTFBuilder()
    let u64 = btf.int("__u64", size: 8)
    let node = btf.declareStruct()
    btf.define(
        node, name: "wl_node", size: 24, members: [.field("next", btf.pointer(to: node), at: 0), .field("value", u64, at: 8), .field("magic", u64, at: 16)])
    if container { _ = btf.structure("wl_elem", size: 24, [.field("node", node, at: 0)]) }
    return btf.build()
}

let objectCases: [BenchmarkCase] = [
    BenchmarkCase(name: "object map (issue 14)") {
        var figures: [Figure] = []
        // Emulated: the graph laid out in an emulated arena, walked with its BTF.
        let arena = try EmulatedArena(maxPages: 8192, flags: .mmapable)
        let table = arena.allocPages(count: 1)
        let pages = arena.allocPages(count: UInt32((objectNodes * 24 + 4095) / 4096))
        for node in 0..<objectNodes {
            let address = pages + node * 24
            let slot = table + (node % objectBuckets) * 8
            arena.bpfStore(address, arena.bpfLoad(slot))
            arena.bpfStore(address + 8, node)
            arena.bpfStore(slot, address)
        }
        let catalog = TypeCatalog([TypeBlob(origin: "bench", btf: nodeBTF(container: false))])
        let withContainers = TypeCatalog([TypeBlob(origin: "bench", btf: nodeBTF(container: true))])
        let roots = [StructureRoot(name: "table", address: table, type: "struct wl_node *[512]", origin: "bench")]
        let snapshot = Snapshot(source: SourceDescriptor(kind: .emulated), geometry: arena.geometry, pages: arena.pageMap(), roots: roots)
        func emulatedWalk(_ types: TypeCatalog) throws -> Double {
            var found = 0
            let seconds = try medianSeconds(repeats: 3) {
                var traversal = ObjectTraversal(catalog: types, snapshot: snapshot, options: ObjectTraversal.Options(maxObjects: 2_000_000))
                found = try traversal.run(roots: roots) { wanted in
                    var bytes: [UInt32: [UInt8]] = [:]
                    for page in wanted { bytes[page] = arena.bytes(ofPage: page) }
                    return bytes
                }.objects
            }
            precondition(found == Int(objectNodes) + 1, "walked \(found) objects")
            return seconds
        }
        let emulated = try emulatedWalk(catalog)
        let emulatedContainers = try emulatedWalk(withContainers)
        figures.append(
            Figure(
                name: "emulated: 1M 24-byte objects in 512 lists", value: Double(objectNodes + 1) / emulated / 1e6, unit: "M obj/s", target: 2,
                higherIsBetter: true))
        figures.append(
            Figure(
                name: "emulated: every node found as its container vs not (issue 22)", value: emulatedContainers / emulated, unit: "x", target: 1.5,
                higherIsBetter: false))

        // Live: the same graph built by BPF programs in a real arena, read through the source.
        let live = try whereBPFIsAllowed {
            let fd = try LiveWorkload.createArena(pages: 8192)
            defer { close(fd) }
            let workload = try LiveWorkload(mainArenaFD: fd)
            let bucketArray = try workload.buildHash(count: objectNodes, buckets: objectBuckets)
            let source = try LiveSource(mapID: try workload.arenaID)
            let liveRoots = [StructureRoot(name: "table", address: bucketArray, type: "struct wl_node *[512]", origin: "bench")]
            let sampled = try source.sample()
            let liveSnapshot = Snapshot(source: sampled.source, geometry: sampled.geometry, pages: sampled.pages, roots: liveRoots)
            let types = TypeCatalog(try source.typeBlobs())
            var map: ObjectMap?
            let walk = try medianSeconds(repeats: 3) {
                map = try ObjectWalk.walk(source, catalog: types, snapshot: liveSnapshot, options: ObjectTraversal.Options(maxObjects: 2_000_000))
            }
            let reached = map?.reachedPages ?? []
            precondition(map?.objects == Int(objectNodes) + 1, "walked \(map?.objects ?? 0) objects")
            // The program's BTF and a --btf file whose struct embeds its node: every pointer leads to a container.
            let containerTypes = TypeCatalog(try source.typeBlobs() + [TypeBlob(origin: "bench", btf: nodeBTF(container: true))])
            let walkContainers = try medianSeconds(repeats: 3) {
                map = try ObjectWalk.walk(source, catalog: containerTypes, snapshot: liveSnapshot, options: ObjectTraversal.Options(maxObjects: 2_000_000))
            }
            precondition(map?.containers.first?.objects == Int(objectNodes), "found \(map?.containers.first?.objects ?? 0) containers")
            let bulk = try medianSeconds(repeats: 3) {
                var total = 0
                try source.withBytes(ofPages: reached) { _, contents in total &+= contents.count }
            }
            let keys = try keysWhileWalking(RootedSource(source, roots: liveRoots))
            return [
                Figure(name: "live: 1M 24-byte objects in 512 lists (\(reached.count) pages)", value: walk, unit: "s", target: 1, higherIsBetter: false),
                Figure(name: "live: the walk vs reading the same pages' bytes in bulk", value: walk / bulk, unit: "x", target: 3, higherIsBetter: false),
                Figure(
                    name: "live: every node found as its container (\(roundedText(walkContainers, places: 2)) s) vs not (issue 22)",
                    value: walkContainers / walk, unit: "x", target: 1.5, higherIsBetter: false),
                Figure(
                    name: "inspector, objects pane: slowest key to frame while the walk runs (\(keys.count) keys)", value: keys.slowestKey * 1000, unit: "ms",
                    target: 16, higherIsBetter: false),
                Figure(
                    name: "inspector, objects pane: the tick that copies the pages and starts the walk", value: keys.start * 1000, unit: "ms", target: 16,
                    higherIsBetter: false),
            ]
        }
        return figures + live
    }
]

/// A source with the bench graph's bucket array as its root (the bench's programs name none).
final class RootedSource: ArenaSource {
    let inner: ArenaSource
    let roots: [StructureRoot]
    init(_ inner: ArenaSource, roots: [StructureRoot]) {
        self.inner = inner
        self.roots = roots
    }
    var descriptor: SourceDescriptor { inner.descriptor }
    var capabilities: SourceCapabilities { inner.capabilities }
    func sample() throws -> Snapshot {
        let sampled = try inner.sample()
        return Snapshot(source: sampled.source, geometry: sampled.geometry, pages: sampled.pages, roots: roots)
    }
    func pageBytes(_ page: UInt32) throws -> [UInt8] { try inner.pageBytes(page) }
    func withBytes(ofPages pages: [UInt32], _ body: (UInt32, UnsafeRawBufferPointer) throws -> Void) throws {
        try inner.withBytes(ofPages: pages, body)
    }
    func typeBlobs() throws -> [TypeBlob] { try inner.typeBlobs() }
}

/// The inspector on `source` with the objects pane open: the tick that starts the walk, then
/// keys (each handled and drawn) for as long as the walk runs, timed one by one.
func keysWhileWalking(_ source: ArenaSource) throws -> (start: Double, slowestKey: Double, count: Int) {
    let backend = SamplingBackend(source: source, interval: 3600, clock: monotonicSeconds)
    backend.sampleNow()
    let app = InspectorApp(backend: backend, width: 200, height: 60)
    _ = app.handle(.tab)
    _ = app.handle(.character("O"))
    _ = app.handle(.character("O"))
    _ = app.render()
    var started = monotonicSeconds()
    _ = app.tick()
    let start = monotonicSeconds() - started
    var slowest = 0.0, count = 0
    let deadline = monotonicSeconds() + 30
    while app.render().text.contains("walking") && monotonicSeconds() < deadline {
        started = monotonicSeconds()
        _ = app.handle(count % 40 < 20 ? .down : .up)
        _ = app.tick()
        _ = app.render()
        slowest = max(slowest, monotonicSeconds() - started)
        count += 1
    }
    precondition(app.render().text.contains("Objects · 1000001 in "), "the walk did not finish")
    return (start, slowest, count)
}

/// 1,048,576 live 64-byte slots of sched_ext's allocator (the `slab` workload's types) under a
/// three-level radix tree, built directly: the liveness benchmark's arena.
func slabArena(slots: Int) throws -> (source: ScriptedArenaSource, snapshot: Snapshot, catalog: TypeCatalog) {
    let entries = 512, dataSize = 64
    let arena = try EmulatedArena(maxPages: 32768, flags: .mmapable)
    let descriptors = arena.allocPages(count: 64)
    var nextDescriptor = descriptors
    func descriptor(children: Int) -> (address: UInt64, chunk: UInt64) {
        let address = nextDescriptor
        nextDescriptor += 80
        let chunk = arena.allocPages(count: 1)
        for child in 0..<children {
            arena.bpfStore(address + UInt64(8 * (child / 64)), arena.bpfLoad(address + UInt64(8 * (child / 64))) | 1 << UInt64(child % 64))
        }
        arena.bpfStore(address + 64, UInt64(entries - children))
        arena.bpfStorePointer(address + 72, chunk)
        return (address, chunk)
    }
    let leaves = (slots + entries - 1) / entries, interiors = (leaves + entries - 1) / entries
    let data = arena.allocPages(count: UInt32(slots * dataSize / 4096))
    let root = descriptor(children: interiors)
    for interior in 0..<interiors {
        let inner = descriptor(children: min(entries, leaves - interior * entries))
        arena.bpfStorePointer(root.chunk + UInt64(8 * interior), inner.address)
        for position in 0..<min(entries, leaves - interior * entries) {
            let leafIndex = interior * entries + position
            let count = min(entries, slots - leafIndex * entries)
            let leaf = descriptor(children: count)
            arena.bpfStorePointer(inner.chunk + UInt64(8 * position), leaf.address)
            for slot in 0..<count {
                let index = leafIndex * entries + slot
                let object = data + UInt64(index * dataSize)
                arena.bpfStore(object, UInt64(index), width: 4)
                // Payload, as a task's data holds: never an arena address.
                for word in 1..<dataSize / 8 { arena.bpfStore(object + UInt64(8 * word), UInt64(index) &* 0x9E37_79B9_7F4A_7C15 | 1) }
                arena.bpfStorePointer(leaf.chunk + UInt64(8 * slot), object)
            }
        }
    }
    let catalog = TypeCatalog(try EmulatedSource(workload: "slab").typeBlobs())
    let roots = [StructureRoot(name: "root", address: root.address, type: "struct sdt_desc", origin: "bench")]
    let source = ScriptedArenaSource(arena)
    let snapshot = Snapshot(source: source.descriptor, geometry: arena.geometry, pages: arena.pageMap(), roots: roots)
    return (source, snapshot, catalog)
}

let livenessCases: [BenchmarkCase] = [
    BenchmarkCase(name: "liveness (issue 25)") {
        let slots = 1 << 20
        let (source, snapshot, catalog) = try slabArena(slots: slots)
        let options = ObjectTraversal.Options(maxObjects: 2_000_000, shape: try Shape(parsing: "check struct sdt_data.tid.idx == slot\n", origin: "bench"))
        let plain = try medianSeconds(repeats: 3) {
            let map = try ObjectWalk.run(source, catalog: catalog, snapshot: snapshot, options: options) { snapshot }
            precondition(map.types.first { $0.type == "struct sdt_data" }?.count == slots, "walked \(map.types)")
        }
        let live = try medianSeconds(repeats: 3) {
            let allocators = try ObjectWalk.runWithAllocators(source, catalog: catalog, snapshot: snapshot, options: options) { snapshot }.allocators
            precondition(
                allocators.first?.live.count == slots && allocators.first?.violations.isEmpty == true, "read \(allocators.first?.live.count ?? 0) live")
        }
        return [
            Figure(name: "emulated: the walk with liveness and checks on 1M live slots", value: live, unit: "s", target: 1, higherIsBetter: false),
            Figure(
                name: "emulated: with liveness and checks (\(roundedText(live, places: 2)) s) vs the walk alone (\(roundedText(plain, places: 2)) s)",
                value: live / plain, unit: "x", target: 1.5, higherIsBetter: false),
        ]
    }
]
