import ArenaModel
import ArenaTypes

/// What the exporter publishes about one arena: its pages by state and the shape of its free
/// space, who uses it, and with `--objects` what its roots reach.
public struct ArenaHealth: Sendable {
    public let id: UInt32
    public let name: String
    public let maxPages: UInt32
    public let stats: ArenaStats
    /// The names of the programs that use the arena, each once.
    public let programs: [String]
    /// The command names of the processes that map it, each once.
    public let processes: [String]
    /// The object map's figures; nil without `--objects` or where there was none.
    public let objects: ObjectFigures?

    public init(id: UInt32, name: String, maxPages: UInt32, stats: ArenaStats, programs: [String], processes: [String], objects: ObjectFigures?) {
        self.id = id
        self.name = name
        self.maxPages = maxPages
        self.stats = stats
        self.programs = programs
        self.processes = processes
        self.objects = objects
    }
}

/// What the roots reach in one arena (`arenascope objects`, in numbers).
public struct ObjectFigures: Sendable {
    /// Objects and their bytes, by type name.
    public var types: [(type: String, count: Int, bytes: UInt64)]
    public var unreachedPages: Int
    public var badPointers: Int
    /// Objects typed as the container of the type pointed to (inferred or from a shape).
    public var containerObjects = 0
    /// Objects left as the type pointed to because several containers fit alike.
    public var ambiguousObjects = 0
    /// Pages reached only through untyped pointers.
    public var untypedPages = 0
    /// Pointers (and roots) not followed, by the type they lead to and why (`declared_only`, `untyped_root`).
    public var stopped: [(type: String, reason: String, pointers: Int)] = []
    /// Live objects by type, where an allocator's bookkeeping says (`SlabAllocator`).
    public var live: [(type: String, count: Int)] = []
    /// Live slots only the allocator points to, pointers to free slots, and live objects
    /// that break a shape's check.
    public var objectLeaks = 0
    public var stalePointers = 0
    public var invariantViolations = 0
    /// Pages whose page-fragment count disagrees with the objects reached on them.
    public var fragmentMismatches = 0

    public init(types: [(type: String, count: Int, bytes: UInt64)], unreachedPages: Int, badPointers: Int) {
        self.types = types
        self.unreachedPages = unreachedPages
        self.badPointers = badPointers
    }
}

extension ObjectFigures {
    /// The figures of an object map and of the allocators' bookkeeping beside it.
    public init(_ walked: ObjectWalk.Allocated) {
        self.init(walked.map)
        let allocators = walked.allocators
        live = Dictionary(allocators.map { ($0.dataType, $0.live.count) }, uniquingKeysWith: +).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        objectLeaks = allocators.reduce(0) { $0 + $1.leaks.count }
        stalePointers = allocators.reduce(0) { $0 + $1.stale.count }
        invariantViolations = allocators.reduce(0) { $0 + $1.violations.count }
        fragmentMismatches = walked.fragments?.findings.count ?? 0
    }

    /// The figures of an object map.
    public init(_ map: ObjectMap) {
        self.init(types: map.types.map { ($0.type, $0.count, $0.bytes) }, unreachedPages: map.unreachedPages.count, badPointers: map.badPointers.count)
        containerObjects = map.containers.reduce(0) { $0 + $1.objects }
        ambiguousObjects = map.ambiguities.filter { $0.kind == .container }.reduce(0) { $0 + $1.objects }
        untypedPages = map.untypedPages
        stopped = map.stops.map { ($0.type, $0.reason.rawValue, $0.pointers) }
    }
}
