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
    public static let timeLimit = 30.0

    /// Looks for pahole on `PATH` (and in `/usr/bin`, `/usr/sbin`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin"]
        self.init(pahole: folders.lazy.map { $0 + "/pahole" }.first { access($0, X_OK) == 0 })
    }

    /// Runs the program at `pahole`; nil: as if it were not installed.
    public init(pahole: String?) { self.pahole = pahole }

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pahole)
        process.arguments = ["--btf_encode_detached=" + output, object]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(DWARFUnread("pahole did not start: \(error.localizedDescription)")) }
        let deadline = Date().addingTimeInterval(Self.timeLimit)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return .failure(DWARFUnread("pahole took more than \(Int(Self.timeLimit)) s"))
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return .failure(DWARFUnread("pahole failed (exit \(process.terminationStatus))"))
        }
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

/// Why an object's DWARF types could not be read, said as a clause.
public struct DWARFUnread: Error, Sendable, Equatable {
    public let why: String
    public init(_ why: String) { self.why = why }
}
