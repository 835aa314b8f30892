/// Where a snapshot came from.
public struct SourceDescriptor: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case emulated, live, replay
    }

    public var kind: Kind
    /// Extra facts, in the order they are shown: workload, seed, steps, map id, file, frame…
    public var details: [(key: String, value: DetailValue)]

    public enum DetailValue: Sendable, Hashable {
        case text(String)
        case number(UInt64)
    }

    public init(kind: Kind, details: [(key: String, value: DetailValue)] = []) {
        self.kind = kind
        self.details = details
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kind == rhs.kind && lhs.details.elementsEqual(rhs.details) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        for (key, value) in details {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

/// An entry point into a structure kept in the arena: a list's first node, a tree root…
public struct StructureRoot: Sendable, Hashable {
    public var name: String
    /// User address of the entry point.
    public var address: UInt64
    /// Offset inside a node of the pointer that leads to the next node.
    public var nextOffset: UInt64

    public init(name: String, address: UInt64, nextOffset: UInt64) {
        self.name = name
        self.address = address
        self.nextOffset = nextOffset
    }
}

/// The state of an arena at one moment: what every pane and every JSON answer is built from.
public struct Snapshot: Sendable {
    public var source: SourceDescriptor
    public var geometry: ArenaGeometry
    public var pages: PageMap
    public var roots: [StructureRoot]
    /// Counts taken from `pages` when the snapshot was made.
    public let stats: ArenaStats

    public init(
        source: SourceDescriptor, geometry: ArenaGeometry, pages: PageMap,
        roots: [StructureRoot] = []
    ) {
        self.source = source
        self.geometry = geometry
        self.pages = pages
        self.roots = roots
        self.stats = ArenaStats(pages)
    }

    /// Free ranges, inclusive, in page order: exactly the free runs.
    public var freeRanges: [PageRange] { pages.freeRanges }
}
