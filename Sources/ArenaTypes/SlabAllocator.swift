import ArenaModel
import ArenaText

/// A slab allocator of fixed-size slots indexed by a radix tree of descriptors, as sched_ext's
/// `sdt_alloc` builds it, recognised by its types' layout (names do not matter): a descriptor
/// holds an `allocated` bitmap of 64-bit words, a free count and a pointer to a chunk; a chunk
/// is an array of N pointers (N no more than the bitmap's bits), read as the descriptors below
/// in interior chunks and as the data slots in the leaves (a union of the two arrays). In a
/// leaf, bit i says whether the data slot chunk[i] points to is live; a freed slot stays
/// pointed at (recycled later), so reachability alone counts every slot ever handed out.
public struct SlabAllocator: Sendable, Equatable {
    public let descriptor: TypeRef
    public let chunk: TypeRef
    public let data: TypeRef
    let bitmapOffset: UInt64
    let bitmapWords: Int
    let freeCountOffset: UInt64
    let chunkOffset: UInt64
    /// Pointers a chunk holds.
    let entries: Int
    /// Levels of descriptors are bounded (sched_ext's tree has 3).
    static let maxLevels = 8

    /// The slab allocators whose types `catalog` holds.
    public static func recognised(in catalog: TypeCatalog) -> [SlabAllocator] {
        catalog.entries.filter { $0.kind == .structure && !$0.isForwardOnly }.compactMap { recognise(catalog.canonical($0.ref), in: catalog) }
    }

    private static func recognise(_ descriptor: TypeRef, in catalog: TypeCatalog) -> SlabAllocator? {
        let fields = catalog.flattenedFields(of: descriptor)
        guard let bitmap = fields.first(where: { catalog.isArrayOfWords($0.ref) }),
            let words = catalog.arrayCount(bitmap.ref),
            let freeCount = fields.first(where: { catalog.isWord($0.ref) }),
            let chunkField = fields.first(where: { field in catalog.pointee(of: field.ref).map { catalog.isStructure($0) } ?? false }),
            let chunk = catalog.pointee(of: chunkField.ref).map(catalog.canonical),
            let chunkSize = catalog.size(of: chunk), chunkSize % 8 == 0
        else { return nil }
        let entries = Int(chunkSize / 8)
        guard entries > 0, entries <= 64 * Int(words) else { return nil }
        // The chunk: an array of `entries` pointers to descriptors and one to the data, both at 0.
        var pointsToDescriptors = false
        var data: TypeRef?
        for field in catalog.flattenedFields(of: chunk) where field.offset == 0 && catalog.arrayCount(field.ref) == UInt32(entries) {
            guard let element = catalog.arrayElement(field.ref), let target = catalog.pointee(of: element).map(catalog.canonical) else { continue }
            if target == catalog.canonical(descriptor) {
                pointsToDescriptors = true
            } else if catalog.isStructure(target), catalog.size(of: target) ?? 0 > 0 {
                data = target
            }
        }
        guard pointsToDescriptors, let data else { return nil }
        return SlabAllocator(
            descriptor: catalog.canonical(descriptor), chunk: chunk, data: data, bitmapOffset: bitmap.offset,
            bitmapWords: Int(words), freeCountOffset: freeCount.offset, chunkOffset: chunkField.offset, entries: entries)
    }

    /// Every recognised slab allocator's bookkeeping under `snapshot`'s roots, read from `source`.
    public static func reports(catalog: TypeCatalog, snapshot: Snapshot, source: ArenaSource) -> [Report] {
        var reader = ArenaReader(snapshot: snapshot, source: source)
        return reports(catalog: catalog, snapshot: snapshot, reader: &reader)
    }

    /// Every recognised slab allocator's bookkeeping under `snapshot`'s roots, read by `reader`.
    public static func reports(catalog: TypeCatalog, snapshot: Snapshot, reader: inout ArenaReader) -> [Report] {
        recognised(in: catalog).flatMap { allocator in
            allocator.rootDescriptors(snapshot.roots, catalog: catalog, reader: &reader).map {
                allocator.read(root: $0.name, at: $0.address, catalog: catalog, reader: &reader)
            }
        }
    }

    /// The reports with their live objects checked against `shape`'s checks.
    public static func checkedReports(catalog: TypeCatalog, snapshot: Snapshot, shape: Shape, reader: inout ArenaReader) throws(ShapeError) -> [Report] {
        var reports = reports(catalog: catalog, snapshot: snapshot, reader: &reader)
        for index in reports.indices { try reports[index].check(shape, catalog: catalog, roots: snapshot.roots, reader: &reader) }
        return reports
    }

    /// The second look (as at bad pointers): `reports`' findings that `fresh`, a later sample,
    /// still shows through its own bookkeeping.
    public static func confirmed(
        _ reports: [Report], in fresh: Snapshot, source: ArenaSource, catalog: TypeCatalog,
        shape: Shape
    ) throws(ShapeError) -> [Report] {
        guard reports.contains(where: \.hasFindings) else { return reports }
        var reader = ArenaReader(snapshot: fresh, source: source)
        let again = try checkedReports(catalog: catalog, snapshot: fresh, shape: shape, reader: &reader)
        return reports.map { report in
            var report = report
            report.keepConfirmed(by: again.first { $0.root == report.root }, reader: &reader)
            return report
        }
    }

    /// What the allocator's bookkeeping says from one root descriptor.
    public struct Report: Sendable, Equatable {
        /// The root it was read from ("sdt_state.root").
        public let root: String
        public let descriptorType: String
        public let dataType: String
        let dataRef: TypeRef
        public var leaves = 0
        /// Data slots the leaves' bitmaps mark live, and those they mark free (still pointed at).
        public var live: [UInt64] = []
        public var free: [UInt64] = []
        /// Each live slot's index in the tree (its position down the levels), beside `live`.
        public var liveIndices: [Int] = []
        /// Live objects that break a check the shape declares (`check`).
        public var violations: [Violation] = []
        /// Leaves with no live slot: their chunks could be given back.
        public var emptyLeaves = 0
        /// Where the bookkeeping contradicts itself (a free count that does not match its
        /// bitmap, a bit set for an empty slot), or could not be read.
        public var contradictions: [String] = []
        /// The chunks' type: pointers lying in one are the allocator's own.
        let chunkRef: TypeRef
        /// Pointers, reached from the roots and not the allocator's own, to free slots: an
        /// object-level use after free (`judge`).
        public var stale: [ObjectMap.Reference] = []
        /// Live slots that nothing reached from the roots points to but the allocator: leaks.
        public var leaks: [UInt64] = []
        /// Why leaks were not judged (a truncated walk; no live slot referred to from the roots
        /// at all, so the program keeps its references where a walk cannot see, such as task
        /// storage); nil when they were.
        public var leaksUnjudged: String?

        /// A live object whose field breaks a declared check.
        public struct Violation: Sendable, Equatable {
            public let address: UInt64
            public let field: String
            /// What the check wants ("17 (its slot)", "not 0").
            public let expected: String
            public let found: UInt64
        }

        /// Checks every live object against the shape's checks on its type.
        public mutating func check(_ shape: Shape, catalog: TypeCatalog, roots: [StructureRoot], reader: inout ArenaReader) throws(ShapeError) {
            let rules = try ResolvedShape(shape, catalog: catalog, roots: roots).checks[dataRef] ?? []
            guard !rules.isEmpty else { return }
            let pageSize = reader.geometry.pageSize
            // A page's bytes once for all the slots on it (slots lie in page order, mostly).
            var page: (start: UInt64, bytes: [UInt8])?
            func value(at address: UInt64, size: Int) -> UInt64? {
                let start = address & ~(pageSize - 1)
                guard address - start + UInt64(size) <= pageSize else { return try? reader.word(at: address, width: size) }
                if page?.start != start { page = (try? reader.read(start, length: pageSize)).map { (start, $0) } }
                guard let bytes = page?.bytes else { return nil }
                var word: UInt64 = 0
                for byte in (0..<size).reversed() { word = word << 8 | UInt64(bytes[Int(address - start) + byte]) }
                return word
            }
            for (field, rule) in rules {
                for (slot, index) in zip(live, liveIndices) {
                    guard let found = value(at: slot + field.offset, size: field.size) else { continue }
                    let wanted: UInt64 =
                        switch rule.expected {
                        case .slot: UInt64(index)
                        case .constant(let number): number
                        }
                    guard rule.equal ? found != wanted : found == wanted else { continue }
                    let said = rule.expected == .slot ? "\(wanted) (its slot)" : "\(wanted)"
                    violations.append(Violation(address: slot, field: rule.field, expected: rule.equal ? said : "not \(said)", found: found))
                }
            }
        }

        /// Keeps the findings that `fresh` (the same allocator read from a fresh sample) still
        /// shows: a stale pointer whose field still holds it while its slot is still free, a
        /// leak still live, a broken check still broken.
        public mutating func keepConfirmed(by fresh: Report?, reader: inout ArenaReader) {
            let freshFree = Set(fresh?.free ?? []), freshLive = Set(fresh?.live ?? [])
            let freshViolations = Set((fresh?.violations ?? []).map { "\($0.address) \($0.field)" })
            stale = stale.filter { reference in
                freshFree.contains(reference.value) && (reference.address.map { (try? reader.word(at: $0)) == reference.value } ?? true)
            }
            leaks = leaks.filter(freshLive.contains)
            violations = violations.filter { freshViolations.contains("\($0.address) \($0.field)") }
        }

        /// Stale pointers, leaks or broken checks: what a second look confirms.
        public var hasFindings: Bool { !stale.isEmpty || !leaks.isEmpty || !violations.isEmpty }

        /// What a walk watches for `judge`: the slots of `reports`, the allocators' own pointers to them ignored.
        public static func watch(_ reports: [Report]) -> ObjectTraversal.Watch {
            var watch = ObjectTraversal.Watch()
            for report in reports {
                watch.live.formUnion(report.live)
                watch.free.formUnion(report.free)
                watch.ignoring.insert(report.chunkRef)
            }
            return watch
        }

        /// Finds the stale pointers and the leaks from the referrers of `slots` that `map`
        /// collected. Leaks only where the walk was whole (a truncated one misses referrers)
        /// and the program's references can be seen: where no live slot at all is referred to
        /// from the roots, the program holds them elsewhere, and every slot would look leaked.
        public mutating func judge(using map: ObjectMap) {
            stale = free.flatMap { map.referrersOfFree[$0] ?? [] }
            let unreferenced = live.filter { !map.referredLive.contains($0) }
            if map.truncated {
                leaksUnjudged = "the walk was truncated"
            } else if !live.isEmpty && unreferenced.count == live.count {
                leaksUnjudged =
                    "nothing reached from the roots refers to any live slot: the program keeps its references where a walk cannot see (task storage, a map without BTF)"
            } else {
                leaks = unreferenced
            }
        }
    }

    /// The descriptors `roots` lead to: roots of the descriptor type, and descriptor pointers
    /// among a root's fields (`sdt_state.root`).
    public func rootDescriptors(_ roots: [StructureRoot], catalog: TypeCatalog, reader: inout ArenaReader) -> [(name: String, address: UInt64)] {
        var found: [(String, UInt64)] = []
        for root in roots {
            guard let name = root.type, let entry = try? catalog.lookup(name) else { continue }
            let ref = catalog.canonical(entry.ref)
            if ref == descriptor {
                found.append((root.name, root.address))
                continue
            }
            for field in catalog.flattenedFields(of: ref) where catalog.pointee(of: field.ref).map(catalog.canonical) == descriptor {
                if let address = try? reader.word(at: root.address + field.offset), address != 0 {
                    found.append((root.name + "." + field.path, address))
                }
            }
        }
        return found
    }

    /// Reads the tree under the descriptor at `address`: interior descriptors down to the
    /// leaves (all at one depth, found from the first path down), then each leaf's bitmap
    /// against its chunk's slots.
    public func read(root name: String, at address: UInt64, catalog: TypeCatalog, reader: inout ArenaReader) -> Report {
        var report = Report(root: name, descriptorType: catalog.name(of: descriptor), dataType: catalog.name(of: data), dataRef: data, chunkRef: chunk)
        let decoder = PointerDecoder(geometry: reader.geometry)
        func slots(of descriptor: UInt64) throws -> [UInt64] {
            let chunk = try reader.word(at: descriptor + chunkOffset)
            guard chunk != 0 else { return [] }
            let bytes = try reader.read(chunk, length: UInt64(8 * entries))
            return bytes.withUnsafeBytes { raw in (0..<entries).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) } }
        }
        /// True when the word at `address` reads as a descriptor: its chunk pointer leads into
        /// a backed page and its free count is no more than a chunk holds.
        func isDescriptor(_ address: UInt64) -> Bool {
            guard let chunk = try? reader.word(at: address + chunkOffset), let target = decoder.target(of: chunk),
                (try? reader.backedPage(at: target)) != nil, let free = try? reader.word(at: address + freeCountOffset)
            else { return false }
            return free <= UInt64(entries)
        }
        do {
            // The leaves' depth: down the first slot held until it no longer leads to a descriptor.
            var depth = 0, probe = address
            while depth < Self.maxLevels, let next = try slots(of: probe).first(where: { $0 != 0 }), isDescriptor(next) {
                probe = next
                depth += 1
            }
            // Each descriptor with its index down the levels (its position, level by level).
            var level = [(address: address, index: 0)]
            for _ in 0..<depth {
                level = try level.flatMap { parent in
                    try slots(of: parent.address).enumerated().filter { $0.element != 0 }.map { ($0.element, parent.index * entries + $0.offset) }
                }
            }
            for leaf in level {
                try readLeaf(leaf.address, first: leaf.index * entries, slots: try slots(of: leaf.address), into: &report, reader: &reader)
            }
        } catch {
            report.contradictions.append("the tree under \(name) could not be read: \(error)")
        }
        return report
    }

    /// `first` is the index of the leaf's first slot in the tree.
    private func readLeaf(_ leaf: UInt64, first: Int, slots: [UInt64], into report: inout Report, reader: inout ArenaReader) throws {
        let bitmap = try reader.read(leaf + bitmapOffset, length: UInt64(8 * bitmapWords))
        let freeCount = try reader.word(at: leaf + freeCountOffset)
        func isSet(_ index: Int) -> Bool { bitmap[index / 8] & (1 << UInt8(index % 8)) != 0 }
        report.leaves += 1
        var liveHere = 0
        for (index, slot) in slots.enumerated() {
            if isSet(index) {
                guard slot != 0 else {
                    report.contradictions.append("leaf \(hex(leaf)): slot \(index) is marked allocated but holds no pointer")
                    continue
                }
                report.live.append(slot)
                report.liveIndices.append(first + index)
                liveHere += 1
            } else if slot != 0 {
                report.free.append(slot)
            }
        }
        let marked = (0..<entries).filter(isSet).count
        if freeCount != UInt64(entries - marked) {
            report.contradictions.append("leaf \(hex(leaf)): its free count says \(freeCount), its bitmap \(entries - marked) free of \(entries)")
        }
        if liveHere == 0 { report.emptyLeaves += 1 }
    }
}

extension TypeCatalog {
    /// A struct's fields with their byte offsets, anonymous members' fields in their place.
    func flattenedFields(of ref: TypeRef, depth: Int = 0) -> [(path: String, offset: UInt64, ref: TypeRef)] {
        guard depth < 4, let (resolvedRef, type) = resolved(ref), type.kind == .structure || type.kind == .union else { return [] }
        var fields: [(String, UInt64, TypeRef)] = []
        for member in type.members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
            let memberRef = TypeRef(blob: resolvedRef.blob, id: member.type)
            let offset = UInt64(member.bitOffset / 8)
            if member.name.isEmpty {
                fields += flattenedFields(of: memberRef, depth: depth + 1).map { ($0.path, offset + $0.offset, $0.ref) }
            } else {
                fields.append((member.name, offset, memberRef))
            }
        }
        return fields
    }

    func isStructure(_ ref: TypeRef) -> Bool { resolved(ref)?.type.kind == .structure }

    /// An 8-byte integer.
    func isWord(_ ref: TypeRef) -> Bool {
        guard let (_, type) = resolved(ref) else { return false }
        return type.kind == .int && type.size == 8
    }

    func arrayCount(_ ref: TypeRef) -> UInt32? {
        guard let (_, type) = resolved(ref), type.kind == .array else { return nil }
        return type.count
    }

    func arrayElement(_ ref: TypeRef) -> TypeRef? {
        guard let (resolvedRef, type) = resolved(ref), type.kind == .array else { return nil }
        return TypeRef(blob: resolvedRef.blob, id: type.referenced)
    }

    /// An array of 8-byte integers (a bitmap).
    func isArrayOfWords(_ ref: TypeRef) -> Bool { arrayElement(ref).map(isWord) ?? false }
}
