import ArenaModel

/// One arena on the system, as `arenascope list` shows it.
public struct LiveArenaSummary: Sendable {
    public let record: ArenaRecord
    /// Processes that map the arena.
    public let pids: [Int32]
    /// Pages in each state, from a sample of the arena; nil when it could not be sampled
    /// (it went away meanwhile, or changed under every attempt).
    public let pages: PageCounts?
}

extension ArenaSampler {
    /// Every arena on the system with the processes that map it and its pages by state.
    public func arenas() throws(LiveError) -> [LiveArenaSummary] {
        try records().sorted { $0.id < $1.id }.map { record in
            LiveArenaSummary(record: record, pids: ProcessMappings.processes(of: record), pages: pageCounts(ofArena: record.id))
        }
    }

    private func pageCounts(ofArena id: UInt32) -> PageCounts? {
        guard let source = try? LiveSource(mapID: id, sampler: self) else { return nil }
        return try? SamplingBackend(source: source, clock: monotonicSeconds).snapshot().stats.pages
    }
}
