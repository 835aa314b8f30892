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
        let range = withRange
            ? [userRange.rightPadded(to: 39), record.flags.names.filter { $0 != "mmapable" }.joined(separator: ",").rightPadded(to: 6)]
            : []
        return ([String(record.id).leftPadded(to: 6), record.name.terminalSafe.rightPadded(to: 16), String(record.maxPages).leftPadded(to: 6)]
            + states + range + [arena.pids.map(String.init).joined(separator: ",")]).joined(separator: "  ")
    }
}
