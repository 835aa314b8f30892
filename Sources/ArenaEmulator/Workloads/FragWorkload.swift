import ArenaModel

/// The page-fragment object allocator on its own: objects of random sizes carved downward
/// from the end of a page, a u64 object count in the page's last 8 bytes, the page freed
/// when the count drops to 0. Live objects are chained newest to oldest through word 0. Its
/// state is an arena global as the selftests keep it (`page_frag_cur_page`, then the offset).
public final class FragWorkload: Workload {
    public static let name = "frag"
    public static let summary = "a page-fragment object allocator: objects carved down from page ends, pages freed at count 0"
    public static let defaultPages: UInt32 = 1024

    private let arena: EmulatedArena
    private let objects: PageFragAllocator
    private var random: SeededGenerator
    /// Live objects, oldest first; each one's word 0 points at the one before it.
    private var live: [UInt64] = []

    /// The allocator's state: the current page, then the offset the next object ends at.
    private let state: UInt64

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        state = arena.allocPages(count: 1)
        objects = PageFragAllocator(arena: arena)
        random = SeededGenerator(seed: seed)
        for _ in 0..<32 { allocate() }
    }

    /// Objects live now.
    public var liveObjects: Int { live.count }

    private func saveState() {
        arena.bpfStorePointer(state, objects.page)
        arena.bpfStore(state + 8, UInt64(objects.offset))
    }

    public func step() {
        if live.count < 32 || (live.count < 600 && random.chance(55)) {
            allocate()
        } else {
            release(at: random.below(live.count))
        }
    }

    private func allocate() {
        let size = 16 + random.below(31) * 8
        let object = objects.allocate(size)
        guard object != 0 else { return }
        arena.bpfStorePointer(object, live.last ?? 0)
        arena.bpfStore(object + 8, UInt64(size))
        live.append(object)
        saveState()
    }

    private func release(at index: Int) {
        let object = live.remove(at: index)
        if index < live.count {
            arena.bpfStorePointer(live[index], index > 0 ? live[index - 1] : 0)
        }
        objects.free(object)
        saveState()
    }

    public var roots: [StructureRoot] {
        let state = StructureRoot(name: "page_frag_cur_page", address: state, type: "u64 [2]", origin: Self.rootOrigin)
        guard let newest = live.last else { return [state] }
        return [state, StructureRoot(name: "newest", address: newest, type: "struct frag_object", origin: Self.rootOrigin)]
    }
}
