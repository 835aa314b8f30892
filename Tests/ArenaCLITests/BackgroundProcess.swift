import ArenaExport
import Foundation
import Glibc

/// A program left running while a test talks to it (the exporter, Prometheus): its output
/// goes to files, and it is stopped with SIGTERM (SIGKILL after 5 s) when the test is done.
final class BackgroundProcess {
    let pid: pid_t
    private let outputFolder: URL

    init(_ executable: String, _ arguments: [String]) throws {
        outputFolder = FileManager.default.temporaryDirectory.appendingPathComponent("background-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFolder.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outputFolder.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BinaryRunner.Failure(message: "cannot run \(executable): errno \(spawned)") }
        self.pid = pid
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: outputFolder)
    }

    var stderr: String { (try? String(contentsOf: outputFolder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: outputFolder.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }

    /// True while the program runs (it is reaped once it has exited).
    var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Waits until `condition` holds, at most `timeout` seconds; false when it never did.
    func wait(upTo timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// Stops the program: SIGTERM, then SIGKILL after 5 s. Returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) != 0 { return (status >> 8) & 0xff }
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return 128 + SIGKILL
    }
}

/// The body of a GET to a loopback port, or nil when nothing answered.
func httpGet(port: UInt16, path: String) -> String? {
    LoopbackClient.get(port: port, path: path)
}

/// A loopback port nothing listens on now (the kernel's pick for port 0).
func freeLoopbackPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1 }
    }
    return UInt16(bigEndian: address.sin_port)
}
