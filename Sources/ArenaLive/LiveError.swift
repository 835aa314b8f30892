import ArenaModel
import Glibc

/// Why a live arena could not be listed, attached, sampled or read.
public enum LiveError: Error, Equatable, CustomStringConvertible {
    /// No BPF map has this id.
    case noSuchMap(id: UInt32)
    /// Nothing is pinned at this bpffs path.
    case noSuchPin(path: String)
    /// The map exists but is of another type.
    case notArena(id: UInt32, name: String, type: UInt32)
    /// The kernel said EPERM and this process lacks `capability` (the names of what is missing).
    case notPermitted(action: String, capability: String)
    /// The kernel said EPERM although this process holds `holding`: a security policy
    /// (an LSM, lockdown, a sandbox) refused it.
    case refusedByPolicy(action: String, holding: String)
    /// Kernel lockdown forbids BPF reads of kernel memory (`mode` as securityfs names it,
    /// nil where it cannot be read); the sampler cannot tell page states apart without them.
    case lockedDown(mode: String?)
    /// The kernel cannot do it: no arenas, BPF or BTF.
    case unsupported(String)
    /// The arena existed and is gone now.
    case gone(id: UInt32)
    /// Nobody but arenascope uses the arena any more: its bytes are no longer read, so
    /// that it can go (without `keepAlive`).
    case released(id: UInt32)
    /// The arena changed under the walk (the sampling backend tries again).
    case torn(id: UInt32)
    /// Any other failed call, with its errno.
    case system(call: String, errno: Int32)
    /// The arena cannot be read this way (e.g. it has no user address yet).
    case unreadable(String)

    public var description: String {
        switch self {
        case .noSuchMap(let id): "no BPF map has id \(id)"
        case .noSuchPin(let path): "nothing is pinned at \(path)"
        case .notArena(let id, let name, let type):
            "map \(id)\(name.isEmpty ? "" : " (\(name))") is \(Self.typeName(type)), not an arena"
        case .notPermitted(let action, let capability): "not permitted to \(action): this process lacks \(capability) (run as root)"
        case .refusedByPolicy(let action, let holding):
            "the kernel refused to \(action) although this process has \(holding): \(SecurityPolicy.refusalSource) forbids it"
        case .lockedDown(let mode?):
            "kernel lockdown (\(mode)) forbids BPF reads of kernel memory, which telling page states apart needs"
        case .lockedDown(nil):
            "the kernel withholds bpf_probe_read_kernel from BPF programs (kernel lockdown in confidentiality mode does this), which telling page states apart needs"
        case .unsupported(let why): "this kernel cannot do it: \(why)"
        case .gone(let id): "arena \(id) is gone"
        case .released(let id):
            "arena \(id) has no other user left: its bytes are no longer read so that it can go (--keep-alive holds an arena for post-mortem looks)"
        case .torn(let id): "arena \(id) changed while it was sampled"
        case .system(let call, let errno): "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case .unreadable(let why): why
        }
    }

    private static let typeNames = [
        1: "a hash map", 2: "an array", 3: "a prog array", 4: "a perf event array", 5: "a per-CPU hash map",
        6: "a per-CPU array", 7: "a stack trace map", 9: "an LRU hash map", 12: "a hash of maps",
        13: "a devmap", 14: "a sockmap", 16: "an xskmap", 21: "a queue", 22: "a stack", 25: "a struct_ops map",
        26: "a ring buffer", 27: "an inode storage map", 28: "a task storage map", 30: "a user ring buffer",
    ]

    static func typeName(_ type: UInt32) -> String { typeNames[Int(type)] ?? "a map of type \(type)" }

    /// What an EPERM from the kernel means for `action`, which takes `needed`: the
    /// capabilities this process lacks, or, holding them all, a security policy.
    static func refusal(_ action: String, needs needed: [Capability]) -> LiveError {
        let missing = Capability.missing(needed)
        return missing.isEmpty
            ? .refusedByPolicy(action: action, holding: Capability.names(needed))
            : .notPermitted(action: action, capability: Capability.names(missing))
    }

    /// The sampler was refused although the capabilities are held (lockdown, a policy):
    /// what the maps' and programs' info tell can still be read.
    public var leavesMapInfo: Bool {
        switch self {
        case .refusedByPolicy, .lockedDown: true
        default: false
        }
    }

    /// Refusals of permission or policy: they do not go away by trying again.
    public var isRefusal: Bool {
        switch self {
        case .notPermitted, .refusedByPolicy, .lockedDown: true
        default: false
        }
    }
}

extension LiveError: ClassifiedSampleError {
    public var sampleFailureKind: SampleFailureKind {
        switch self {
        case .gone, .noSuchMap: .gone
        case .torn: .torn
        default: .other
        }
    }
}
