import CLibBPF
import Glibc

/// What the running kernel lets this process do with live arenas, found once and shared by
/// every live command, the tests and the bench: whether it can sample arenas (the kernel
/// has them, the capabilities are held, the sampler loads, kernel memory may be read) and
/// whether it can create one. Each answer is a refusal naming its cause, or nil.
///
/// Nothing is left behind: the probe arena is closed at once, the programs loaded to ask
/// are unloaded with their objects, nothing is pinned, attached or retried.
public enum LiveDiagnosis {
    /// Why page states cannot be sampled here: no arenas or BTF (unsupported), missing
    /// capabilities, a policy refusing the sampler, or lockdown forbidding kernel reads.
    public static let sampling: LiveError? = {
        do throws(LiveError) {
            _ = try ArenaSampler()
            return nil
        } catch {
            return error
        }
    }()

    /// Why arenas cannot be created here (what `demo --live` and the live tests do): a
    /// one-page arena is created and closed at once.
    public static let arenaCreation: LiveError? = {
        do throws(LiveError) {
            try KernelSupport.requireArenas()
            close(try LiveWorkload.createArena(pages: 1, at: probeAddress))
            return nil
        } catch {
            return error
        }
    }()

    /// A fixed user address for the probe arena, so that creating it maps nothing.
    private static let probeAddress: UInt64 = 1 << 32

    /// Why arenas can be neither created nor sampled here, the first of the two.
    public static var refusal: LiveError? { sampling ?? arenaCreation }

    /// Whether BPF programs may read kernel memory here: false where the verifier does not
    /// know `bpf_probe_read_kernel` (kernel lockdown's confidentiality mode withdraws it),
    /// asked by loading a program that calls it (bpf/readprobe.bpf.c), never attached.
    static let kernelReadsWithdrawn: Bool = {
        do throws(LiveError) {
            _ = try BPFObject(.readprobe)
            return false
        } catch {
            if case .system(_, EINVAL) = error { return true }
            return false
        }
    }()

    /// The sampler's load failure explained: where kernel reads are withdrawn, lockdown.
    static func explainSamplerFailure(_ error: LiveError) -> LiveError {
        guard case .system(_, EINVAL) = error, kernelReadsWithdrawn else { return error }
        return .lockedDown(mode: SecurityPolicy.lockdown)
    }
}
