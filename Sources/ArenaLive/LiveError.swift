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
    /// The kernel said EPERM; `capability` names what is needed.
    case notPermitted(action: String, capability: String)
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
        case .notPermitted(let action, let capability): "not permitted to \(action): needs \(capability) (run as root)"
        case .unsupported(let why): "this kernel cannot do it: \(why)"
        case .gone(let id): "arena \(id) is gone"
        case .released(let id): "arena \(id) has no other user left: its bytes are no longer read so that it can go (--keep-alive holds an arena for post-mortem looks)"
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
