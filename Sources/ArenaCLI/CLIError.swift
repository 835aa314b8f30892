import ArenaModel
import ArenaExport
import Glibc
import ArenaEmulator
import ArenaLive
import ArenaRecording
import ArenaScreen
import ArenaTerminal
import ArenaTypes

/// Exit statuses of arenascope, documented in the README. All are below 128.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// Anything not listed below.
    case failure = 1
    /// The address asked for is outside the arena or in a page with nothing behind it.
    case unreadable = 3
    /// Wrong arguments or options.
    case usage = 64
    /// A damaged or unreadable input file.
    case dataError = 65
    /// The map id, pin or file does not exist.
    case noInput = 66
    /// The map exists but is not an arena.
    case notArena = 67
    /// The kernel cannot do it: no arenas, no BPF, no BTF; or the arena went away.
    case unavailable = 69
    /// An output cannot be made: a recording that exists (without --force) or a folder that
    /// refuses; the exporter's port in use or its textfile unwritable.
    case cannotCreate = 73
    /// Not permitted: a capability is missing, or a security policy (an LSM, kernel lockdown) refuses.
    case noPermission = 77
    /// The inspector cannot use the terminal: stdin or stdout is not one, or TERM is unknown.
    case noTerminal = 78
}

extension ExitStatus {
    /// What the status means, as the man page and the README's table say it.
    public var meaning: String {
        switch self {
        case .success: "success"
        case .failure: "any other failure"
        case .unreadable: "the address is outside the arena, or in a page that is not backed"
        case .usage: "wrong arguments or options"
        case .dataError: "a damaged input file (theme, recording, BTF, shape)"
        case .noInput: "no such map id, pin, map name or file"
        case .notArena: "the map is not an arena"
        case .unavailable: "the kernel cannot do it (no arenas, no BPF or BTF), or the arena went away"
        case .cannotCreate: "an output cannot be made: a recording that exists (without --force), a port in use, a textfile that cannot be written"
        case .noPermission: "not permitted: a capability is missing, or a security policy (an LSM, kernel lockdown) refuses"
        case .noTerminal: "the inspector cannot use the terminal: not one, or TERM unset, dumb or unknown"
        }
    }
}

/// An error arenascope reports as one line and an exit status.
public struct CLIError: Error, CustomStringConvertible {
    public let message: String
    public let status: ExitStatus

    public init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    public var description: String { message }

    private static func status(of error: LiveError) -> ExitStatus {
        switch error {
        case .noSuchMap, .noSuchPin: .noInput
        case .notArena: .notArena
        case .notPermitted, .refusedByPolicy, .lockedDown: .noPermission
        case .unsupported, .gone, .released: .unavailable
        case .unreadable: .unreadable
        case .torn, .system: .failure
        }
    }

    private static func status(of error: ExportError) -> ExitStatus {
        switch error {
        case .unknownHost: .usage
        case .cannotListen(_, let code): code == EACCES || code == EPERM ? .noPermission : .cannotCreate
        case .cannotWrite: .cannotCreate
        }
    }

    private static func status(of error: RecordingError) -> ExitStatus {
        switch error {
        case .notFound: .noInput
        case .notARecording, .unsupportedVersion, .damaged: .dataError
        case .noSuchFrame: .usage
        case .cannotCreate: .cannotCreate
        case .io: .failure
        }
    }

    /// Maps the library errors arenascope knows to their messages and statuses.
    public init(_ error: any Error) {
        switch error {
        case let error as CLIError: self = error
        case let error as ReadError: self.init(error.description, status: .unreadable)
        case let error as EmulationError: self.init(error.description, status: .usage)
        case let error as LiveError: self.init(error.description, status: Self.status(of: error))
        case let error as RecordingError: self.init(error.description, status: Self.status(of: error))
        case let error as ExportError: self.init(error.description, status: Self.status(of: error))
        case let error as ShapeError:
            switch error {
            case .syntax: self.init(error.description, status: .dataError)
            case .unknown: self.init(error.description, status: .usage)
            case let .file(_, _, missing): self.init(error.description, status: missing ? .noInput : .dataError)
            }
        case let error as BTFFileError:
            if case .notFound = error { self.init(error.description, status: .noInput) } else { self.init(error.description, status: .dataError) }
        case let error as TypeError:
            switch error {
            case .unknownType: self.init(error.description, status: .usage)
            case .badBTF: self.init(error.description, status: .dataError)
            case .noTypes: self.init(error.description, status: .unavailable)
            case .unreadable: self.init(error.description, status: .unreadable)
            }
        case let error as ThemeError:
            if case .notFound = error { self.init(error.description, status: .usage) } else { self.init(error.description, status: .dataError) }
        case let error as TerminalError: self.init(error.description, status: .noTerminal)
        default: self.init(String(describing: error), status: .failure)
        }
    }
}
