import ArenaModel
import ArenaText

/// Walks every typed pointer from the roots, breadth first, each object once (cycles are
/// normal), reading page bytes in bulk through `pages` one level at a time and never an
/// unbacked page. Structs, unions (by the member the bytes fit), arrays of structs, of
/// pointers and of 8-byte integers, nested members and typedefs are followed; a pointer to a
/// type another struct embeds leads to that struct when exactly one fits the memory
/// (`container_of`); a `void *` or an integer marks its page reached without typing it.
public struct ObjectTraversal {
    public struct Options: Sendable {
        public var maxObjects: Int
        /// Seconds the walk may take before it stops, truncated.
        public var timeLimit: Double
        /// Collect the pointers into the object (or page) holding this address.
        public var referencesTo: UInt64?
        /// Keep the addresses of up to this many objects of each type (`ObjectMap.instances`).
        public var instancesPerType: Int
        /// Members and elements looked at, over every type met, to find pointer fields.
        public var maxLayoutSteps: Int
        /// What the types do not say: cast roots, counted arrays, containers, owned memory.
        public var shape: Shape
        /// The slots an allocator hands out, whose referrers the walk looks for.
        public var watch = Watch()
        /// Count the objects that start on each page, and mark the pages whose last 8 bytes an
        /// object covers (`ObjectMap.pageObjects`): what a page-fragment allocator's per-page
        /// counts are checked against.
        public var countsObjectsOnPages = false

        public init(
            maxObjects: Int = 1_000_000, timeLimit: Double = 10, referencesTo: UInt64? = nil, instancesPerType: Int = 0,
            maxLayoutSteps: Int = 1 << 22, shape: Shape = Shape()
        ) {
            self.maxObjects = maxObjects
            self.shape = shape
            self.maxLayoutSteps = maxLayoutSteps
            self.timeLimit = timeLimit
            self.referencesTo = referencesTo
            self.instancesPerType = instancesPerType
        }
    }

    /// Allocator slots whose referrers a walk looks for: every pointer exactly to a free one
    /// with its path (`ObjectMap.referrersOfFree`), whether any points to a live one
    /// (`ObjectMap.referredLive`); pointers lying in objects of the types in `ignoring` (the
    /// allocator's own chunks) do not count.
    public struct Watch: Sendable {
        public var free: Set<UInt64> = []
        public var live: Set<UInt64> = []
        public var ignoring: Set<TypeRef> = []
        public init() {}
        var isEmpty: Bool { free.isEmpty && live.isEmpty }
    }

    let catalog: TypeCatalog
    let snapshot: Snapshot
    let options: Options
    var layouts: [TypeRef: TypeLayout] = [:]

    public init(catalog: TypeCatalog, snapshot: Snapshot, options: Options = Options()) {
        self.catalog = catalog
        self.snapshot = snapshot
        self.options = options
    }

    /// Walks from `roots`; `pages` gives the bytes of backed pages asked for together.
    /// The types met are interned and laid out first (`WalkTables`), then each level's
    /// objects are read from one bulk request (`WalkPass`).
    /// `progress` hears the objects found so far after each level.
    public mutating func run(
        roots: [StructureRoot], clock: () -> Double = monotonicSeconds, progress: (Int) -> Void = { _ in },
        pages: ([UInt32]) throws -> [UInt32: [UInt8]]
    ) throws -> ObjectMap {
        let geometry = snapshot.geometry
        let started = clock()
        let embeddings = catalog.embeddings()
        let shape = try ResolvedShape(options.shape, catalog: catalog, roots: roots)

        // Types, interned by identity, laid out by `layOutPending` (a work list, so a long
        // chain of pointee types costs no stack).
        var tables = WalkTables()
        var typeIndex: [TypeRef: Int32] = [:]
        var pendingLayouts: [Int32] = []
        var layoutBudget = LayoutBudget(steps: options.maxLayoutSteps)
        func intern(_ ref: TypeRef) -> Int32? {
            let ref = catalog.canonical(ref)
            if let known = typeIndex[ref] { return known }
            guard let size = catalog.size(of: ref), size > 0 else { return nil }
            let index = Int32(tables.infos.count)
            typeIndex[ref] = index
            tables.infos.append(WalkTables.TypeInfo(ref: ref, size: size))
            tables.isEmbedded.append(false)
            if let owned = shape.owned[ref] {
                tables.ownedBy.append(Int32(tables.owned.count))
                tables.owned.append(owned)
            } else {
                tables.ownedBy.append(-1)
            }
            pendingLayouts.append(index)
            return index
        }
        func append(_ slots: [TypeLayout.Slot], of owner: TypeRef) -> Range<Int> {
            let first = tables.slotOffsets.count
            for slot in slots {
                if let count = shape.counts[ResolvedShape.SlotKey(type: owner, offset: slot.offset)] {
                    tables.slotCounts.append(Int32(tables.counts.count))
                    tables.counts.append(count)
                } else {
                    tables.slotCounts.append(-1)
                }
                tables.slotOffsets.append(slot.offset)
                tables.slotPaths.append(slot.path)
                tables.slotIsInteger.append(slot.isInteger)
                tables.slotPointees.append(slot.pointee.flatMap { isObject($0) ? intern($0) : nil } ?? -1)
                tables.slotStops.append(slot.pointee.flatMap(onlyDeclared).map(stopIndex) ?? -1)
            }
            return first..<tables.slotOffsets.count
        }
        /// The layout's slots, those of the fields the shape types replaced by slots pointing
        /// to their types, whatever the BTF says they are (an integer outside an array, which
        /// the layout has no slot for, gets one).
        func shaped(_ slots: [TypeLayout.Slot], of owner: TypeRef) -> [TypeLayout.Slot] {
            let casts = shape.fieldTypes.filter { $0.key.type == owner }
            guard !casts.isEmpty else { return slots }
            let typed = casts.map { TypeLayout.Slot(offset: $0.key.offset, pointee: $0.value.pointee, path: $0.value.path, isInteger: false) }
            return (slots.filter { casts[ResolvedShape.SlotKey(type: owner, offset: $0.offset)] == nil } + typed).sorted { $0.offset < $1.offset }
        }
        var stopIndices: [String: Int32] = [:]
        func stopIndex(_ name: String) -> Int32 {
            if let known = stopIndices[name] { return known }
            stopIndices[name] = Int32(tables.stopTypes.count)
            tables.stopTypes.append(name)
            return Int32(tables.stopTypes.count - 1)
        }
        /// Set when a bound left types without their pointer fields.
        var layoutLimit: String?
        func layOutPending() {
            while let index = pendingLayouts.popLast() {
                let ref = tables.infos[Int(index)].ref
                if layoutLimit == nil && clock() - started > options.timeLimit { layoutLimit = ObjectMap.Limit.time(options.timeLimit) }
                let layout = layoutLimit == nil ? layout(of: ref, budget: &layoutBudget) : TypeLayout()
                if layoutLimit == nil && layoutBudget.refused { layoutLimit = ObjectMap.Limit.layout(options.maxLayoutSteps) }
                tables.infos[Int(index)].slots = append(shaped(layout.fixed, of: ref), of: ref)
                let firstSite = tables.unionSites.count
                let typeName = catalog.name(of: ref)
                for site in layout.unions.indices {
                    tables.unionSites.append(layout.unions[site].map { append($0, of: ref) })
                    let path = layout.unionPaths[site]
                    tables.unionPaths.append(path.isEmpty ? "the union in \(typeName)" : "\(typeName).\(path)")
                    tables.unionReads.append(shape.unionMembers[ref].flatMap { layout.unionMemberNames[site].firstIndex(of: $0.member) } ?? -1)
                }
                tables.infos[Int(index)].unions = firstSite..<tables.unionSites.count
                let firstChoice = tables.choices.count
                for embedding in shape.containers[ref] ?? embeddings[typeName] ?? [] {
                    guard let container = intern(embedding.container) else { continue }
                    tables.choices.append(WalkTables.ContainerChoice(container: container, embedded: index, offset: embedding.offset, member: embedding.member))
                }
                tables.infos[Int(index)].containers = firstChoice..<tables.choices.count
                tables.isEmbedded[Int(index)] = firstChoice < tables.choices.count
            }
        }

        var walk = Walk(geometry: geometry, maxObjects: options.maxObjects)
        var rootNames: [Int: String] = [:]
        var pointerRoots = Set<Int>()
        var rootStops: [ObjectMap.Stop] = []
        for root in roots {
            guard let page = geometry.page(containing: root.address), snapshot.pages.state(ofPage: page).isBacked else { continue }
            walk.markReached(page)
            guard let name = shape.typeName(of: root) else {
                rootStops.append(ObjectMap.Stop(type: root.name, reason: .untypedRoot, pointers: 1))
                continue
            }
            let entry = try? catalog.lookup(name)
            guard let entry, let type = intern(entry.ref) else {
                if let entry, entry.isForwardOnly { rootStops.append(ObjectMap.Stop(type: entry.name, reason: .declaredOnly, pointers: 1)) }
                continue
            }
            guard walk.add(root.address, page: page, type: type, parent: -1, via: -1) else { continue }
            rootNames[walk.addresses.count - 1] = root.name
            if root.origin.hasPrefix("map ") { pointerRoots.insert(walk.addresses.count - 1) }
        }
        layOutPending()
        for (ref, rule) in shape.unionMembers {
            let names = layout(of: ref, budget: &layoutBudget).unionMemberNames.flatMap { $0 }
            guard names.contains(rule.member) else {
                throw ShapeError.unknown(
                    rule.place, "\(catalog.name(of: ref)) has no union member '\(rule.member)'",
                    suggestions: closeMatches(to: rule.member, among: names))
            }
        }

        var pass = WalkPass(
            walk: walk, tables: tables, pages: snapshot.pages, referencePage: options.referencesTo.flatMap { geometry.page(containing: $0) },
            watch: options.watch, ignoredTypes: options.watch.ignoring.compactMap { typeIndex[catalog.canonical($0)] })
        // Past the object bound nothing more is added, but what was added is still read.
        var levelStart = 0, timedOut = false
        while (levelStart < pass.walk.addresses.count || !pass.pendingUnions.isEmpty) && !timedOut {
            let levelEnd = pass.walk.addresses.count
            let wanted = (pass.pagesToFetch(levelStart..<levelEnd) + pass.pagesForPendingUnions()).sorted()
            if !wanted.isEmpty {
                for (page, bytes) in try pages(wanted) where bytes.count == Int(geometry.pageSize) { pass.walk.store(bytes, page: page) }
            }
            // Unions met last level, read now that their targets' bytes are here (their
            // objects join the next level).
            pass.settleUnions()
            for index in levelStart..<levelEnd {
                if index & 0xFFF == 0 && clock() - started > options.timeLimit {
                    pass.walk.stop(ObjectMap.Limit.time(options.timeLimit))
                    timedOut = true
                    break
                }
                pass.process(index)
            }
            levelStart = levelEnd
            progress(pass.walk.addresses.count)
        }
        pass.settleUnions(resolving: false)
        walk = pass.walk
        let decoder = pass.decoder, infos = tables.infos, slotPaths = tables.slotPaths, choices = tables.choices
        let counts = pass.counts, byteTotals = pass.byteTotals, bad = pass.bad, references = pass.references
        let freeReferrers = pass.freeReferrers
        let pageSize = Int(geometry.pageSize)

        // "table.buckets[5].first->next": the root, then each field followed, then the slot.
        let parents = walk.parents, viaSlots = walk.viaSlots, addresses = walk.addresses, types = walk.types
        func path(_ index: Int, _ slot: Int) -> String {
            var chain: [Int] = []
            var current = index
            while current >= 0 && chain.count < 64 {
                chain.append(current)
                current = Int(parents[current])
            }
            chain.reverse()
            let fields = chain.dropFirst().map { slotPaths[Int(viaSlots[$0])] } + (slot >= 0 ? [slotPaths[slot]] : [])
            var text = rootNames[chain[0]] ?? "?"
            for (step, field) in fields.enumerated() {
                let separator = step > 0 || pointerRoots.contains(chain[0]) ? "->" : field.hasPrefix("[") ? "" : "."
                text += separator + field
            }
            return text
        }
        var referencesFound: [ObjectMap.Reference] = []
        if let wanted = options.referencesTo, let wantedPage = geometry.page(containing: wanted) {
            // Inside a reached object: the pointers into that object only; else into the page.
            var leadsThere: (UInt64) -> Bool = { geometry.page(containing: $0) == wantedPage }
            var fields = references
            if let holder = addresses.indices.first(where: { addresses[$0] <= wanted && wanted < addresses[$0] + infos[Int(types[$0])].size }) {
                let start = addresses[holder], end = start + infos[Int(types[holder])].size
                leadsThere = { $0 >= start && $0 < end }
                fields = references.filter { decoder.target(of: $0.value).map(leadsThere) == true }
            }
            // A map's pointer into the arena is a referrer too, though no arena field holds it.
            referencesFound =
                roots.filter { $0.origin.hasPrefix("map ") && leadsThere($0.address) }
                .map { ObjectMap.Reference(address: nil, path: $0.name, value: $0.address) }
                + fields.map { ObjectMap.Reference(address: $0.address, path: path($0.object, $0.slot), value: $0.value) }
        }
        // A map's pointer to a slot refers to it too, though no arena field holds it.
        var referrersOfFree: [UInt64: [ObjectMap.Reference]] = [:], referredLive = pass.referredLive
        for root in roots where root.origin.hasPrefix("map ") {
            if options.watch.live.contains(root.address) { referredLive.insert(root.address) }
            if options.watch.free.contains(root.address) {
                referrersOfFree[root.address, default: []].append(ObjectMap.Reference(address: nil, path: root.name, value: root.address))
            }
        }
        for field in freeReferrers {
            let target = decoder.target(of: field.value) ?? field.value
            referrersOfFree[target, default: []].append(ObjectMap.Reference(address: field.address, path: path(field.object, field.slot), value: field.value))
        }
        var pageObjects: [UInt32: ObjectMap.PageObjects] = [:]
        if options.countsObjectsOnPages {
            let objectCount = counts.reduce(0, +)
            for (address, type) in zip(addresses.prefix(objectCount), types) {
                let size = max(1, infos[Int(type)].size)
                guard let first = geometry.page(containing: address) else { continue }
                pageObjects[first, default: ObjectMap.PageObjects()].starts += 1
                let end = address &+ size
                guard end > address, let last = geometry.page(containing: end - 1) else { continue }
                for page in first...last where end > geometry.address(ofPage: page) + geometry.pageSize - 8 {
                    pageObjects[page, default: ObjectMap.PageObjects()].coversTail = true
                }
            }
        }
        let reachedPages = walk.reachedPages
        let reached = Set(reachedPages)
        let backed = snapshot.pages.backedPages
        // One row a type; two types of one name laid out differently are told apart by origin.
        let names = infos.map { catalog.name(of: $0.ref) }
        let reused = Set(Dictionary(grouping: names.indices) { names[$0] }.filter { $0.value.count > 1 }.keys)
        func typeName(_ index: Int) -> String {
            reused.contains(names[index]) ? "\(names[index]) (\(catalog.origin(of: infos[index].ref)))" : names[index]
        }
        let perType = counts.indices.filter { counts[$0] > 0 }.map {
            ObjectMap.TypeCount(type: typeName($0), count: counts[$0], bytes: byteTotals[$0])
        }
        let chosen = pass.chosen, rejected = pass.rejected
        let containers = choices.indices.filter { chosen[$0] + rejected[$0] > 0 }.map { index in
            ObjectMap.Container(
                container: typeName(Int(choices[index].container)), member: choices[index].member,
                embedded: typeName(Int(choices[index].embedded)), objects: chosen[index], rejected: rejected[index])
        }
        let containerAmbiguities = pass.ambiguousContainers.sorted { $0.key < $1.key }.map { pointee, objects in
            ObjectMap.Ambiguity(
                kind: .container, type: typeName(Int(pointee)),
                candidates: infos[Int(pointee)].containers.map { "\(typeName(Int(choices[$0].container))).\(choices[$0].member)" },
                objects: objects)
        }
        let unionAmbiguities = pass.ambiguousUnions.sorted { $0.key < $1.key }.map { site, objects in
            ObjectMap.Ambiguity(kind: .union, type: tables.unionPaths[site], candidates: [], objects: objects)
        }
        let objects = counts.reduce(0, +)
        var instances: [String: [UInt64]] = [:]
        if options.instancesPerType > 0 {
            var kept = [[UInt64]](repeating: [], count: infos.count)
            for (address, type) in zip(addresses.prefix(objects), types) where kept[Int(type)].count < options.instancesPerType {
                kept[Int(type)].append(address)
            }
            for (index, addresses) in kept.enumerated() where !addresses.isEmpty { instances[typeName(index)] = addresses }
        }
        return ObjectMap(
            types: perType.sorted { ($0.bytes, $1.type) > ($1.bytes, $0.type) },
            reachedPages: reachedPages,
            unreachedPages: backed.filter { !reached.contains($0) },
            badPointers: bad.map { ObjectMap.BadPointer(address: $0.address, path: path($0.object, $0.slot), value: $0.value, target: $0.target) },
            objects: objects,
            bytes: byteTotals.reduce(0, +),
            reachedBytes: UInt64(reachedPages.count) * UInt64(pageSize),
            backedBytes: UInt64(backed.count) * UInt64(pageSize),
            limit: walk.limit ?? layoutLimit,
            references: referencesFound,
            referrersOfFree: referrersOfFree,
            referredLive: referredLive,
            pageObjects: pageObjects,
            instances: instances,
            containers: containers,
            ambiguities: containerAmbiguities + unionAmbiguities,
            untypedPages: walk.untypedPages,
            stops: Self.merged(
                rootStops
                    + pass.stopped.indices.filter { pass.stopped[$0] > 0 }.map {
                        ObjectMap.Stop(type: tables.stopTypes[$0], reason: .declaredOnly, pointers: pass.stopped[$0])
                    }))
    }

    /// One stop a type and reason, most pointers first.
    private static func merged(_ stops: [ObjectMap.Stop]) -> [ObjectMap.Stop] {
        Dictionary(grouping: stops) { "\($0.reason.rawValue) \($0.type)" }.values
            .map { ObjectMap.Stop(type: $0[0].type, reason: $0[0].reason, pointers: $0.reduce(0) { $0 + $1.pointers }) }
            .sorted { ($0.pointers, $1.type) > ($1.pointers, $0.type) }
    }

    /// The name of what `ref` leads to when every BTF known only declares it (`struct sdt_chunk;`).
    private func onlyDeclared(_ ref: TypeRef) -> String? {
        guard ref.pointers == 0, ref.count == nil, let kind = catalog.resolved(ref)?.type.kind, kind == .forward else { return nil }
        return catalog.name(of: ref)
    }

    /// True for what a pointer can lead to as an object of its own: a struct, union or array.
    private func isObject(_ ref: TypeRef) -> Bool {
        if ref.count != nil { return true }
        guard ref.pointers == 0, let kind = catalog.resolved(ref)?.type.kind else { return false }
        return kind == .structure || kind == .union || kind == .array
    }
}
