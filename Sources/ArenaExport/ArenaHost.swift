import ArenaLive
import ArenaModel

/// The arenas a `HealthCollector` watches: the host's own (`LiveHost`), or a test's emulated
/// ones, driven through the same new, gone and torn rules.
public protocol ArenaHost: AnyObject {
    /// The arenas there are now.
    func arenas() throws -> [HostedArenaSummary]
    /// A source for the arena `id`; nil when it cannot be opened (gone since it was listed).
    func source(for id: UInt32) -> (any HostedArena)?
}

/// What the host lists of an arena.
public struct HostedArenaSummary: Sendable, Equatable {
    public let id: UInt32
    public let name: String
    public let maxPages: UInt32

    public init(id: UInt32, name: String, maxPages: UInt32) {
        self.id = id
        self.name = name
        self.maxPages = maxPages
    }
}

/// An arena's source as the collector needs it: its programs' and processes' names for labels.
public protocol HostedArena: ArenaSource {
    var programNames: [String] { get }
    var processNames: [String] { get }
    /// Lets go of what the last object walk held open, so the arena does not outlive its owner.
    func dropReader()
}

/// This host's arenas, through one loaded sampler.
public final class LiveHost: ArenaHost {
    let sampler: ArenaSampler

    /// Loads the sampler: fails at once, with what is missing, where this process may not.
    public init() throws(LiveError) { sampler = try ArenaSampler() }

    public func arenas() throws -> [HostedArenaSummary] {
        try sampler.records().map { HostedArenaSummary(id: $0.id, name: $0.name, maxPages: $0.maxPages) }
    }

    public func source(for id: UInt32) -> (any HostedArena)? { try? LiveSource(mapID: id, sampler: sampler) }
}

extension LiveSource: HostedArena {
    public var programNames: [String] { programs.map(\.name) }
    public var processNames: [String] { processCommands.map(\.comm) }
}
