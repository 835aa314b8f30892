import ArgumentParser
import ArenaModel
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
            has a "note" and is never read.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let snapshot = try source.openSampled().snapshot
        if output.json {
            var json = JSONWriter()
            json.beginObject()
            json.roots(snapshot.roots, in: snapshot.geometry)
            json.endObject()
            print(json.text)
            return
        }
        guard !snapshot.roots.isEmpty else {
            printError("arenascope: no roots: the programs keep no arena globals or pointers into this arena in maps with BTF")
            return
        }
        for line in RootsText.lines(snapshot.roots, in: snapshot.geometry) { print(line) }
    }
}
