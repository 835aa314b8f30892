import ArenaModel

/// The walk's hot state, in one value so its methods need no dynamic exclusivity checks:
/// the objects found, the pages met by slot (their bytes once fetched, a visited bit for every
/// 8-byte word), and by page whether it is reached (a page an object only owns is marked
/// without a slot: an extent of 35,000 pages costs no 140 MiB of storage).
struct Walk {
    let geometry: ArenaGeometry
    let maxObjects: Int
    let pageSize: Int
    let bitWords: Int
    var pageSlot: [Int32]
    var slotPage: [UInt32] = []
    var storage: [UInt8] = []
    var fetched: [Bool] = []
    var visitedBits: [UInt64] = []
    /// By page: bit 0 reached, bit 1 a typed object lies on it; `marked` lists the pages reached.
    var pageMarks: [UInt8]
    var marked: [UInt32] = []
    var oddVisited = Set<UInt64>()
    var addresses: [UInt64] = [], types: [Int32] = [], parents: [Int32] = [], viaSlots: [Int32] = []
    /// Per object, the container choice that typed it (-1: the type its pointer names).
    var inferredBy: [Int32] = []
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
        pageMarks = [UInt8](repeating: 0, count: Int(geometry.maxPages))
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
        return index
    }

    mutating func markReached(_ page: UInt32) { mark(page, 1) }

    /// A page a typed object lies on: reached, and not through untyped pointers only.
    mutating func markTyped(_ page: UInt32) { mark(page, 3) }

    @inline(__always)
    private mutating func mark(_ page: UInt32, _ bits: UInt8) {
        let old = pageMarks[Int(page)]
        if old == 0 { marked.append(page) }
        pageMarks[Int(page)] = old | bits
    }

    /// Reached pages no typed object lies on.
    var untypedPages: Int { marked.count { pageMarks[Int($0)] == 1 } }

    /// The object at `index` is another type, at another address, than it was added as.
    mutating func retype(_ index: Int, address: UInt64, type: Int32) {
        addresses[index] = address
        types[index] = type
    }

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
    mutating func add(_ address: UInt64, page: UInt32, type: Int32, parent: Int32, via: Int32, inferredBy choice: Int32 = -1) -> Bool {
        guard addresses.count < maxObjects else {
            stop(ObjectMap.Limit.objects(maxObjects))
            return false
        }
        guard visit(address, page: page) else { return false }
        addresses.append(address)
        types.append(type)
        parents.append(parent)
        viaSlots.append(via)
        inferredBy.append(choice)
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

    var reachedPages: [UInt32] { marked.sorted() }
}
