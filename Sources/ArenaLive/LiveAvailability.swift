/// Whether live arenas can be inspected here: the kernel has arenas and BTF, and this
/// process may load BPF programs.
public enum LiveAvailability {
    /// Nil when live inspection works; otherwise why not (not permitted, unsupported…).
    public static let refusal: LiveError? = {
        do throws(LiveError) {
            _ = try ArenaSampler()
            return nil
        } catch {
            return error
        }
    }()
}
