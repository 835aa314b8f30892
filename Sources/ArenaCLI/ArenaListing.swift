import ArenaLive
import ArenaModel
import ArenaText

/// The live arenas as lines of a table, for `list` and the picker: one column for each
/// page state.
enum ArenaListing {
    private static func width(_ state: PageState) -> Int { max(9, state.name.count) }

    /// The column titles; `withRange` adds the user range and flags.
    static func header(withRange: Bool) -> String {
        let states = PageState.all.map { $0.name.uppercased().leftPadded(to: width($0)) }
        let range = withRange ? ["USER RANGE".rightPadded(to: 39), "FLAGS "] : []
        return (["    ID", "NAME".rightPadded(to: 16), " PAGES"] + states + range + ["PIDS"]).joined(separator: "  ")
    }

    static func line(_ arena: LiveArenaSummary, withRange: Bool) -> String {
        let record = arena.record
        let states = PageState.all.map { state in (arena.pages.map { String($0[state]) } ?? "?").leftPadded(to: width(state)) }
        let userRange = record.userVMStart == 0 ? "(not mapped yet)" : "\(hex(record.userVMStart))-\(hex(record.userVMEnd))"
        let range =
            withRange
            ? [userRange.rightPadded(to: 39), record.flags.names.filter { $0 != "mmapable" }.joined(separator: ",").rightPadded(to: 6)]
            : []
        return
            ([String(record.id).leftPadded(to: 6), record.name.terminalSafe.rightPadded(to: 16), String(record.maxPages).leftPadded(to: 6)]
            + states + range + [arena.pids.map(String.init).joined(separator: ",")]).joined(separator: "  ")
    }

    /// What to say after "no arenas on this system": where this process can create one,
    /// that `demo --live` makes one; otherwise why it cannot.
    static var demoHint: String {
        guard let refusal = LiveDiagnosis.arenaCreation else { return "'arenascope demo --live' makes a real one" }
        return "'arenascope demo --live' cannot make one here: \(refusal)"
    }

    /// "programs 12 add_elems, 13 build_list · processes 2181 loader · globals 1 page at the start":
    /// what tells arenas of one name apart. Names from the kernel and /proc printed terminal-safe.
    static func details(_ arena: LiveArenaSummary) -> String {
        var parts = ["programs " + (arena.programs.isEmpty ? "none" : arena.programs.map { "\($0.id) \($0.name)" }.joined(separator: ", "))]
        if !arena.processes.isEmpty { parts.append("processes " + arena.processes.map { "\($0.pid) \($0.comm)" }.joined(separator: ", ")) }
        if let globals = arena.globals {
            let place = globals.place == "start" || globals.place == "end" ? "at the \(globals.place)" : "at \(globals.place)"
            parts.append("globals \(globals.pages) page\(globals.pages == 1 ? "" : "s") \(place)")
        }
        return parts.joined(separator: " · ").terminalSafe
    }
}
