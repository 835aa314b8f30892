import ArgumentParser
import ArenaModel
import ArenaText

/// `arenascope snapshot`: the whole arena at one moment.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Print the page states, free ranges, stats and roots of an arena.",
        discussion: "With --json the output is one object: source, page_size, max_pages, user_vm_start, user_vm_end, flags, runs, free_ranges, stats and roots."
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let snapshot = try source.openSampled().snapshot
        print(output.json ? SnapshotJSON.encode(snapshot) : SnapshotText.summary(snapshot))
    }
}

/// The human-readable form of a snapshot.
enum SnapshotText {
    static func summary(_ snapshot: Snapshot) -> String {
        let geometry = snapshot.geometry
        let stats = snapshot.stats
        var lines: [String] = []
        let details = snapshot.source.details.map { "\($0.key)=\(describe($0.value))" }.joined(separator: " ")
        lines.append("source     \(snapshot.source.kind.rawValue) \(details)")
        lines.append(
            "arena      \(hex(geometry.userVMStart))-\(hex(geometry.userVMEnd))  \(geometry.maxPages) pages of \(geometry.pageSize) bytes  flags: \(geometry.flags.names.joined(separator: ","))"
        )
        lines.append("pages      \(stats.countsText)")
        lines.append("free space \(stats.freeRanges) ranges, largest \(stats.largestFree) pages, fragmentation \(percentText(stats.fragmentation))")
        lines.append("extents    \(stats.backedExtents) runs of backed pages")
        lines += RootsText.lines(snapshot.roots, in: geometry).map { "root       " + $0 }
        return lines.joined(separator: "\n")
    }

    static func describe(_ value: SourceDescriptor.DetailValue) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): String(number)
        }
    }

}
