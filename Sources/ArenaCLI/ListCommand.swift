import ArgumentParser
import ArenaModel
import ArenaLive
import ArenaText

/// `arenascope list`: every arena on the system.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the BPF arenas on this system (needs CAP_BPF and CAP_PERFMON: run as root).",
        discussion: """
            Each arena: id, name, pages, pages in each state, user range, flags, the processes that map it, and on a \
            second line the programs that use it, the processes with their command names and where its programs' \
            __arena globals lie (libbpf names every arena "arena": these tell them apart). With --json: [{"id", "name", \
            "max_pages", "flags", "user_vm_start", "user_vm_end", "free", "allocated", "mapped", "reserved", "freeing", \
            "pids": [{"pid", "comm"}] (as bpftool spells it), "programs": [{"id", "name"}], "globals": {"at", "pages"} or null}]. \
            Where the kernel refuses the sampler but not the maps' info (kernel lockdown's confidentiality mode, a \
            security policy), the page states are left out ("?", null in JSON) and stderr says why.
            """)

    @OptionGroup var output: OutputOptions

    /// Every arena with its page states; where the kernel refuses the sampler but not the
    /// maps' info, what needs no kernel memory, saying why the page states are missing.
    private static func arenas() throws(LiveError) -> [LiveArenaSummary] {
        do throws(LiveError) {
            return try ArenaSampler().arenas()
        } catch {
            guard error.leavesMapInfo else { throw error }
            let listed: [LiveArenaSummary]
            do throws(LiveError) {
                listed = try LiveArenaSummary.withoutSampler()
            } catch _ {
                throw error
            }
            printError("arenascope: page states are not shown: \(error)")
            return listed
        }
    }

    func run() throws {
        let arenas = try Self.arenas()
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
                for state in PageState.all {
                    if let pages = arena.pages { json.number(pages[state], state.jsonName) } else { json.null(state.jsonName) }
                }
                // As bpftool spells it: the processes, each with its command name.
                json.beginArray("pids")
                for process in arena.processes {
                    json.beginObject()
                    json.number(process.pid, "pid")
                    json.string(process.comm, "comm")
                    json.endObject()
                }
                json.endArray()
                json.beginArray("programs")
                for program in arena.programs {
                    json.beginObject()
                    json.number(program.id, "id")
                    json.string(program.name, "name")
                    json.endObject()
                }
                json.endArray()
                if let globals = arena.globals {
                    json.beginObject("globals")
                    json.string(globals.place, "at")
                    json.number(globals.pages, "pages")
                    json.endObject()
                } else {
                    json.null("globals")
                }
                json.endObject()
            }
            json.endArray()
            print(json.printed)
            return
        }
        guard !arenas.isEmpty else {
            print("no arenas on this system (\(ArenaListing.demoHint))")
            return
        }
        print(ArenaListing.header(withRange: true))
        for arena in arenas {
            print(ArenaListing.line(arena, withRange: true))
            print("        " + ArenaListing.details(arena))
        }
    }
}
