import ArgumentParser
import ArenaModel
import ArenaEmulator
import ArenaLive
import ArenaRecording
import ArenaTypes

/// Chooses what to look at: an emulated arena, a live one, or a recording.
struct SourceOptions: ParsableArguments {
    @Option(
        name: .customLong("emulate"), help: ArgumentHelp("Run an emulated arena with WORKLOAD (see 'arenascope workloads').", valueName: "workload"),
        completion: .list(WorkloadCatalog.names))
    var workload: String?

    @Option(help: "Seed of the emulated workload.")
    var seed: UInt64 = 1

    @Option(help: "Workload steps to run before looking (at most 10000000; a step takes 1-3 microseconds).")
    var steps: UInt64 = 0

    /// Up to about half a minute of emulation.
    static let maximumSteps: UInt64 = 10_000_000

    @Option(help: ArgumentHelp("Size of the emulated arena in pages (default: the workload's own).", valueName: "n"))
    var pages: UInt32?

    @Flag(help: "Create the emulated arena with BPF_F_NO_USER_CONV (32-bit pointers).")
    var noUserConv = false

    @Flag(help: "Create the emulated arena with BPF_F_SEGV_ON_FAULT.")
    var segvOnFault = false

    @Option(
        name: .customLong("map-id"), help: ArgumentHelp("Attach to the live arena with this BPF map id.", valueName: "id"),
        completion: .custom { _, _, prefix in Completions.arenaIDs().filter { $0.hasPrefix(prefix) } })
    var mapID: UInt32?

    @Option(name: .customLong("pin"), help: ArgumentHelp("Attach to the live arena pinned at this bpffs path.", valueName: "path"), completion: .file())
    var pinPath: String?

    @Option(
        name: .customLong("name"),
        help: ArgumentHelp(
            "Attach to the live arena whose map has this name (as bpftool's 'name NAME'; several of one name: choose with --map-id).", valueName: "name"))
    var mapName: String?

    @Flag(help: "Hold the live arena open so it outlives its programs (post-mortem inspection).")
    var keepAlive = false

    @Option(name: .customLong("replay"), help: ArgumentHelp("Replay a recording.", valueName: "file"), completion: .file(extensions: ["arec"]))
    var replayFile: String?

    @Option(help: ArgumentHelp("Frame of the recording to look at (default 0, the first).", valueName: "i"))
    var frame: Int?

    @Option(
        name: .customLong("btf"),
        help: ArgumentHelp(
            "More types: a BPF object (its .BTF section and, through pahole, its DWARF) or a raw BTF file, for types the programs' BTF lacks or only declares (repeatable).",
            valueName: "file"), completion: .file())
    var btfFiles: [String] = []

    @Option(
        name: .customLong("shape"),
        help: ArgumentHelp(
            "What the types do not say: cast roots, counted arrays, containers, owned memory (docs/shapes.md; repeatable). A NAME.shape beside a --btf object, and the programs' own in ~/.config/arenascope/shapes/, are read too.",
            valueName: "file"), completion: .file(extensions: ["shape"]))
    var shapeFiles: [String] = []

    func validate() throws {
        guard chosenCount <= 1 else { throw ValidationError("choose only one source of --emulate, --map-id, --pin, --name and --replay") }
        if keepAlive && mapID == nil && pinPath == nil && mapName == nil { throw ValidationError("--keep-alive goes with --map-id, --pin or --name") }
        if frame != nil && replayFile == nil { throw ValidationError("--frame goes with --replay") }
        if pages == 0 { throw ValidationError("--pages must be at least 1") }
        if steps > Self.maximumSteps { throw ValidationError("--steps must be at most \(Self.maximumSteps)") }
        if workload == nil && (noUserConv || segvOnFault || pages != nil || steps != 0) {
            throw ValidationError("--pages, --steps, --no-user-conv and --segv-on-fault go with --emulate")
        }
    }

    private var chosenCount: Int { [workload != nil, mapID != nil, pinPath != nil, mapName != nil, replayFile != nil].filter { $0 }.count }

    /// True when the command line names a source.
    var isChosen: Bool { chosenCount == 1 }

    /// Runs `steps` workload steps, with a progress line on a terminal when that takes a while.
    private func advance(_ source: EmulatedSource, named name: String, by steps: UInt64) {
        let progress = ProgressLine()
        let start = monotonicSeconds()
        var done: UInt64 = 0
        while done < steps {
            let chunk = min(steps - done, 50_000)
            source.advance(chunk)
            done += chunk
            if monotonicSeconds() - start > 0.5 { progress.show("running \(name): step \(done) of \(steps)") }
        }
        progress.finish()
    }

    /// Opens the source, with the types of any `--btf` files added, and the shapes of any
    /// `--shape` files and of those found beside the `--btf` files.
    func open() throws -> ArenaSource {
        let shapes = try btfFiles.compactMap { path throws in try ShapeFile.beside(path) } + shapeFiles.map { path throws in try ShapeFile.load(path) }
        let source = try openAlone()
        guard !btfFiles.isEmpty || !shapes.isEmpty else { return source }
        return SourceWithTypes(source, adding: try btfFiles.flatMap { path throws in try Self.loadTypes(path) }, shapes: shapes)
    }

    /// The id of the one arena whose map is called `name` (compared as the kernel keeps
    /// names: 15 characters); none is 66, several 64 with their ids.
    static func arenaID(named name: String) throws -> UInt32 {
        let ids = try LiveSource.arenaIDs(named: name)
        guard ids.count == 1 else {
            if ids.isEmpty { throw CLIError("no arena is named '\(name.terminalSafe)' (arenascope list shows them)", status: .noInput) }
            throw CLIError(
                "\(ids.count) arenas are named '\(name.terminalSafe)' (ids \(ids.map(String.init).joined(separator: ", "))): choose one with --map-id",
                status: .usage)
        }
        return ids[0]
    }

    /// The types of a `--btf` file; where an object's DWARF could not be read, says so on stderr
    /// (the types it uses only through locals are there alone).
    static func loadTypes(_ path: String) throws -> [TypeBlob] {
        let loaded = try BTFFile.load(path)
        if let unread = loaded.dwarfUnread {
            printError(
                "arenascope: note: \(path.terminalSafe): its .BTF is read, its DWARF is not (\(unread.why)); types the program uses only through locals are in its DWARF alone"
            )
        }
        return loaded.blobs
    }

    private func openAlone() throws -> ArenaSource {
        guard isChosen else {
            throw CLIError("choose a source: --emulate WORKLOAD, --map-id ID, --pin PATH, --name NAME or --replay FILE (see 'arenascope help')", status: .usage)
        }
        if let workload {
            var flags: ArenaFlags = []
            if noUserConv { flags.insert(.noUserConv) }
            if segvOnFault { flags.insert(.segvOnFault) }
            let source = try EmulatedSource(workload: workload, seed: seed, pages: pages, flags: flags)
            advance(source, named: workload, by: steps)
            return source
        }
        if let mapName {
            return try LiveSource(mapID: try Self.arenaID(named: mapName), keepAlive: keepAlive)
        }
        if mapID != nil || pinPath != nil {
            return try mapID.map { try LiveSource(mapID: $0, keepAlive: keepAlive) }
                ?? LiveSource(pinnedAt: pinPath!, keepAlive: keepAlive)
        }
        let reader = try RecordingReader(path: replayFile!)
        let name = replayFile!.split(separator: "/").last.map(String.init) ?? replayFile!
        return try ReplaySource(reader: reader, name: name, frame: frame ?? 0)
    }

    /// The map id of the live arena chosen by --map-id or --pin; nil for other sources.
    func liveMapID() throws -> UInt32? {
        if let mapID { return mapID }
        guard let pinPath else { return nil }
        return try LiveSource.mapID(pinnedAt: pinPath)
    }

    /// Opens the source and takes one sample of it (retried by the sampling backend when torn).
    func openSampled() throws -> (source: ArenaSource, snapshot: Snapshot) {
        let source = try open()
        return (source, try Self.sample(source))
    }

    /// One sample of `source`, taken again while torn (the sampling backend's rule).
    static func sample(_ source: ArenaSource) throws -> Snapshot {
        try SamplingBackend(source: source, clock: monotonicSeconds).snapshot()
    }
}
