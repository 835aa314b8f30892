import ArgumentParser
import ArenaModel
import ArenaLive
import ArenaText

/// `arenascope list`: every arena on the system.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the BPF arenas on this system (needs CAP_BPF and CAP_PERFMON: run as root).")

    @OptionGroup var output: OutputOptions

    func run() throws {
        let arenas = try ArenaSampler().arenas()
        if output.json {
            var json = JSONWriter()
            json.beginArray()
            for arena in arenas {
                let record = arena.record
                json.beginObject()
                json.number(record.id, "id")
                json.string(record.name, "name")
                json.number(record.maxPages, "max_pages")
                json.flags(record.flags, "flags")
                json.number(record.userVMStart, "user_vm_start")
                json.number(record.userVMEnd, "user_vm_end")
                json.number(arena.allocated, "allocated")
                json.number(arena.reserved, "reserved")
                json.number(record.freePages, "free")
                json.beginArray("pids")
                for pid in arena.pids { json.number(pid) }
                json.endArray()
                json.endObject()
            }
            json.endArray()
            print(json.text)
            return
        }
        guard !arenas.isEmpty else {
            print("no arenas on this system (try 'arenascope demo --live' to make one)")
            return
        }
        print("    ID  NAME              PAGES  ALLOCATED  RESERVED  USER RANGE                               FLAGS  PIDS")
        for arena in arenas {
            let record = arena.record
            let range = record.userVMStart == 0 ? "(not mapped yet)" : "\(hex(record.userVMStart))-\(hex(record.userVMEnd))"
            print([
                String(record.id).leftPadded(to: 6), record.name.rightPadded(to: 16), String(record.maxPages).leftPadded(to: 6),
                String(arena.allocated).leftPadded(to: 10), String(arena.reserved).leftPadded(to: 9), range.rightPadded(to: 39),
                record.flags.names.filter { $0 != "mmapable" }.joined(separator: ",").rightPadded(to: 6),
                arena.pids.map(String.init).joined(separator: ","),
            ].joined(separator: "  "))
        }
    }
}
