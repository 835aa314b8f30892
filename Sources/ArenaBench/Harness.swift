import ArenaModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One benchmark figure: what was measured, and the target it is held against.
struct Figure {
    let name: String
    let value: Double
    let unit: String
    let target: Double
    /// True when larger values are better (throughput), false for costs (time, memory).
    let higherIsBetter: Bool

    var meetsTarget: Bool { higherIsBetter ? value >= target : value <= target }

    var line: String {
        let comparison = higherIsBetter ? ">=" : "<="
        return
            "\(name.padded(46)) \(format(value).leftPadded(14)) \(unit.padded(8)) target \(comparison) \(format(target)) \(unit)  \(meetsTarget ? "ok" : "MISSED")"
    }

    private func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : value >= 1 || value == 0 ? roundedText(value, places: 2) : String(format: "%.2g", value)
    }
}

/// A named group of figures measured together (the issue each comes from in its name).
struct BenchmarkCase: Sendable {
    let name: String
    let run: @Sendable () throws -> [Figure]
}

/// Seconds `body` takes.
func secondsTaken(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicSeconds()
    try body()
    return monotonicSeconds() - start
}

/// The median of `repeats` timings of `body`, in seconds.
func medianSeconds(repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    try median((0..<repeats).map { _ in try secondsTaken(body) })
}

/// The middle of `values` (the upper middle of an even count).
func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

/// `value` rounded to `places` decimals, as text.
func roundedText(_ value: Double, places: Int) -> String {
    let scale = pow(10, Double(places))
    return String(Double(Int((value * scale).rounded())) / scale)
}

/// Resident memory of this process in bytes, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

extension String {
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// A benchmark that could not run, and why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program to its end with no output; throws unless it exits with `status`.
/// Returns its wall time and its peak resident memory in bytes.
@discardableResult
func runToEnd(_ path: String, _ arguments: [String], status expected: Int32 = 0) throws -> (seconds: Double, peakResident: Int) {
    let run = try spawnAndWait(path, arguments)
    guard run.status == expected else { throw BenchError("\(path) \(arguments.joined(separator: " ")) exited with \(run.status), not \(expected)") }
    return (run.seconds, run.peakResident)
}

/// `runToEnd` with the program's own peak: it is started by a copy of this harness (`--measure`).
/// A spawned program's ru_maxrss starts at its spawner's resident memory (the kernel counts the
/// old image's at exec), and this harness is large by the time the memory cases run.
func runMeasuringPeak(_ path: String, _ arguments: [String], status expected: Int32) throws -> (seconds: Double, peakResident: Int) {
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { throw BenchError("cannot make a pipe") }
    let copy = try spawnAndWait("/proc/self/exe", ["--measure", path] + arguments, output: pipe[1]) { close(pipe[1]) }
    defer { close(pipe[0]) }
    let report = FileHandle(fileDescriptor: pipe[0]).readDataToEndOfFile()
    let fields = (String(data: report, encoding: .utf8) ?? "").split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    guard copy.status == 0, fields.count == 3 else { throw BenchError("the measuring copy of this harness failed") }
    guard Int32(fields[0]) == expected else { throw BenchError("\(path) \(arguments.joined(separator: " ")) exited with \(Int(fields[0])), not \(expected)") }
    return (fields[1], Int(fields[2]))
}

/// The `--measure PATH ARGS...` mode: runs the program and prints its exit status, seconds and peak bytes.
func measureAndReport(_ command: [String]) -> Never {
    guard let path = command.first, let run = try? spawnAndWait(path, Array(command.dropFirst())) else { exit(1) }
    print(run.status, run.seconds, run.peakResident)
    exit(0)
}

/// Spawns a program with stderr (and stdout, unless `output` names a descriptor) on /dev/null and
/// waits for it. `spawned` runs once it is started.
func spawnAndWait(
    _ path: String, _ arguments: [String], output: Int32? = nil, spawned: () -> Void = {}
) throws -> (status: Int32, seconds: Double, peakResident: Int) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let output { posix_spawn_file_actions_adddup2(&actions, output, 1) } else { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = monotonicSeconds()
    let spawnedOK = posix_spawn(&pid, path, &actions, nil, argv, environ) == 0
    spawned()
    guard spawnedOK else { throw BenchError("cannot run \(path)") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = monotonicSeconds() - start
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exitStatus, seconds, usage.ru_maxrss * 1024)
}

/// The release arenascope built beside this harness.
var releaseBinary: String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arenascope").path
}

/// The package's binary when scripts/package built it (or ARENASCOPE_BINARY), else the release build.
var packagedBinary: String {
    ProcessInfo.processInfo.environment["ARENASCOPE_BINARY"]
        ?? [".build/package/root/usr/bin/arenascope", releaseBinary].first { FileManager.default.isExecutableFile(atPath: $0) } ?? releaseBinary
}
