import ArenaModel

/// Everything reachable from an arena's roots by following typed pointers: the objects by
/// type, the backed pages they reach and those they do not (leak candidates), and the pointer
/// fields whose values lead nowhere (dangling, poisoned, wild).
public struct ObjectMap: Sendable {
    /// Reached objects of one type.
    public typealias TypeCount = TypeTally

    /// A pointer field whose non-null value does not lead to a backed page of the arena.
    public struct BadPointer: Sendable, Equatable {
        /// Where the field lies, and its path from a root (`table.buckets[5].first->next`).
        public let address: UInt64
        public let path: String
        /// What it holds, and where that is: a page state (`free`, `reserved`) or `not_arena`.
        public let value: UInt64
        public let target: String
    }

    /// A reached pointer field that points into a given object or page ("who points here").
    public struct Reference: Sendable, Equatable {
        public let address: UInt64
        public let path: String
        public let value: UInt64
    }

    /// Per type, most bytes first.
    public let types: [TypeCount]
    public let reachedPages: [UInt32]
    /// Backed pages that hold no reached object and no root: leak candidates.
    public let unreachedPages: [UInt32]
    public internal(set) var badPointers: [BadPointer]
    public let objects: Int
    /// Bytes of the reached objects.
    public let bytes: UInt64
    /// Bytes of the reached pages, and of every backed page: how much of the arena the
    /// programs can still find.
    public let reachedBytes: UInt64
    public let backedBytes: UInt64
    /// The traversal stopped at one of its bounds before it was done.
    public var truncated: Bool { limit != nil }
    /// Which bound stopped it, said as a user reads it ("more than 10 s").
    public let limit: String?
    /// Pointers into the object or page asked about (`ObjectTraversal.Options.referencesTo`).
    public let references: [Reference]
    /// The first objects of each type met, by address (`Options.instancesPerType` of them).
    public let instances: [String: [UInt64]]
    /// The arena kept changing under every walk: only the bad pointers a second look confirmed
    /// are listed (`ObjectWalk`).
    public internal(set) var torn = false
}

/// Where a non-null pointer value leads: a backed page of the arena, or why it is bad.
enum PointerTarget {
    case backed(address: UInt64, page: UInt32)
    /// A bad pointer's `target`: the state of the unbacked page it leads to, or `not_arena`.
    case bad(String)

    @inline(__always)
    init(_ value: UInt64, decoder: PointerDecoder, pages: PageMap) {
        guard let target = decoder.target(of: value), let page = decoder.geometry.page(containing: target) else {
            self = .bad("not_arena")
            return
        }
        let state = pages.state(ofPage: page)
        self = state.isBacked ? .backed(address: target, page: page) : .bad(state.name)
    }
}

/// Walks every typed pointer from the roots, breadth first, each object once (cycles are
/// normal), reading page bytes in bulk through `pages` one level at a time and never an
/// unbacked page. Structs, unions (by their first member), arrays of structs and of
/// pointers, nested members and typedefs are followed; a `void *` or an integer root marks
/// its page reached without typing it.
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

        public init(maxObjects: Int = 1_000_000, timeLimit: Double = 10, referencesTo: UInt64? = nil, instancesPerType: Int = 0,
                    maxLayoutSteps: Int = 1 << 22) {
            self.maxObjects = maxObjects
            self.maxLayoutSteps = maxLayoutSteps
            self.timeLimit = timeLimit
            self.referencesTo = referencesTo
            self.instancesPerType = instancesPerType
        }
    }

    /// A pointer field inside a type: where it lies and what it points to (nil: untyped).
    struct PointerSlot {
        let offset: UInt64
        let pointee: TypeRef?
        let path: String
    }

    let catalog: TypeCatalog
    let snapshot: Snapshot
    let options: Options
    private var layouts: [TypeRef: [PointerSlot]] = [:]

    public init(catalog: TypeCatalog, snapshot: Snapshot, options: Options = Options()) {
        self.catalog = catalog
        self.snapshot = snapshot
        self.options = options
    }

    /// A type met in the walk, interned: its size and where its pointer slots are.
    private struct TypeInfo {
        let ref: TypeRef
        let size: UInt64
        let slots: Range<Int>
    }

    /// Walks from `roots`; `pages` gives the bytes of backed pages asked for together.
    /// The hot loop works on indexes: interned types, pages by slot, a visited bit for every
    /// 8-byte word of the pages met (a set only for objects at odd addresses).
    /// `progress` hears the objects found so far after each level.
    public mutating func run(roots: [StructureRoot], clock: () -> Double = monotonicSeconds, progress: (Int) -> Void = { _ in },
                             pages: ([UInt32]) throws -> [UInt32: [UInt8]]) throws -> ObjectMap {
        let geometry = snapshot.geometry
        let decoder = PointerDecoder(geometry: geometry)
        let pageSize = Int(geometry.pageSize)
        let started = clock()

        // Types, interned; their pointer slots in flat arrays, laid out by `layOutPending`
        // (a work list, so a long chain of pointee types costs no stack).
        var typeIndex: [TypeRef: Int32] = [:]
        var infos: [TypeInfo] = []
        var pendingLayouts: [Int32] = []
        var slotOffsets: [UInt64] = [], slotPointees: [Int32] = [], slotPaths: [String] = []
        var layoutBudget = LayoutBudget(steps: options.maxLayoutSteps)
        func intern(_ ref: TypeRef) -> Int32? {
            if let known = typeIndex[ref] { return known }
            guard let size = catalog.size(of: ref), size > 0 else { return nil }
            let index = Int32(infos.count)
            typeIndex[ref] = index
            infos.append(TypeInfo(ref: ref, size: size, slots: 0..<0))
            pendingLayouts.append(index)
            return index
        }
        /// Set when a bound left types without their pointer fields.
        var layoutLimit: String?
        func layOutPending() {
            while let index = pendingLayouts.popLast() {
                let ref = infos[Int(index)].ref
                if layoutLimit == nil && clock() - started > options.timeLimit { layoutLimit = ObjectMap.Limit.time(options.timeLimit) }
                let slots = layoutLimit == nil ? layout(of: ref, budget: &layoutBudget) : []
                if layoutLimit == nil && layoutBudget.refused { layoutLimit = ObjectMap.Limit.layout(options.maxLayoutSteps) }
                let pointees = slots.map { slot in slot.pointee.flatMap { isObject($0) ? intern($0) : nil } ?? -1 }
                let first = slotOffsets.count
                for (slot, pointee) in zip(slots, pointees) {
                    slotOffsets.append(slot.offset)
                    slotPaths.append(slot.path)
                    slotPointees.append(pointee)
                }
                infos[Int(index)] = TypeInfo(ref: ref, size: infos[Int(index)].size, slots: first..<slotOffsets.count)
            }
        }

        /// The pages an object of `size` bytes at `address` lies on.
        func pagesOf(_ address: UInt64, size: UInt64) -> ClosedRange<UInt32>? {
            guard let first = geometry.page(containing: address) else { return nil }
            let last = min(geometry.userVMEnd - 1, Checked.sumOrNil(address, size - 1) ?? .max)
            return first...(geometry.page(containing: last) ?? first)
        }

        var walk = Walk(geometry: geometry, maxObjects: options.maxObjects)
        var rootNames: [Int: String] = [:]
        var pointerRoots = Set<Int>()
        var counts: [Int] = [], byteTotals: [UInt64] = []
        var bad: [(object: Int, slot: Int, address: UInt64, value: UInt64, target: String)] = []
        var references: [(object: Int, slot: Int, address: UInt64, value: UInt64)] = []
        let referencePage = options.referencesTo.flatMap { geometry.page(containing: $0) }
        let pageStates = snapshot.pages
        func isBacked(_ page: UInt32) -> Bool { pageStates.state(ofPage: page).isBacked }

        for root in roots {
            guard let page = geometry.page(containing: root.address), isBacked(page) else { continue }
            walk.markReached(page)
            guard let name = root.type, let entry = try? catalog.lookup(name), let type = intern(entry.ref),
                  walk.add(root.address, page: page, type: type, parent: -1, via: -1) else { continue }
            rootNames[walk.addresses.count - 1] = root.name
            if root.origin.hasPrefix("map ") { pointerRoots.insert(walk.addresses.count - 1) }
        }
        layOutPending()

        var levelStart = 0
        while levelStart < walk.addresses.count && !walk.truncated {
            let levelEnd = walk.addresses.count
            // The bytes of every page this level's objects lie in, in one request.
            var wanted: [UInt32] = []
            for index in levelStart..<levelEnd {
                guard let span = pagesOf(walk.addresses[index], size: infos[Int(walk.types[index])].size) else { continue }
                for page in span where isBacked(page) && walk.needsFetch(page) { wanted.append(page) }
            }
            if !wanted.isEmpty {
                for (page, bytes) in try pages(wanted.sorted()) where bytes.count == pageSize { walk.store(bytes, page: page) }
            }
            for index in levelStart..<levelEnd {
                if index & 0xFFF == 0 && clock() - started > options.timeLimit {
                    walk.stop(ObjectMap.Limit.time(options.timeLimit))
                    break
                }
                let address = walk.addresses[index], type = Int(walk.types[index])
                let info = infos[type]
                while counts.count < infos.count {
                    counts.append(0)
                    byteTotals.append(0)
                }
                counts[type] += 1
                byteTotals[type] += info.size
                if let span = pagesOf(address, size: info.size) {
                    for page in span { walk.markReached(page) }
                }
                for slotIndex in info.slots {
                    let field = address + slotOffsets[slotIndex]
                    guard let value = walk.word(at: field), value != 0 else { continue }
                    let target: UInt64, page: UInt32
                    switch PointerTarget(value, decoder: decoder, pages: snapshot.pages) {
                    case let .backed(address, backedPage): (target, page) = (address, backedPage)
                    case let .bad(leadsTo):
                        bad.append((index, slotIndex, field, value, leadsTo))
                        continue
                    }
                    if page == referencePage { references.append((index, slotIndex, field, value)) }
                    walk.markReached(page)
                    let pointee = slotPointees[slotIndex]
                    if pointee >= 0 { _ = walk.add(target, page: page, type: pointee, parent: Int32(index), via: Int32(slotIndex)) }
                }
            }
            levelStart = levelEnd
            progress(walk.addresses.count)
        }

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
        var referencesFound = references
        if let wanted = options.referencesTo,
           let holder = addresses.indices.first(where: { addresses[$0] <= wanted && wanted < addresses[$0] + infos[Int(types[$0])].size }) {
            // Inside a reached object: the pointers into that object only.
            let start = addresses[holder], end = start + infos[Int(types[holder])].size
            referencesFound = references.filter { decoder.target(of: $0.value).map { $0 >= start && $0 < end } == true }
        }
        let reachedPages = walk.reachedPages
        let reached = Set(reachedPages)
        let backed = snapshot.pages.backedPages
        let perType = counts.indices.filter { counts[$0] > 0 }.map {
            ObjectMap.TypeCount(type: catalog.name(of: infos[$0].ref), count: counts[$0], bytes: byteTotals[$0])
        }
        let objects = counts.reduce(0, +)
        var instances: [String: [UInt64]] = [:]
        if options.instancesPerType > 0 {
            var kept = [[UInt64]](repeating: [], count: infos.count)
            for (address, type) in zip(addresses.prefix(objects), types) where kept[Int(type)].count < options.instancesPerType {
                kept[Int(type)].append(address)
            }
            for (index, addresses) in kept.enumerated() where !addresses.isEmpty { instances[catalog.name(of: infos[index].ref)] = addresses }
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
            references: referencesFound.map { ObjectMap.Reference(address: $0.address, path: path($0.object, $0.slot), value: $0.value) },
            instances: instances)
    }

    /// True for what a pointer can lead to as an object of its own: a struct, union or array.
    private func isObject(_ ref: TypeRef) -> Bool {
        if ref.count != nil { return true }
        guard ref.pointers == 0, let kind = catalog.resolved(ref)?.type.kind else { return false }
        return kind == .structure || kind == .union || kind == .array
    }

    /// The pointer fields of `type`, worked out once a type, within what is left of `budget`.
    private mutating func layout(of type: TypeRef, budget: inout LayoutBudget) -> [PointerSlot] {
        if let known = layouts[type] { return known }
        var slots: [PointerSlot] = []
        collect(type, at: 0, path: "", depth: 0, into: &slots, budget: &budget)
        layouts[type] = slots
        return slots
    }

    private func collect(_ ref: TypeRef, at offset: UInt64, path: String, depth: Int, into slots: inout [PointerSlot], budget: inout LayoutBudget) {
        guard depth < 16, slots.count < 4096, budget.take() else { return }
        if ref.pointers > 0 && ref.count == nil {
            slots.append(PointerSlot(offset: offset, pointee: ref.dereferenced, path: path))
            return
        }
        /// `count` elements of `element` from `offset`, as far as offsets can be told.
        func elements(_ element: TypeRef, count: UInt32) {
            guard let size = catalog.size(of: element), size > 0 else { return }
            for index in 0..<min(Int(count), TypeCatalog.maxScannedElements) {
                guard let start = Checked.productOrNil(UInt64(index), size).flatMap({ Checked.sumOrNil(offset, $0) }), !budget.refused else { return }
                collect(element, at: start, path: "\(path)[\(index)]", depth: depth + 1, into: &slots, budget: &budget)
            }
        }
        if let count = ref.count {
            elements(ref.element, count: count)
            return
        }
        guard let (resolvedRef, type) = catalog.resolved(ref) else { return }
        let inner = { (id: UInt32) in TypeRef(blob: resolvedRef.blob, id: id) }
        switch type.kind {
        case .pointer:
            slots.append(PointerSlot(offset: offset, pointee: catalog.pointee(of: resolvedRef), path: path))
        case .structure, .union:
            let members = type.kind == .union ? Array(type.members.prefix(1)) : type.members
            for member in members where member.bitfieldSize == 0 && member.bitOffset % 8 == 0 {
                guard let start = Checked.sumOrNil(offset, UInt64(member.bitOffset / 8)), !budget.refused else { return }
                let name = member.name.isEmpty ? path : (path.isEmpty ? member.name : path + "." + member.name)
                collect(inner(member.type), at: start, path: name, depth: depth + 1, into: &slots, budget: &budget)
            }
        case .array:
            elements(inner(type.referenced), count: type.count)
        default:
            return
        }
    }
}

/// Members and elements the walk may still look at to lay out types.
private struct LayoutBudget {
    var steps: Int
    /// A step was asked for and refused: some layout is incomplete.
    private(set) var refused = false

    init(steps: Int) { self.steps = steps }

    mutating func take() -> Bool {
        guard steps > 0 else {
            refused = true
            return false
        }
        steps -= 1
        return true
    }
}

extension ObjectMap {
    /// The bounds a walk stops at, said as `ObjectMap.limit`.
    enum Limit {
        static func objects(_ count: Int) -> String { "more than \(count) objects" }
        static func time(_ seconds: Double) -> String { "more than \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s" }
        static func layout(_ steps: Int) -> String { "types with more than \(steps) members and elements to lay out" }
    }
}

/// The walk's hot state, in one value so its methods need no dynamic exclusivity checks:
/// the objects found, the pages met by slot (their bytes once fetched, a visited bit for every
/// 8-byte word, reached or not).
private struct Walk {
    let geometry: ArenaGeometry
    let maxObjects: Int
    let pageSize: Int
    let bitWords: Int
    var pageSlot: [Int32]
    var slotPage: [UInt32] = []
    var storage: [UInt8] = []
    var fetched: [Bool] = []
    var visitedBits: [UInt64] = []
    var reachedSlot: [Bool] = []
    var oddVisited = Set<UInt64>()
    var addresses: [UInt64] = [], types: [Int32] = [], parents: [Int32] = [], viaSlots: [Int32] = []
    /// The bound that stopped the walk, once one has.
    private(set) var limit: String?
    var truncated: Bool { limit != nil }

    mutating func stop(_ reason: String) {
        if limit == nil { limit = reason }
    }

    init(geometry: ArenaGeometry, maxObjects: Int) {
        self.geometry = geometry
        self.maxObjects = maxObjects
        pageSize = Int(geometry.pageSize)
        bitWords = (pageSize / 8 + 63) / 64
        pageSlot = [Int32](repeating: -1, count: Int(geometry.maxPages))
    }

    mutating func slot(_ page: UInt32) -> Int {
        let known = pageSlot[Int(page)]
        if known >= 0 { return Int(known) }
        let index = slotPage.count
        pageSlot[Int(page)] = Int32(index)
        slotPage.append(page)
        storage.append(contentsOf: repeatElement(0, count: pageSize))
        fetched.append(false)
        visitedBits.append(contentsOf: repeatElement(0, count: bitWords))
        reachedSlot.append(false)
        return index
    }

    mutating func markReached(_ page: UInt32) { reachedSlot[slot(page)] = true }

    /// True (once) for a page whose bytes have not been asked for yet.
    mutating func needsFetch(_ page: UInt32) -> Bool {
        let index = slot(page)
        if fetched[index] { return false }
        fetched[index] = true
        return true
    }

    mutating func store(_ bytes: [UInt8], page: UInt32) {
        let start = slot(page) * pageSize
        storage.replaceSubrange(start..<start + pageSize, with: bytes)
    }

    /// The 8-byte word at `address`, from a page fetched already.
    func word(at address: UInt64) -> UInt64? {
        guard let page = geometry.page(containing: address) else { return nil }
        let holder = pageSlot[Int(page)]
        let offset = Int(address - geometry.address(ofPage: page))
        guard holder >= 0, offset + 8 <= pageSize else { return nil }
        return storage.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: Int(holder) * pageSize + offset, as: UInt64.self) }
    }

    /// Records an object at `address` the first time it is met, within the bound.
    mutating func add(_ address: UInt64, page: UInt32, type: Int32, parent: Int32, via: Int32) -> Bool {
        guard addresses.count < maxObjects else {
            stop(ObjectMap.Limit.objects(maxObjects))
            return false
        }
        guard visit(address, page: page) else { return false }
        addresses.append(address)
        types.append(type)
        parents.append(parent)
        viaSlots.append(via)
        return true
    }

    private mutating func visit(_ address: UInt64, page: UInt32) -> Bool {
        guard address & 7 == 0 else { return oddVisited.insert(address).inserted }
        let word = Int(address - geometry.address(ofPage: page)) / 8
        let index = slot(page) * bitWords + word / 64
        let bit = UInt64(1) << UInt64(word % 64)
        if visitedBits[index] & bit != 0 { return false }
        visitedBits[index] |= bit
        return true
    }

    var reachedPages: [UInt32] { slotPage.indices.filter { reachedSlot[$0] }.map { slotPage[$0] }.sorted() }
}
