import ArenaModel
import Foundation

/// Which processes map an arena, from the kernel's record of its mappings or /proc.
enum ProcessMappings {
    /// The processes that map the arena: as the kernel names them (mm owners) where it can,
    /// else those with a BPF-map mapping of exactly the arena's range, which two arenas at the
    /// same address in different processes would share.
    static func processes(of record: ArenaRecord) -> [Int32] {
        if record.mappingCount == 0 { return [] }
        return record.mappingProcesses ?? processes(mapping: record.userVMStart, end: record.userVMEnd)
    }

    /// Processes with a mapping of `[start, end)` backed by a BPF map (`anon_inode:bpf-map`).
    static func processes(mapping start: UInt64, end: UInt64) -> [Int32] {
        guard start != 0, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let wanted = String(start, radix: 16) + "-" + String(end, radix: 16) + " "
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let maps = text(of: "/proc/\(entry)/maps")
            else { return nil }
            for line in maps.split(separator: "\n") where line.hasPrefix(wanted) && line.hasSuffix("anon_inode:bpf-map") {
                return pid
            }
            return nil
        }.sorted()
    }

    /// The processes holding an fd of each BPF map, by map id (`map_id:` in
    /// `/proc/PID/fdinfo/FD` of each fd that is a `anon_inode:bpf-map`).
    static func mapHolders() -> [UInt32: [Int32]] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var holders: [UInt32: Set<Int32>] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd") else { continue }
            for fd in fds {
                guard (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)")) == "anon_inode:bpf-map",
                    let info = text(of: "/proc/\(entry)/fdinfo/\(fd)"),
                    let line = info.split(separator: "\n").first(where: { $0.hasPrefix("map_id:") }),
                    let id = UInt32(line.dropFirst("map_id:".count).trimmingCharacters(in: .whitespaces))
                else { continue }
                holders[id, default: []].insert(pid)
            }
        }
        return holders.mapValues { $0.sorted() }
    }

    /// Where `pids` map a BPF map (`anon_inode:bpf-map`) exactly `length` bytes long: the
    /// candidates for an arena's user address, found without the sampler.
    static func starts(ofMapping length: UInt64, in pids: [Int32]) -> Set<UInt64> {
        Set(
            pids.flatMap { pid -> [UInt64] in
                guard let maps = text(of: "/proc/\(pid)/maps") else { return [] }
                return maps.split(separator: "\n").compactMap { line -> UInt64? in
                    guard line.hasSuffix("anon_inode:bpf-map"), let range = line.split(separator: " ").first else { return nil }
                    let bounds = range.split(separator: "-").compactMap { UInt64($0, radix: 16) }
                    return bounds.count == 2 && bounds[1] > bounds[0] && bounds[1] - bounds[0] == length ? bounds[0] : nil
                }
            })
    }

    /// The whole text of a /proc file, read to its end (Foundation's `contentsOfFile` stops
    /// short on files whose size reads as 0, as /proc's do: it lost the end of long maps).
    static func text(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            return nil
        }
    }

    /// A process's command name from `/proc/PID/comm` (any process may set it to any bytes:
    /// print it terminal-safe), or "?" when it cannot be read.
    static func command(of pid: Int32) -> String {
        guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/comm"), let data = try? handle.read(upToCount: 64) else { return "?" }
        try? handle.close()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }
}
