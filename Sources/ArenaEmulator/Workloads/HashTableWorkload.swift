import ArenaModel

/// A hash table of buckets of hlists, nodes `{ next; pprev; key; value }`, with inserts,
/// updates and deletes of random keys.
public final class HashTableWorkload: Workload {
    public static let name = "hashtab"
    public static let summary = "a hash table of 128 buckets of {next, pprev, key, value} lists: insert, update, delete"
    public static let defaultPages: UInt32 = 1024

    static let bucketCount = 128
    static let nodeSize = 32
    static let keySpace = 1024
    private let arena: EmulatedArena
    private let objects: PageFragAllocator
    private let list: ArenaHlist
    private var random: SeededGenerator
    private let buckets: UInt64
    private var nodes: [UInt64: UInt64] = [:]

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        objects = PageFragAllocator(arena: arena)
        list = ArenaHlist(arena: arena)
        random = SeededGenerator(seed: seed)
        buckets = objects.allocate(Self.bucketCount * 8)
        for _ in 0..<64 { step() }
    }

    public func step() {
        let key = UInt64(random.below(Self.keySpace))
        if let node = nodes[key] {
            if nodes.count > 400 || random.chance(50) {
                list.delete(node)
                objects.free(node)
                nodes[key] = nil
            } else {
                arena.bpfStore(node + 24, arena.bpfLoad(node + 24) &+ 1)
            }
            return
        }
        let node = objects.allocate(Self.nodeSize)
        guard node != 0 else { return }
        arena.bpfStore(node + 16, key)
        arena.bpfStore(node + 24, key &* 0x9E37_79B9)
        list.insertHead(node, headSlot: bucketSlot(key))
        nodes[key] = node
    }

    private func bucketSlot(_ key: UInt64) -> UInt64 {
        buckets + (key % UInt64(Self.bucketCount)) * 8
    }

    public var roots: [StructureRoot] {
        var roots = [StructureRoot(name: "buckets", address: buckets, type: "struct hashtab_buckets", origin: Self.rootOrigin)]
        if let firstSlot = (0..<UInt64(Self.bucketCount)).map({ buckets + $0 * 8 }).first(where: { arena.bpfLoad($0) != 0 }) {
            roots.append(StructureRoot(name: "first_chain", address: arena.bpfLoadPointer(firstSlot), type: "struct hashtab_elem", origin: Self.rootOrigin))
        }
        return roots
    }
}
