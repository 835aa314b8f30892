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

/// An entry point into what a program keeps in the arena: a global variable in the arena, a
/// pointer into it held in one of the programs' maps, a workload's list head.
public struct StructureRoot: Sendable, Hashable {
    /// The variable, with a field path where the pointer sits inside a struct (`cfg.head`).
    public var name: String
    /// User address of what the root names.
    public var address: UInt64
    /// Offset inside a node of the pointer that leads to the next node (for chains).
    public var nextOffset: UInt64
    /// The C type of what lies at `address` (`struct arena_list_head`); nil for an untyped
    /// root (a `void *` or an integer that holds an arena address).
    public var type: String?
    /// Where it was found: `arena global`, `map .bss`, `workload list`.
    public var origin: String

    public init(name: String, address: UInt64, nextOffset: UInt64 = 0, type: String? = nil, origin: String) {
        self.name = name
        self.address = address
        self.nextOffset = nextOffset
        self.type = type
        self.origin = origin
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

extension StructureRoot {
    /// What is worth saying beside the root's name, type and address: that it points
    /// outside the arena (so it is never read), or nil.
    public func note(in geometry: ArenaGeometry) -> String? {
        geometry.page(containing: address) == nil ? "outside the arena: not read" : nil
    }
}
