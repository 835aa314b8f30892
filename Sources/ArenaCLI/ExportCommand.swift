import ArgumentParser
import ArenaExport
import ArenaModel
import ArenaSignals
import ArenaTypes
import Glibc
import Synchronization

/// `arenascope export`: arena health for Prometheus, from every arena on the host.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the health of every arena on this host to Prometheus (needs CAP_BPF and CAP_PERFMON: run as root).",
        discussion: """
            Samples every arena each --interval and serves the figures at http://HOST:PORT/metrics in \
            Prometheus's text format, or OpenMetrics when the scraper asks for it (node_exporter is the model). \
            With --textfile it writes them to PATH instead (atomically, for node_exporter's textfile collector); \
            give --listen too for both. Series, each with the labels id and name: arenascope_arena_pages{state}, \
            arenascope_arena_max_pages, arenascope_arena_free_ranges, arenascope_arena_largest_free_pages, \
            arenascope_arena_fragmentation_ratio, arenascope_arena_info{programs,processes} 1; with --objects \
            also arenascope_arena_objects{type}, arenascope_arena_object_bytes{type}, \
            arenascope_arena_unreached_pages, arenascope_arena_bad_pointers, arenascope_arena_container_objects, \
            arenascope_arena_ambiguous_objects, arenascope_arena_untyped_pages and \
            arenascope_arena_stopped_pointers{type,reason}; and the exporter's own \
            arenascope_sample_duration_seconds (histogram) and arenascope_sample_errors_total. New arenas \
            appear from the next sample, gone ones' series go; torn samples are retried and never exported. \
            Sampling never changes an arena and never keeps one alive. --btf and --shape add types and \
            shapes to the arenas of the programs they belong to, on top of each program's own BTF and \
            ~/.config/arenascope/shapes/PROG.shape; an arena whose walk fails (a shape that does not fit its \
            types) is said once on stderr and keeps its last figures. Exit 64 for a bad --listen, 73 when \
            the port is in use or the textfile cannot be written, 77 when a capability is missing (said at \
            start). SIGINT or SIGTERM stop it.
            """)

    @Option(
        help: ArgumentHelp(
            "Where to serve /metrics: HOST:PORT, [IPv6]:PORT or :PORT for every interface (default \(ListenAddress.defaultValue); beyond loopback only when asked).",
            valueName: "host:port"))
    var listen: String?
    @Option(help: ArgumentHelp("Write the metrics to this file (atomically) instead of serving them.", valueName: "path"))
    var textfile: String?
    @Option(help: ArgumentHelp("Milliseconds between samples of every arena (100 to 3600000; default 10000, 60000 with --objects).", valueName: "ms"))
    var interval: Int?
    @Flag(help: "Also walk every arena's object map (objects by type, unreached pages, bad pointers); it costs more (see the README).")
    var objects = false
    @Option(help: ArgumentHelp("With --objects: most objects to visit per arena (1 to 10000000).", valueName: "n"))
    var maxObjects: Int = 1_000_000
    @Option(
        name: .customLong("btf"),
        help: ArgumentHelp(
            "With --objects: more types for the arenas of the programs FILE holds (a .bpf.o: its .BTF and, through pahole, its DWARF; a raw BTF with no programs: every arena), or of program PROG (repeatable).",
            valueName: "[prog=]file"))
    var btfFiles: [String] = []
    @Option(
        name: .customLong("shape"),
        help: ArgumentHelp(
            "With --objects: a shape file (docs/shapes.md) for the arenas of the program it is named for (PROG.shape), or of program PROG (repeatable); a PROG.shape beside a --btf object goes with it.",
            valueName: "[prog=]file"))
    var shapeFiles: [String] = []
    @Flag(help: "Sample once, print the metrics on stdout (or write them to --textfile) and exit (for scripts, cron and promtool).")
    var once = false
    @Flag(help: "With --once: print OpenMetrics instead of Prometheus's text format.")
    var openmetrics = false

    func validate() throws {
        if let listen, ListenAddress(listen) == nil {
            throw ValidationError("--listen \(listen.terminalSafe): expected HOST:PORT, [IPv6]:PORT or :PORT with a port from 0 to 65535")
        }
        guard (100...3_600_000).contains(intervalMilliseconds) else { throw ValidationError("--interval must be between 100 and 3600000 ms") }
        guard (1...ObjectsCommand.objectLimit).contains(maxObjects) else {
            throw ValidationError("--max-objects must be between 1 and \(ObjectsCommand.objectLimit)")
        }
        if openmetrics && !once { throw ValidationError("--openmetrics goes with --once (a scraper asks for its format itself)") }
        if !objects && !(btfFiles.isEmpty && shapeFiles.isEmpty) { throw ValidationError("--btf and --shape go with --objects (they type the object walk)") }
        if once && listen != nil {
            throw ValidationError("--once prints the metrics (or writes --textfile) and exits: it serves nothing, so --listen does not go with it")
        }
    }

    /// An object walk of a 1M-object arena costs about 0.08 s of a core (see the README's
    /// benchmarks): once a minute keeps --objects near 0.1% of a core.
    var intervalMilliseconds: Int { interval ?? (objects ? 60_000 : 10_000) }

    func run() throws {
        let typeFiles = try ProgramTypeFiles(btf: btfFiles, shapes: shapeFiles, loadBTF: SourceOptions.loadTypes)
        let collector = try HealthCollector(
            objects: objects ? ObjectTraversal.Options(maxObjects: maxObjects) : nil,
            typeFiles: typeFiles
        ) { printError("arenascope: warning: " + $0.terminalSafe) }
        let file = try textfile.map { path throws(ExportError) in try TextfileWriter(path: path) }
        if once {
            let healths = collector.collect()
            let page = MetricsExposition.render(healths, durations: collector.durations, withObjects: objects, format: openmetrics ? .openMetrics : .prometheus)
            if let file { try file.write(page) } else { print(page, terminator: "") }
            return
        }
        // Validated above; with only --textfile nothing is served.
        let address = (listen ?? (textfile == nil ? ListenAddress.defaultValue : nil)).flatMap(ListenAddress.init)
        let server = try address.map { address throws(ExportError) in try MetricsServer(address) }
        let shared = ExportState()
        let signals = SignalWatch([SIGINT, SIGTERM])
        // One pass: its figures go to the server (and the textfile) whole.
        func pass() {
            let healths = collector.collect()
            let durations = collector.durations
            shared.latest.withLock { $0 = (healths, durations) }
            guard let file else { return }
            do {
                try file.write(MetricsExposition.render(healths, durations: durations, withObjects: objects, format: .prometheus))
            } catch {
                printError("arenascope: error: " + error.description)
            }
        }
        // The first pass before the first scrape can come.
        pass()
        var nextSample = monotonicSeconds() + Double(intervalMilliseconds) / 1000
        var serving: ServingThread?
        if let server, let address {
            let served = ListenAddress(host: address.host, port: server.port)
            printError("arenascope: serving http://\(served)/metrics, sampling every \(intervalMilliseconds) ms")
            let withObjects = objects
            serving = server.start { format in
                shared.latest.withLock { MetricsExposition.render($0.healths, durations: $0.durations, withObjects: withObjects, format: format) }
            }
        }
        while !signals.isRaised {
            if monotonicSeconds() >= nextSample {
                pass()
                nextSample += Double(intervalMilliseconds) / 1000
                // A pass longer than the interval: the next one starts now, not in a burst.
                nextSample = max(nextSample, monotonicSeconds())
            }
            sleep(until: nextSample, slice: 0.1, unless: { signals.isRaised })
        }
        serving?.stop()
    }
}

/// What the sampling loop and the server thread share: the last pass's figures.
private final class ExportState: Sendable {
    let latest = Mutex<(healths: [ArenaHealth], durations: SampleDurations)>(([], SampleDurations()))
}
