import ArenaModel

/// The object walk over a source, with a second look at its bad pointers. A live program
/// changes its arena while the walk reads it, so a walk can follow a pointer that was
/// rewritten between two page reads. A bad pointer is reported only once a fresh sample
/// shows the same value in the same field, leading to the same kind of place; a walk whose
/// bad pointers do not hold up is torn, and is taken again from the fresh sample.
public enum ObjectWalk {
    /// Walks per call before the last one is reported torn (as a torn page map is retried).
    public static let attempts = 5

    /// Walks `source` from `snapshot`'s roots; `resample` takes the fresh sample for a second look.
    public static func run(
        _ source: ArenaSource, catalog: TypeCatalog, snapshot: Snapshot,
        options: ObjectTraversal.Options, resample: () throws -> Snapshot
    ) throws -> ObjectMap {
        var snapshot = snapshot
        var attempt = 1
        while true {
            let map = try walk(source, catalog: catalog, snapshot: snapshot, options: options)
            if map.badPointers.isEmpty { return map }
            let fresh = try resample()
            if let confirmed = try confirmed(map, source: source, fresh: fresh, attempt: attempt) { return confirmed }
            snapshot = fresh
            attempt += 1
        }
    }

    /// The second look at a walk's bad pointers in `fresh`, the source's latest sample: the
    /// map as walked when they all hold up; nil when some do not and the walk is to be taken
    /// again; on the last of `attempts`, the map with the bad pointers that held, marked torn.
    public static func confirmed(_ map: ObjectMap, source: ArenaSource, fresh: Snapshot, attempt: Int) throws -> ObjectMap? {
        guard !map.badPointers.isEmpty else { return map }
        let held = try stillBad(map.badPointers, source: source, in: fresh)
        if held.count == map.badPointers.count { return map }
        guard attempt >= attempts else { return nil }
        var map = map
        map.badPointers = held
        map.torn = true
        return map
    }

    /// The walk and what the allocators it recognises say: each one's bookkeeping read from
    /// `snapshot`'s roots, its live objects checked against the shapes' checks, the walk
    /// watching every slot so that stale pointers and leaks can be told (`SlabAllocator`).
    public static func runWithAllocators(
        _ source: ArenaSource, catalog: TypeCatalog, snapshot: Snapshot, options: ObjectTraversal.Options,
        resample: () throws -> Snapshot
    ) throws -> Allocated {
        var reader = ArenaReader(snapshot: snapshot, source: source)
        var allocators = try SlabAllocator.checkedReports(
            catalog: catalog, snapshot: snapshot, shape: try shape(of: source).merging(options.shape), reader: &reader)
        var options = options
        options.watch = SlabAllocator.Report.watch(allocators)
        let fragmentRoot = FragmentAllocator.recognisingRoot(snapshot.roots)
        options.countsObjectsOnPages = fragmentRoot != nil
        let map = try run(source, catalog: catalog, snapshot: snapshot, options: options, resample: resample)
        for index in allocators.indices { allocators[index].judge(using: map) }
        let fragments = fragmentRoot.map { FragmentAllocator.report(root: $0, map: map, snapshot: snapshot, reader: &reader) }
        // A finding stands when a fresh sample's bookkeeping still says it.
        guard allocators.contains(where: \.hasFindings) else { return Allocated(map: map, allocators: allocators, fragments: fragments) }
        return Allocated(
            map: map,
            allocators: try SlabAllocator.confirmed(
                allocators, in: try resample(), source: source, catalog: catalog,
                shape: try shape(of: source).merging(options.shape)), fragments: fragments)
    }

    /// A walk with what the allocators it recognised say.
    public struct Allocated: Sendable {
        public let map: ObjectMap
        public let allocators: [SlabAllocator.Report]
        public let fragments: FragmentAllocator.Report?
    }

    /// One walk, page bytes read in bulk through the source, with the source's shapes.
    public static func walk(
        _ source: ArenaSource, catalog: TypeCatalog, snapshot: Snapshot,
        options: ObjectTraversal.Options
    ) throws -> ObjectMap {
        var options = options
        options.shape = try shape(of: source).merging(options.shape)
        var traversal = ObjectTraversal(catalog: catalog, snapshot: snapshot, options: options)
        return try traversal.run(roots: snapshot.roots) { pages in
            var bytes: [UInt32: [UInt8]] = [:]
            try source.withBytes(ofPages: pages) { page, contents in bytes[page] = Array(contents) }
            return bytes
        }
    }

    /// The bad pointers that `fresh` (the source's latest sample) shows unchanged: their field's
    /// page still backed and holding the same value, which still leads to the same kind of place.
    static func stillBad(_ pointers: [ObjectMap.BadPointer], source: ArenaSource, in fresh: Snapshot) throws -> [ObjectMap.BadPointer] {
        let geometry = fresh.geometry
        let decoder = PointerDecoder(geometry: geometry)
        // The fields by page; only those on pages still backed are read.
        let wanted = Dictionary(grouping: pointers) { geometry.page(containing: $0.address) }
        let pages = wanted.keys.compactMap { $0 }.filter { fresh.pages.state(ofPage: $0).isBacked }.sorted()
        var words: [UInt64: UInt64] = [:]
        try source.withBytes(ofPages: pages) { page, contents in
            for pointer in wanted[page] ?? [] {
                let offset = Int(pointer.address - geometry.address(ofPage: page))
                guard offset + 8 <= contents.count else { continue }
                words[pointer.address] = contents.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            }
        }
        return pointers.filter { pointer in
            guard words[pointer.address] == pointer.value,
                case let .bad(leadsTo) = PointerTarget(pointer.value, decoder: decoder, pages: fresh.pages)
            else { return false }
            return leadsTo == pointer.target
        }
    }

    /// The source's shape files, parsed as one.
    public static func shape(of source: ArenaSource) throws -> Shape {
        try source.shapeTexts().reduce(Shape()) { shape, text throws in try shape.merging(Shape(parsing: text.text, origin: text.origin)) }
    }
}
