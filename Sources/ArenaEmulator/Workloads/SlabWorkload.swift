import ArenaModel

/// sched_ext's per-task allocator as its library builds it (`sdt_alloc`): fixed-size data
/// slots handed out from a pool, indexed by a two-level radix tree of descriptors, each with an
/// `allocated` bitmap, a free count and a chunk of 512 pointers (to the descriptors below, or
/// in the leaves to the data). A freed slot's bit is cleared and its data zeroed past its id;
/// the chunk keeps pointing at it and the next allocation there recycles it (its generation
/// goes up). Tasks come and go; the live ones are also held in a task table, as the
/// scheduler's task storage holds them. Three bugs on purpose, as real schedulers have them:
/// one exiting task in 64 leaves the table without its slot being freed (a leak); the table
/// keeps a pointer to the last task that exited (`last_exited`: stale once freed); and one
/// free in 50 zeroes one word too many, the next slot's id (its shape's check,
/// `tid.idx == slot`, catches it when that slot is live).
public final class SlabWorkload: Workload {
    public static let name = "slab"
    public static let summary = "sched_ext's sdt_alloc: recycled fixed-size slots under a radix tree of bitmaps"
    public static let defaultPages: UInt32 = 2048

    /// Pointers a chunk holds, and the bitmap words of a descriptor.
    static let entries = 512
    static let bitmapWords = entries / 64
    static let descriptorSize = 8 * bitmapWords + 16
    static let dataSize = 64
    /// Tasks the table holds at most.
    static let maxTasks = 256
    /// Where the allocator's state and the task table lie on the globals page.
    static let tableOffset: UInt64 = 64

    private let arena: EmulatedArena
    private let descriptors: PageFragAllocator
    private var random: SeededGenerator
    private let globals: UInt64
    private let root: UInt64
    /// Leaf descriptors in order, and the live slots: (leaf, index, data address).
    private var leaves: [UInt64] = []
    private var live: [(leaf: Int, index: Int, data: UInt64)] = []
    /// Slots whose id a free of the slot before zeroed.
    private var clobbered: Set<UInt64> = []
    /// Slots whose tasks exited without freeing them, and exits so far.
    public private(set) var leakedSlots: [UInt64] = []
    private var leakedIndex: [UInt64: Int] = [:]
    private var exits = 0
    /// Data slots handed out so far (the pool's `idx`), and the pool's current page.
    private var made: UInt64 = 0
    private var poolPage: UInt64 = 0

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        descriptors = PageFragAllocator(arena: arena)
        random = SeededGenerator(seed: seed)
        globals = arena.allocPages(count: 1)
        root = Self.newDescriptor(arena: arena, descriptors: descriptors)
        // struct sdt_allocator { struct sdt_pool pool; struct sdt_desc *root; } at the globals' start.
        arena.bpfStore(globals + 8, UInt64(Self.dataSize))
        arena.bpfStore(globals + 16, UInt64(Int(arena.geometry.pageSize) / Self.dataSize))
        arena.bpfStorePointer(globals + 32, root)
        for _ in 0..<40 { allocate() }
    }

    private static func newDescriptor(arena: EmulatedArena, descriptors: PageFragAllocator) -> UInt64 {
        let descriptor = descriptors.allocate(descriptorSize)
        let chunk = arena.allocPages(count: 1)
        arena.bpfStore(descriptor + UInt64(8 * bitmapWords), UInt64(entries))
        arena.bpfStorePointer(descriptor + UInt64(8 * bitmapWords + 8), chunk)
        return descriptor
    }

    /// Bursts of short-lived tasks: up to 250 live, then back down to 60, again and again,
    /// so the slots handed out follow the high-water mark while the live ones come and go.
    private var growing = true

    public func step() {
        if live.count >= 250 { growing = false }
        if live.count <= 60 { growing = true }
        if live.isEmpty || random.chance(growing ? 75 : 25) {
            allocate()
        } else {
            release(at: random.below(live.count))
        }
    }

    private func chunk(of descriptor: UInt64) -> UInt64 { arena.bpfLoadPointer(descriptor + UInt64(8 * Self.bitmapWords + 8)) }
    private func freeCount(_ descriptor: UInt64) -> UInt64 { arena.bpfLoad(descriptor + UInt64(8 * Self.bitmapWords)) }

    private func setBit(_ descriptor: UInt64, _ index: Int, _ on: Bool) {
        let word = descriptor + UInt64(8 * (index / 64))
        let bit = UInt64(1) << UInt64(index % 64)
        arena.bpfStore(word, on ? arena.bpfLoad(word) | bit : arena.bpfLoad(word) & ~bit)
        let free = freeCount(descriptor)
        arena.bpfStore(descriptor + UInt64(8 * Self.bitmapWords), on ? free - 1 : free + 1)
    }

    private func isSet(_ descriptor: UInt64, _ index: Int) -> Bool {
        arena.bpfLoad(descriptor + UInt64(8 * (index / 64))) & (1 << UInt64(index % 64)) != 0
    }

    /// A slot from the first leaf with room (a new leaf when none has), its data recycled or new.
    private func allocate() {
        var leafIndex = leaves.firstIndex { freeCount($0) > 0 }
        if leafIndex == nil {
            guard leaves.count < Self.entries else { return }
            let leaf = Self.newDescriptor(arena: arena, descriptors: descriptors)
            arena.bpfStorePointer(chunk(of: root) + UInt64(8 * leaves.count), leaf)
            leaves.append(leaf)
            leafIndex = leaves.count - 1
        }
        guard let leafIndex else { return }
        let leaf = leaves[leafIndex]
        guard let index = (0..<Self.entries).first(where: { !isSet(leaf, $0) }) else { return }
        let slot = chunk(of: leaf) + UInt64(8 * index)
        var data = arena.bpfLoadPointer(slot)
        if data == 0 {
            data = newData()
            guard data != 0 else { return }
            arena.bpfStorePointer(slot, data)
            // union sdt_id { struct { s32 idx; s32 gen; }; }: the slot's index in the tree.
            arena.bpfStore(data, UInt64(leafIndex * Self.entries + index), width: 4)
        } else {
            arena.bpfStore(data + 4, arena.bpfLoad(data + 4, width: 4) + 1, width: 4)
        }
        for word in 1..<Self.dataSize / 8 { arena.bpfStore(data + UInt64(8 * word), random.next() | 1) }
        setBit(leaf, index, true)
        // An interior bit says that the leaf below is full.
        if freeCount(leaf) == 0 { setBit(root, leafIndex, true) }
        live.append((leafIndex, index, data))
        writeTask(at: live.count - 1)
    }

    /// The task at `position` exits; the last task takes its place in the table.
    private func release(at position: Int) {
        let (leafIndex, index, data) = live[position]
        live[position] = live[live.count - 1]
        live.removeLast()
        exits += 1
        arena.bpfStorePointer(globals + Self.tableOffset + 8 + UInt64(8 * Self.maxTasks), data)
        if exits % 64 == 0 {
            leakedSlots.append(data)
            leakedIndex[data] = leafIndex * Self.entries + index
            writeTask(at: position)
            writeTask(at: live.count)
            return
        }
        let leaf = leaves[leafIndex]
        if freeCount(leaf) == 0 { setBit(root, leafIndex, false) }
        setBit(leaf, index, false)
        let overrun = exits % 50 == 0 && (data + UInt64(Self.dataSize)) & (arena.geometry.pageSize - 1) != 0
        for word in 1..<(Self.dataSize / 8 + (overrun ? 1 : 0)) { arena.bpfStore(data + UInt64(8 * word), 0) }
        if overrun { clobbered.insert(data + UInt64(Self.dataSize)) }
        writeTask(at: position)
        writeTask(at: live.count)
    }

    /// A zeroed data slot from the pool: slots carved in order from pool pages.
    private func newData() -> UInt64 {
        let perPage = UInt64(Int(arena.geometry.pageSize) / Self.dataSize)
        if poolPage == 0 || made % perPage == 0 {
            poolPage = arena.allocPages(count: 1)
            guard poolPage != 0 else { return 0 }
            arena.bpfStorePointer(globals, poolPage)
        }
        let data = poolPage + (made % perPage) * UInt64(Self.dataSize)
        made += 1
        arena.bpfStore(globals + 24, made)
        return data
    }

    /// struct task_table { u64 count; struct sdt_data *tasks[256]; struct sdt_data *last_exited; }:
    /// the live tasks, in `live`'s order; writes its count and the entry at `position` (NULL
    /// past the last).
    private func writeTask(at position: Int) {
        let table = globals + Self.tableOffset
        arena.bpfStore(table, UInt64(live.count))
        guard position < Self.maxTasks else { return }
        arena.bpfStorePointer(table + 8 + UInt64(8 * position), position < live.count ? live[position].data : 0)
    }

    public var roots: [StructureRoot] {
        [
            StructureRoot(name: "sdt_state", address: globals, type: "struct sdt_allocator", origin: Self.rootOrigin),
            StructureRoot(name: "tasks", address: globals + Self.tableOffset, type: "struct task_table", origin: Self.rootOrigin),
        ]
    }

    /// Slots live now, leaked ones included (for tests: what the bookkeeping must say).
    public var liveSlots: Int { live.count + leakedSlots.count }
    /// Live slots whose id was zeroed by a free of the slot before and is not their index.
    public var brokenSlots: Set<UInt64> {
        Set((live.map(\.data) + leakedSlots).filter { clobbered.contains($0) && arena.bpfLoad($0, width: 4) != UInt64(index(of: $0)) })
    }

    private func index(of data: UInt64) -> Int {
        guard let task = live.first(where: { $0.data == data }) else {
            return leakedIndex[data] ?? -1
        }
        return task.leaf * Self.entries + task.index
    }

    /// The task that exited last (`last_exited`), and whether its slot is free now (not
    /// leaked, not handed out again).
    public var lastExited: (data: UInt64, isFree: Bool)? {
        let data = arena.bpfLoadPointer(globals + Self.tableOffset + 8 + UInt64(8 * Self.maxTasks))
        guard data != 0 else { return nil }
        return (data, !leakedSlots.contains(data) && !live.contains { $0.data == data })
    }
    /// Data slots ever made (live and recycled).
    public var slotsMade: Int { Int(made) }
}
