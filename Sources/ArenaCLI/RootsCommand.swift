import ArgumentParser
import ArenaModel
import ArenaLive
import ArenaText

/// `arenascope roots`: where the data structures in an arena start.
struct RootsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roots",
        abstract: "List the named, typed entry points of an arena: its programs' arena globals and the pointers into it their maps hold.",
        discussion: """
            Live arenas: every __arena global of the programs that use the arena (origin "arena global"), and every \
            arena address held in their global maps (.bss, .data, .rodata) and array maps with BTF, named by variable \
            and field path (origin "map NAME"); a void * or an integer holding an arena address is an untyped root. \
            Emulated arenas: the workload's structures. Recordings: the roots recorded. \
            With --json: {"roots": [{"name", "addr", "type", "origin", "next_offset"}]}; a root outside the arena \
            has a "note" and is never read. Where the kernel refuses the sampler (kernel lockdown's confidentiality \
            mode), live roots come from the programs' info and maps alone.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let (roots, geometry) = try found()
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.roots(roots, in: geometry)
            json.endObject()
            print(json.printed)
            return
        }
        guard !roots.isEmpty else {
            printError("arenascope: no roots: the programs keep no arena globals or pointers into this arena in maps with BTF")
            return
        }
        for line in RootsText.lines(roots, in: geometry) { print(line) }
    }

    /// The roots from a sample; for a live arena whose sampler the kernel refuses (lockdown,
    /// a policy), from the programs' info and maps alone, which need no kernel memory.
    private func found() throws -> (roots: [StructureRoot], geometry: ArenaGeometry) {
        do {
            let snapshot = try source.openSampled().snapshot
            return (snapshot.roots, snapshot.geometry)
        } catch let error as LiveError where error.leavesMapInfo {
            guard let id = try source.liveMapID() else { throw error }
            let (geometry, roots) = try LiveRoots.withoutSampler(mapID: id)
            return (roots, geometry)
        }
    }
}
