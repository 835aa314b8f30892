import ArenaModel

/// A real arena kept busy by the workload programs, with this process mapping it:
/// what `arenascope demo --live` watches. Its NO_USER_CONV companion arena holds a list
/// with 32-bit pointers, for a look from a second inspector (`arenascope` lists both).
public final class LiveDemo {
    public let workload: LiveWorkload
    public let source: LiveSource
    private let mapping: UserMapping
    private let listHead: UInt64
    private var steps: UInt64 = 0

    public init() throws(LiveError) {
        workload = try LiveWorkload()
        listHead = try workload.buildList(count: 300)
        _ = try workload.buildHash(count: 500, buckets: 128)
        _ = try workload.buildList(count: 64, narrow: true)
        mapping = try workload.mapArena()
        // A user program reading its list: the head's page becomes mapped in this process.
        mapping.store(LiveWorkload.nodeMagic, at: listHead + 16)
        source = try LiveSource(mapID: try workload.arenaID)
    }

    /// One step of the workload between samples.
    public func step() {
        steps += 1
        try? workload.churn(steps: 12, seed: steps)
    }

    /// Address of the list's first node (`{next, value, magic}` nodes).
    public var listRoot: StructureRoot { StructureRoot(name: "head", address: listHead, type: "struct wl_node", origin: "demo") }
}
