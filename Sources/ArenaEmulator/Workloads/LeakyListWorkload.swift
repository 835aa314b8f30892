import ArenaModel

/// The list workload with two bugs, so the object map has something to find: every 32 steps
/// a page is allocated and forgotten (a leak), and every 64 steps a page is freed while a
/// `struct leak_log` still points at it (a dangling pointer).
public final class LeakyListWorkload: Workload {
    public static let name = "leaky"
    public static let summary = "the list workload with bugs: pages allocated and forgotten (leaks), a pointer to a freed page"
    public static let defaultPages: UInt32 = 1024

    private let list: ListWorkload
    private let arena: EmulatedArena
    /// `struct leak_log { struct arena_list_node *stale; u64 leaked; }`, on a page of its own.
    private let log: UInt64
    private var steps: UInt64 = 0
    private var leaked: UInt64 = 0

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        list = ListWorkload(arena: arena, seed: seed)
        log = arena.allocPages(count: 1)
    }

    public func step() {
        list.step()
        steps += 1
        if steps % 32 == 0 {
            // From the top of the arena down, so the freed page below is not taken again at once.
            let top = arena.geometry.address(ofPage: arena.geometry.maxPages - 1 - UInt32(leaked % UInt64(max(1, arena.geometry.maxPages / 2))))
            let forgotten = arena.allocPages(hint: top, count: 1)
            if forgotten != 0 {
                arena.bpfStore(forgotten + 16, steps)
                leaked += 1
                arena.bpfStore(log + 8, leaked)
            }
        }
        if steps % 64 == 0 {
            let freed = arena.allocPages(count: 1)
            if freed != 0 {
                arena.bpfStorePointer(log, freed)
                arena.freePages(freed, count: 1)
            }
        }
    }

    public var roots: [StructureRoot] {
        list.roots.map { StructureRoot(name: $0.name, address: $0.address, nextOffset: $0.nextOffset, type: $0.type, origin: Self.rootOrigin) }
            + [StructureRoot(name: "log", address: log, type: "struct leak_log", origin: Self.rootOrigin)]
    }
}
