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
                  let maps = try? String(contentsOfFile: "/proc/\(entry)/maps", encoding: .utf8) else { return nil }
            for line in maps.split(separator: "\n") where line.hasPrefix(wanted) && line.hasSuffix("anon_inode:bpf-map") {
                return pid
            }
            return nil
        }.sorted()
    }

    /// A process's command name from `/proc/PID/comm` (any process may set it to any bytes:
    /// print it terminal-safe), or "?" when it cannot be read.
    static func command(of pid: Int32) -> String {
        guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/comm"), let data = try? handle.read(upToCount: 64) else { return "?" }
        try? handle.close()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }
}
