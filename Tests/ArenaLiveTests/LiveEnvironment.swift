import Testing
import ArenaModel
@testable import ArenaLive

/// Whether this machine lets us load BPF programs and create arenas. Live tests run for
/// real where it does, and are skipped, with the reason, only where the kernel refuses.
enum LiveEnvironment {
    static let refusal: String? = {
        do throws(LiveError) {
            _ = try LiveWorkload()
            _ = try ArenaSampler()
            return nil
        } catch {
            switch error {
            case .notPermitted, .unsupported:
                print("live tests skipped: the kernel refused BPF: \(error)")
                return "the kernel refused BPF: \(error)"
            default:
                return nil
            }
        }
    }()

    static var available: Bool { refusal == nil }

    /// Free ranges of arena `id` as the sampler sees them.
    static func freeRanges(_ sampler: ArenaSampler, _ id: UInt32) throws -> [PageRange] {
        try sampler.run(target: id).freeRanges
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the suite only where the kernel accepts BPF; the skip says why.
    static var needsKernelBPF: Self {
        .enabled(if: LiveEnvironment.available, Comment(rawValue: LiveEnvironment.refusal ?? "BPF available"))
    }
}
