import ArenaModel

/// A linked list of `{ next; pprev; value }` nodes: pushes at the head, deletes anywhere,
/// and user space reads the head now and then (its page becomes mapped).
public final class ListWorkload: Workload {
    public static let name = "list"
    public static let summary = "a linked list of {next, pprev, value} nodes: pushes at the head, random deletes"
    public static let defaultPages: UInt32 = 1024

    static let nodeSize = 24
    private let arena: EmulatedArena
    private let objects: PageFragAllocator
    private let list: ArenaHlist
    private var random: SeededGenerator
    private let headSlot: UInt64
    private var live: [UInt64] = []
    private var counter: UInt64 = 0
    private var steps: UInt64 = 0

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        objects = PageFragAllocator(arena: arena)
        list = ArenaHlist(arena: arena)
        random = SeededGenerator(seed: seed)
        headSlot = objects.allocate(8)
        for _ in 0..<16 { push() }
    }

    public func step() {
        steps += 1
        if live.count < 8 || (live.count < 256 && random.chance(60)) {
            push()
        } else {
            let index = random.below(live.count)
            let node = live.remove(at: index)
            list.delete(node)
            objects.free(node)
        }
        if steps % 4 == 0, let first = live.last {
            try? arena.userTouch(first)
        }
    }

    private func push() {
        let node = objects.allocate(Self.nodeSize)
        guard node != 0 else { return }
        counter += 1
        arena.bpfStore(node + 16, counter)
        list.insertHead(node, headSlot: headSlot)
        live.append(node)
    }

    public var roots: [StructureRoot] {
        [
            StructureRoot(name: "head", address: arena.bpfLoadPointer(headSlot), type: "struct arena_list_node", origin: Self.rootOrigin),
            StructureRoot(name: "list_head", address: headSlot, type: "struct arena_list_head", origin: Self.rootOrigin),
        ]
    }
}
