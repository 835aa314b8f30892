import ArenaModel
@testable import ArenaLive

/// Helpers the live suites share (their gate is `LiveTestSupport.needsLiveArenas`).
enum LiveEnvironment {
    /// Free ranges of arena `id` as the sampler sees them.
    static func freeRanges(_ sampler: ArenaSampler, _ id: UInt32) throws -> [PageRange] {
        try sampler.run(target: id).freeRanges
    }
}
