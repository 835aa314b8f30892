import ArenaModel

/// One arena on the system, as `arenascope list` shows it.
public struct LiveArenaSummary: Sendable {
    public let record: ArenaRecord
    /// Processes that map the arena.
    public let pids: [Int32]

    /// Backed pages (allocated or mapped).
    public var allocated: UInt64 { record.backedPages }
    public var reserved: UInt64 { record.reservedPages }
}

extension ArenaSampler {
    /// Every arena on the system with the processes that map it.
    public func arenas() throws(LiveError) -> [LiveArenaSummary] {
        try records().sorted { $0.id < $1.id }.map { record in
            LiveArenaSummary(record: record, pids: ProcessMappings.processes(of: record))
        }
    }
}
