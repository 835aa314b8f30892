import Testing
import ArenaLive

/// The one gate of every live test suite: they run where this process can create arenas
/// and sample them (`LiveDiagnosis`), and are skipped, with the diagnosis printed, exactly
/// where the kernel refuses either. Nothing else skips them: any other failure fails.
public enum LiveGate {
    /// Why live tests cannot run here, printed once; nil where they run.
    public static let refusal: String? = {
        guard let error = LiveDiagnosis.refusal else { return nil }
        let line = "the kernel refuses live arenas here: \(error)"
        print("live tests skipped: \(line) (scripts/test-kernels runs them inside VMs)")
        return line
    }()
}

extension Trait where Self == ConditionTrait {
    /// Runs the suite only where the kernel lets this process create and sample arenas;
    /// the skip says why.
    public static var needsLiveArenas: Self {
        .enabled(if: LiveGate.refusal == nil, Comment(rawValue: LiveGate.refusal ?? "live arenas available"))
    }
}
