import ArenaModel
import ArenaText

/// Why the kernel would refuse to create an arena with these attributes, with its errno.
public enum ArenaCreationError: Error, Equatable, CustomStringConvertible {
    /// `-EINVAL`: key or value size set, no pages, `BPF_F_MMAPABLE` missing, unknown flags,
    /// or a `map_extra` that is not page aligned.
    case invalidArgument(String)
    /// `-E2BIG`: more than 4 GiB of pages.
    case tooBig(pages: UInt32)
    /// `-ERANGE`: the fixed user address range crosses a 4 GiB boundary.
    case crossesFourGiB(start: UInt64)

    /// The errno name the kernel returns.
    public var errnoName: String {
        switch self {
        case .invalidArgument: "EINVAL"
        case .tooBig: "E2BIG"
        case .crossesFourGiB: "ERANGE"
        }
    }

    /// The negative errno value the kernel returns.
    public var errno: Int32 {
        switch self {
        case .invalidArgument: -22
        case .tooBig: -7
        case .crossesFourGiB: -34
        }
    }

    public var description: String {
        switch self {
        case .invalidArgument(let why): "invalid arena attributes (\(errnoName)): \(why)"
        case .tooBig(let pages): "arena of \(pages) pages is larger than 4 GiB (\(errnoName))"
        case .crossesFourGiB(let start): "arena at \(hex(start)) would cross a 4 GiB boundary (\(errnoName))"
        }
    }
}

/// A user-space access that the kernel answers with SIGSEGV.
public struct ArenaFault: Error, Equatable, CustomStringConvertible {
    public let address: UInt64
    public let reason: String
    public var description: String { "SIGSEGV at \(hex(address)): \(reason)" }
}
