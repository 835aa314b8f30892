import ArenaLive

/// Values the shell completions offer that only the running system knows.
enum Completions {
    /// The live arenas' map ids, where this user may list maps; none otherwise (a completion
    /// never prints an error).
    static func arenaIDs() -> [String] {
        ((try? LiveSource.arenaIDs()) ?? []).map(String.init)
    }
}
