import ArenaModel

/// A seeded, deterministic program that builds a real structure in an emulated arena
/// and keeps changing it, one step at a time.
public protocol Workload: AnyObject {
    /// The name used on the command line.
    static var name: String { get }
    /// One line for `arenascope workloads`.
    static var summary: String { get }
    /// Arena size when the user does not choose one.
    static var defaultPages: UInt32 { get }
    /// Builds the initial structure.
    init(arena: EmulatedArena, seed: UInt64)
    /// One mutation of the structure.
    func step()
    /// Entry points of the structure as it is now, typed with the workload's own types.
    var roots: [StructureRoot] { get }
}

extension Workload {
    /// What a workload's roots say they came from.
    static var rootOrigin: String { "workload \(name)" }
}

/// The workloads arenascope ships, by name.
public enum WorkloadCatalog {
    public static var all: [any Workload.Type] {
        [
            ListWorkload.self, HashTableWorkload.self, RedBlackTreeWorkload.self, FragWorkload.self, ChurnWorkload.self, LeakyListWorkload.self,
            SlabWorkload.self,
        ]
    }

    public static func named(_ name: String) -> (any Workload.Type)? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map { $0.name } }
}

/// A hlist as the kernel selftests keep it in arenas: nodes `{ next; pprev }` where `pprev`
/// points at the previous `next` field (or the head slot); deleted nodes are poisoned.
struct ArenaHlist {
    static let poisonNext: UInt64 = 0x100
    static let poisonPrev: UInt64 = 0x122

    let arena: EmulatedArena

    /// Links `node` in front of the list whose first pointer lives at `headSlot`.
    func insertHead(_ node: UInt64, headSlot: UInt64) {
        let first = arena.bpfLoadPointer(headSlot)
        arena.bpfStorePointer(node, first)
        if first != 0 { arena.bpfStorePointer(first + 8, node) }
        arena.bpfStorePointer(headSlot, node)
        arena.bpfStorePointer(node + 8, headSlot)
    }

    /// Unlinks `node` and poisons its links.
    func delete(_ node: UInt64) {
        let next = arena.bpfLoadPointer(node)
        let pprev = arena.bpfLoadPointer(node + 8)
        arena.bpfStorePointer(pprev, next)
        if next != 0 { arena.bpfStorePointer(next + 8, pprev) }
        arena.bpfStore(node, Self.poisonNext)
        arena.bpfStore(node + 8, Self.poisonPrev)
    }
}
