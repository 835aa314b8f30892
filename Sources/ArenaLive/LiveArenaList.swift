import ArenaModel

/// One arena on the system, as `arenascope list` shows it.
public struct LiveArenaSummary: Sendable {
    public let record: ArenaRecord
    /// Processes that map the arena.
    public let pids: [Int32]
    /// Pages in each state, from a sample of the arena; nil when it could not be sampled
    /// (it went away meanwhile, or changed under every attempt).
    public let pages: PageCounts?
    /// The programs that use it: id and name.
    public let programs: [(id: UInt32, name: String)]
    /// The processes that map it: pid and command name (`/proc/PID/comm`: untrusted text).
    public let processes: [(pid: Int32, comm: String)]
    /// Where its programs' `__arena` globals lie: "start", "end" or "page N", and pages.
    public let globals: (place: String, pages: UInt32)?
}

extension ArenaSampler {
    /// Every arena on the system with the processes that map it and its pages by state.
    public func arenas() throws(LiveError) -> [LiveArenaSummary] {
        try records().sorted { $0.id < $1.id }.map { record in
            let pids = ProcessMappings.processes(of: record)
            let source = try? LiveSource(mapID: record.id, sampler: self)
            let pages = source.flatMap { try? SamplingBackend(source: $0, clock: monotonicSeconds).snapshot().stats.pages }
            return LiveArenaSummary(
                record: record, pids: pids, pages: pages, programs: source?.programs ?? [],
                processes: pids.map { ($0, ProcessMappings.command(of: $0)) }, globals: source?.globals)
        }
    }
}
