import Foundation
import Glibc

/// Runs the built `arenascope` binary (or another program) with a deadline.
///
/// It spawns and reaps children itself (posix_spawn, poll, waitpid) instead of using
/// Foundation's `Process`, whose exit monitoring was seen to miss a child's exit on a
/// CI machine and hang the whole run.
enum BinaryRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static var binary: URL {
        let testBundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBundle.deletingLastPathComponent().appendingPathComponent("arenascope")
    }

    /// Runs to completion with standard input from /dev/null; kills the child and throws
    /// after `timeout` seconds. `captureOutput: false` gives the child /dev/null for every
    /// stream (for programs that leave a daemon behind holding them).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: URL? = nil,
        timeout: Double = 60, captureOutput: Bool = true
    ) throws -> Result {
        let path = (executable ?? binary).path
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw Failure(message: "pipe: errno \(errno)") }
            (outPipe + errPipe).forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        if captureOutput { close(outPipe[1]); close(errPipe[1]) }
        guard spawned == 0 else {
            if captureOutput { close(outPipe[0]); close(errPipe[0]) }
            throw Failure(message: "cannot run \(path): errno \(spawned)")
        }
        var collector = OutputCollector(fds: captureOutput ? [outPipe[0], errPipe[0]] : [])
        defer { collector.closeAll() }
        let deadline = monotonicNow() + timeout
        var status: Int32 = 0
        while true {
            collector.pump(waitMilliseconds: 20)
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if monotonicNow() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(message: "\(path) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
            }
        }
        // The child is gone; take what it wrote without waiting on descendants that hold the pipes.
        collector.pump(waitMilliseconds: 0)
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: collector.text(0), stderr: collector.text(1))
    }

    static func json(_ arguments: [String]) throws -> Any {
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure(message: "exit \(result.status): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Drains a child's output pipes as they fill, so a chatty child never blocks on a full pipe.
private struct OutputCollector {
    private var fds: [Int32]
    private var open: [Bool]
    private var data: [[UInt8]]

    init(fds: [Int32]) {
        self.fds = fds
        open = fds.map { _ in true }
        data = fds.map { _ in [] }
    }

    /// Reads whatever is ready, waiting at most `waitMilliseconds` for the first byte.
    mutating func pump(waitMilliseconds: Int32) {
        var wait = waitMilliseconds
        while open.contains(true) {
            var polls = fds.indices.filter { open[$0] }.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            guard poll(&polls, nfds_t(polls.count), wait) > 0 else { return }
            wait = 0
            for entry in polls where entry.revents != 0 {
                guard let index = fds.firstIndex(of: entry.fd) else { continue }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 { data[index] += buffer[0..<count] } else { open[index] = false }
            }
        }
    }

    func text(_ index: Int) -> String { index < data.count ? String(decoding: data[index], as: UTF8.self) : "" }

    mutating func closeAll() {
        fds.forEach { close($0) }
        fds = []
        open = []
    }
}
