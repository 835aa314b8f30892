import Testing
import ArenaModel
@testable import ArenaLive

/// Live tests run for real where the kernel lets this process use BPF, and are skipped,
/// with the reason printed, only where it refuses.
enum LiveEnvironment {
    static let refusal: String? = {
        guard let error = LiveAvailability.refusal else { return nil }
        switch error {
        case .notPermitted, .unsupported:
            print("live tests skipped: the kernel refused BPF: \(error)")
            return "the kernel refused BPF: \(error)"
        default:
            return nil
        }
    }()

    /// Free ranges of arena `id` as the sampler sees them.
    static func freeRanges(_ sampler: ArenaSampler, _ id: UInt32) throws -> [PageRange] {
        try sampler.run(target: id).freeRanges
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the suite only where the kernel accepts BPF; the skip says why.
    static var needsKernelBPF: Self {
        .enabled(if: LiveEnvironment.refusal == nil, Comment(rawValue: LiveEnvironment.refusal ?? "BPF available"))
    }
}
