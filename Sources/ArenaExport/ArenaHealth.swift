import ArenaModel

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
    public let types: [(type: String, count: Int, bytes: UInt64)]
    public let unreachedPages: Int
    public let badPointers: Int

    public init(types: [(type: String, count: Int, bytes: UInt64)], unreachedPages: Int, badPointers: Int) {
        self.types = types
        self.unreachedPages = unreachedPages
        self.badPointers = badPointers
    }
}
