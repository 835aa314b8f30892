import ArenaModel
import Foundation
import Glibc

/// Types from an object's DWARF, encoded as BTF by pahole (Debian's `dwarves`): clang writes
/// the types a BPF program uses only through locals into its DWARF, not into its `.BTF`.
/// pahole runs on the file the user named, in a private folder, bounded in time and in
/// the size of what it writes.
public struct DWARFTypes: Sendable {
    /// pahole's path; nil when it is not installed.
    public let pahole: String?
    /// Seconds pahole may take on one object before it is stopped.
    public let timeLimit: Double

    /// Looks for pahole on `PATH` (and in `/usr/bin`, `/usr/sbin`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin"]
        self.init(pahole: folders.lazy.map { $0 + "/pahole" }.first { access($0, X_OK) == 0 })
    }

    /// Runs the program at `pahole` for at most `timeLimit` seconds; nil: as if it were not installed.
    public init(pahole: String?, timeLimit: Double = 30) {
        self.pahole = pahole
        self.timeLimit = timeLimit
    }

    /// What `object`'s DWARF describes, as BTF; a sentence on why not when pahole is not
    /// installed, fails, takes too long or writes something that is not BTF.
    public func encode(_ object: String) -> Result<[UInt8], DWARFUnread> {
        guard let pahole else { return .failure(DWARFUnread("pahole is not installed (Debian's dwarves)")) }
        var template = Array((NSTemporaryDirectory() + "/arenascope-pahole-XXXXXX").utf8CString)
        guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            return .failure(DWARFUnread("no private folder for pahole's output: \(String(cString: strerror(errno)))"))
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/types.btf"
        if case .failure(let unread) = Self.run(pahole, ["--btf_encode_detached=" + output, object], timeLimit: timeLimit) { return .failure(unread) }
        guard let handle = FileHandle(forReadingAtPath: output), let data = try? handle.read(upToCount: BTF.maxSize + 1) else {
            return .failure(DWARFUnread("pahole wrote nothing"))
        }
        try? handle.close()
        guard data.count <= BTF.maxSize else { return .failure(DWARFUnread("pahole wrote more than \(BTF.maxSize >> 20) MiB")) }
        let bytes = Array(data)
        do throws(TypeError) { _ = try BTF(bytes) } catch { return .failure(DWARFUnread("pahole wrote bad BTF: \(error.description)")) }
        return .success(bytes)
    }
}

extension DWARFTypes {
    /// Runs `program` with `arguments`, its standard streams on /dev/null, and waits at most
    /// `timeLimit` seconds (then kills it). posix_spawn and waitpid, no run loop: it works as
    /// well in a minimal initramfs as on a desktop.
    static func run(_ program: String, _ arguments: [String], timeLimit: Double) -> Result<Void, DWARFUnread> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { return .failure(DWARFUnread("pahole did not start: \(String(cString: strerror(spawned)))")) }
        let deadline = monotonicSeconds() + timeLimit
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { return .failure(DWARFUnread("pahole could not be waited for: \(String(cString: strerror(errno)))")) }
            if monotonicSeconds() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return .failure(DWARFUnread("pahole took more than \(Int(timeLimit)) s"))
            }
            usleep(2_000)
        }
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        guard status & 0x7F == 0 else { return .failure(DWARFUnread("pahole was killed by signal \(status & 0x7F)")) }
        let code = (status >> 8) & 0xFF
        return code == 0 ? .success(()) : .failure(DWARFUnread("pahole failed (exit \(code))"))
    }
}

/// Why an object's DWARF types could not be read, said as a clause.
public struct DWARFUnread: Error, Sendable, Equatable {
    public let why: String
    public init(_ why: String) { self.why = why }
}
