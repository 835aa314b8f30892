import ArenaModel

/// The types a walk met, interned, with their pointer slots in flat arrays: built before
/// the walk starts, read-only while it runs.
struct WalkTables {
    /// A type: its size, its slots, its union sites and the containers that embed it
    /// (ranges into the arrays below).
    struct TypeInfo {
        let ref: TypeRef
        let size: UInt64
        var slots: Range<Int> = 0..<0
        var unions: Range<Int> = 0..<0
        var containers: Range<Int> = 0..<0
    }

    /// A struct that embeds an interned type: a pointer to the type may lead into one.
    struct ContainerChoice {
        let container: Int32
        let embedded: Int32
        let offset: UInt64
        let member: String
    }

    var infos: [TypeInfo] = []
    var slotOffsets: [UInt64] = [], slotPointees: [Int32] = [], slotPaths: [String] = [], slotIsInteger: [Bool] = []
    /// Per slot, how many elements its pointer leads to, from the shape (an index into `counts`; -1: one).
    var slotCounts: [Int32] = []
    var counts: [ResolvedShape.CountSource] = []
    /// Per type, the memory it owns past its size, from the shape (an index into `owned`; -1: none).
    var ownedBy: [Int32] = []
    var owned: [ResolvedShape.Owned] = []
    /// Per union site, the slots of each member, the site's name (for saying which stayed
    /// ambiguous), and the member the shape says to read (-1: the bytes choose).
    var unionSites: [[Range<Int>]] = [], unionPaths: [String] = [], unionReads: [Int] = []
    var choices: [ContainerChoice] = []
    /// By type: some struct embeds it, so a pointer to it may lead to a container.
    var isEmbedded: [Bool] = []
    /// Per slot, the only-declared type it points to (an index into `stopTypes`; -1: none).
    var slotStops: [Int32] = []
    var stopTypes: [String] = []
}

/// One walk in progress: the storage, the read-only tables and what has been found, in one
/// value so the hot loop's methods need no dynamic exclusivity checks.
struct WalkPass {
    var walk: Walk
    let tables: WalkTables
    let pages: PageMap
    let decoder: PointerDecoder
    let referencePage: UInt32?
    /// The allocator slots watched (`Options.watch`): pointers found to free ones, live ones pointed to.
    let watch: ObjectTraversal.Watch
    /// The interned indices of `watch.ignoring`.
    let ignoredTypes: [Int32]
    var freeReferrers: [(object: Int, slot: Int, address: UInt64, value: UInt64)] = []
    var referredLive: Set<UInt64> = []
    var counts: [Int], byteTotals: [UInt64]
    var chosen: [Int], rejected: [Int]
    var bad: [(object: Int, slot: Int, address: UInt64, value: UInt64, target: String)] = []
    var references: [(object: Int, slot: Int, address: UInt64, value: UInt64)] = []
    /// Pointers several containers fitted alike, by the type pointed to; objects whose union
    /// several members fitted alike, by union site.
    var ambiguousContainers: [Int32: Int] = [:], ambiguousUnions: [Int: Int] = [:]
    /// Unions several members fitted, kept until the bytes their pointers lead to are
    /// fetched (`settleUnions`): the object, the union site, its address, the members.
    var pendingUnions: [(index: Int, site: Int, address: UInt64, members: [Range<Int>])] = []
    /// Pointers followed to an only-declared type, by `tables.stopTypes` index.
    var stopped: [Int]

    init(
        walk: Walk, tables: WalkTables, pages: PageMap, referencePage: UInt32?, watch: ObjectTraversal.Watch = ObjectTraversal.Watch(),
        ignoredTypes: [Int32] = []
    ) {
        self.walk = walk
        self.tables = tables
        self.pages = pages
        self.referencePage = referencePage
        self.watch = watch
        self.ignoredTypes = ignoredTypes
        decoder = PointerDecoder(geometry: walk.geometry)
        counts = Array(repeating: 0, count: tables.infos.count)
        byteTotals = Array(repeating: 0, count: tables.infos.count)
        chosen = Array(repeating: 0, count: tables.choices.count)
        rejected = chosen
        stopped = Array(repeating: 0, count: tables.stopTypes.count)
    }

    /// The pages an object of `size` bytes at `address` lies on.
    func pagesOf(_ address: UInt64, size: UInt64) -> ClosedRange<UInt32>? {
        let geometry = walk.geometry
        guard let first = geometry.page(containing: address) else { return nil }
        let last = min(geometry.userVMEnd - 1, Checked.sumOrNil(address, size - 1) ?? .max)
        return first...(geometry.page(containing: last) ?? first)
    }

    /// The backed pages the objects in `level` lie on whose bytes were not asked for yet, sorted.
    mutating func pagesToFetch(_ level: Range<Int>) -> [UInt32] {
        var wanted: [UInt32] = []
        for index in level {
            guard let span = pagesOf(walk.addresses[index], size: tables.infos[Int(walk.types[index])].size) else { continue }
            for page in span where pages.state(ofPage: page).isBacked && walk.needsFetch(page) { wanted.append(page) }
        }
        return wanted.sorted()
    }

    /// Counts the object at `index` and follows its pointers.
    mutating func process(_ index: Int) {
        var address = walk.addresses[index], type = Int(walk.types[index])
        let choice = Int(walk.inferredBy[index])
        if choice >= 0 {
            // A container whose own pointers lead nowhere was a wrong guess: the embedded type it is.
            let candidate = tables.choices[choice]
            let member = candidate.offset..<candidate.offset + tables.infos[Int(candidate.embedded)].size
            if fits(tables.infos[type].slots, objectAt: address, outside: member) {
                chosen[choice] += 1
            } else {
                rejected[choice] += 1
                address += candidate.offset
                type = Int(candidate.embedded)
                walk.retype(index, address: address, type: candidate.embedded)
            }
        }
        let info = tables.infos[type]
        let size = max(info.size, ownedBytes(of: type, at: address))
        counts[type] += 1
        byteTotals[type] += size
        if let span = pagesOf(address, size: size) {
            for page in span where page == span.lowerBound || pages.state(ofPage: page).isBacked { walk.markTyped(page) }
        }
        for slot in info.slots { follow(slot, of: index, at: address + tables.slotOffsets[slot]) }
        for site in info.unions { readUnion(site, of: index, at: address) }
    }

    /// The bytes the object of `type` at `address` owns by the shape (`owns pages * 4096`),
    /// at most the arena's size; 0 without such a declaration.
    private func ownedBytes(of type: Int, at address: UInt64) -> UInt64 {
        let rule = tables.ownedBy[type]
        guard rule >= 0 else { return 0 }
        let owned = tables.owned[Int(rule)]
        let value = owned.field.map { $0.read(at: address, in: walk) ?? 0 } ?? 1
        return min(walk.geometry.byteCount, Checked.productOrNil(value, owned.multiplier) ?? .max)
    }

    /// A union read by its bytes: the member whose pointers all lead where a pointer can;
    /// several that disagree wait for their targets' bytes (`settleUnions`); none, beside a
    /// member of plain data: plain data.
    private mutating func readUnion(_ site: Int, of index: Int, at address: UInt64) {
        let members = tables.unionSites[site]
        if tables.unionReads[site] >= 0 {
            for slot in members[tables.unionReads[site]] { follow(slot, of: index, at: address + tables.slotOffsets[slot]) }
            return
        }
        let fitting = members.filter { !$0.isEmpty && fits($0, objectAt: address) }
        if fitting.isEmpty && members.contains(where: \.isEmpty) { return }
        let read = fitting.first ?? members.first { !$0.isEmpty } ?? 0..<0
        let settled = fitting.dropFirst().allSatisfy { other in
            other.count == read.count
                && zip(other, read).allSatisfy {
                    tables.slotOffsets[$0] == tables.slotOffsets[$1] && tables.slotPointees[$0] == tables.slotPointees[$1]
                }
        }
        guard settled else {
            pendingUnions.append((index, site, address, fitting))
            return
        }
        for slot in read { follow(slot, of: index, at: address + tables.slotOffsets[slot]) }
    }

    /// The pages the pending unions' pointers lead to whose bytes are not fetched yet.
    mutating func pagesForPendingUnions() -> [UInt32] {
        var wanted: [UInt32] = []
        for pending in pendingUnions {
            for slot in pending.members.joined() where tables.slotPointees[slot] >= 0 {
                guard let value = walk.word(at: pending.address + tables.slotOffsets[slot]), value != 0,
                    case let .backed(target, _) = PointerTarget(value, decoder: decoder, pages: pages),
                    let span = pagesOf(target, size: tables.infos[Int(tables.slotPointees[slot])].size)
                else { continue }
                for page in span where pages.state(ofPage: page).isBacked && walk.needsFetch(page) { wanted.append(page) }
            }
        }
        return wanted
    }

    /// Reads each pending union by the one member whose targets' own pointers all lead into
    /// backed pages, or, of several, the one whose targets hold any pointer at all (an
    /// interior node's children point on; a leaf's data does not). Unions that stay
    /// ambiguous, and all of them when `resolving` is false (the walk ran out of time), are
    /// followed untyped: their pages reached, nothing typed, never bad pointers.
    mutating func settleUnions(resolving: Bool = true) {
        let pending = pendingUnions
        pendingUnions = []
        for (index, site, address, members) in pending {
            let fitting = resolving ? members.compactMap { member in targetsFit(member, at: address).map { (member, $0) } } : []
            let supported = fitting.filter { $0.1 > 0 }
            let chosen = fitting.count == 1 ? fitting[0].0 : supported.count == 1 ? supported[0].0 : nil
            if let chosen {
                for slot in chosen { follow(slot, of: index, at: address + tables.slotOffsets[slot]) }
                continue
            }
            ambiguousUnions[site, default: 0] += 1
            for slot in members.joined() { follow(slot, of: index, at: address + tables.slotOffsets[slot], typed: false) }
        }
    }

    /// How many non-null pointers the objects `member`'s pointers lead to hold, read as the
    /// types pointed to; nil when one of them leads nowhere (the member is a wrong reading).
    private func targetsFit(_ member: Range<Int>, at address: UInt64) -> Int? {
        var pointers = 0
        for slot in member where tables.slotPointees[slot] >= 0 {
            guard let value = walk.word(at: address + tables.slotOffsets[slot]), value != 0, let target = decoder.target(of: value) else { continue }
            guard let held = backedPointers(tables.infos[Int(tables.slotPointees[slot])].slots, objectAt: target) else { return nil }
            pointers += held
        }
        return pointers
    }

    /// True when every non-null pointer in `slots` of the object at `address` (but those
    /// whose offset is in `skipped`) leads into a backed page.
    private func fits(_ slots: Range<Int>, objectAt address: UInt64, outside skipped: Range<UInt64> = 0..<0) -> Bool {
        backedPointers(slots, objectAt: address, outside: skipped) != nil
    }

    /// How many non-null pointers `slots` of the object at `address` (but those whose offset is
    /// in `skipped`) hold, all leading into backed pages; nil when one leads elsewhere. Integers
    /// read as addresses neither count nor contradict.
    private func backedPointers(_ slots: Range<Int>, objectAt address: UInt64, outside skipped: Range<UInt64> = 0..<0) -> Int? {
        var pointers = 0
        for slot in slots where !tables.slotIsInteger[slot] && !skipped.contains(tables.slotOffsets[slot]) {
            guard let value = walk.word(at: address + tables.slotOffsets[slot]), value != 0 else { continue }
            guard case .backed = PointerTarget(value, decoder: decoder, pages: pages) else { return nil }
            pointers += 1
        }
        return pointers
    }

    /// Follows the pointer in `slot` of the object at `index`, whose field lies at `field`;
    /// `typed` false: its page is reached, nothing there is typed.
    @inline(__always)
    private mutating func follow(_ slot: Int, of index: Int, at field: UInt64, typed: Bool = true) {
        guard let value = walk.word(at: field), value != 0 else { return }
        let target: UInt64, page: UInt32
        switch PointerTarget(value, decoder: decoder, pages: pages) {
        case let .backed(address, backedPage): (target, page) = (address, backedPage)
        case let .bad(leadsTo):
            if !tables.slotIsInteger[slot] { bad.append((index, slot, field, value, leadsTo)) }
            return
        }
        if page == referencePage { references.append((index, slot, field, value)) }
        if !watch.isEmpty && !ignoredTypes.contains(walk.types[index]) {
            if watch.live.contains(target) {
                referredLive.insert(target)
            } else if watch.free.contains(target) {
                freeReferrers.append((index, slot, field, value))
            }
        }
        walk.markReached(page)
        let pointee = tables.slotPointees[slot]
        guard typed, pointee >= 0 else {
            if typed && tables.slotStops[slot] >= 0 { stopped[Int(tables.slotStops[slot])] += 1 }
            return
        }
        if tables.slotCounts[slot] >= 0 {
            addElements(slot, of: index, at: field, first: target, pointee: pointee)
            return
        }
        if tables.isEmbedded[Int(pointee)], let (start, choice) = container(of: target, pointee: pointee),
            let startPage = walk.geometry.page(containing: start)
        {
            _ = walk.add(start, page: startPage, type: tables.choices[choice].container, parent: Int32(index), via: Int32(slot), inferredBy: Int32(choice))
            return
        }
        _ = walk.add(target, page: page, type: pointee, parent: Int32(index), via: Int32(slot))
    }

    /// The elements a pointer-plus-count field leads to (`struct htab.buckets[n_buckets]`),
    /// each an object, up to the walk's bound; an element on a page that is not backed is a
    /// bad pointer and ends the array.
    private mutating func addElements(_ slot: Int, of index: Int, at field: UInt64, first: UInt64, pointee: Int32) {
        let count: UInt64
        switch tables.counts[Int(tables.slotCounts[slot])] {
        case .constant(let number): count = number
        case .field(let value): count = value.read(at: field - tables.slotOffsets[slot], in: walk) ?? 0
        }
        let size = tables.infos[Int(pointee)].size
        var element: UInt64 = 0
        while element < count && !walk.truncated {
            guard let address = Checked.productOrNil(element, size).flatMap({ Checked.sumOrNil(first, $0) }),
                let page = walk.geometry.page(containing: address), pages.state(ofPage: page).isBacked
            else {
                let target = Checked.productOrNil(element, size).flatMap { Checked.sumOrNil(first, $0) } ?? .max
                bad.append((index, slot, field, target, walk.geometry.page(containing: target).map { pages.state(ofPage: $0).name } ?? "not_arena"))
                return
            }
            _ = walk.add(address, page: page, type: pointee, parent: Int32(index), via: Int32(slot))
            element += 1
        }
    }

    /// Where the container of `target` starts, and which choice it is, when exactly one
    /// struct embedding `pointee` fits the memory there (its bytes on backed pages); nil when
    /// none does, or several (counted as ambiguous).
    private mutating func container(of target: UInt64, pointee: Int32) -> (start: UInt64, choice: Int)? {
        var found: (start: UInt64, choice: Int)?
        var fitting = 0
        for choice in tables.infos[Int(pointee)].containers {
            let candidate = tables.choices[choice]
            guard target >= candidate.offset, target - candidate.offset >= walk.geometry.userVMStart,
                let span = pagesOf(target - candidate.offset, size: tables.infos[Int(candidate.container)].size),
                span.count <= 256, span.allSatisfy({ pages.state(ofPage: $0).isBacked })
            else { continue }
            fitting += 1
            found = (target - candidate.offset, choice)
        }
        if fitting > 1 { ambiguousContainers[pointee, default: 0] += 1 }
        return fitting == 1 ? found : nil
    }
}
