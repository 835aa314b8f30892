import ArenaModel

/// The two text formats scrapers read: Prometheus's (0.0.4) and OpenMetrics 1.0, which a
/// scraper gets when its Accept header asks for it.
public enum ExpositionFormat: Sendable, Equatable {
    case prometheus
    case openMetrics

    /// The format a request's Accept header asks for (Prometheus's unless OpenMetrics is named).
    public init(accept: String?) {
        self = accept?.lowercased().contains("application/openmetrics-text") == true ? .openMetrics : .prometheus
    }

    public var contentType: String {
        switch self {
        case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}

/// Renders arena health and the exporter's own figures as metrics text. Every series of an
/// arena has the labels `id` and `name`; label values are escaped, so names from BTF or a
/// process's comm cannot break a line.
public enum MetricsExposition {
    public static func render(_ arenas: [ArenaHealth], durations: SampleDurations, withObjects: Bool, format: ExpositionFormat) -> String {
        var text = MetricsText(format: format)
        let arenas = arenas.sorted { $0.id < $1.id }
        text.family("arenascope_arena_pages", "gauge", "Pages of the arena in each state.")
        for arena in arenas {
            for state in PageState.all {
                text.sample("arenascope_arena_pages", arena, [("state", state.name)], Double(arena.stats[state]))
            }
        }
        gauge(&text, "arenascope_arena_max_pages", "The arena's size in pages (max_entries).", arenas) { Double($0.maxPages) }
        gauge(&text, "arenascope_arena_free_ranges", "Maximal ranges of free pages.", arenas) { Double($0.stats.freeRanges) }
        gauge(&text, "arenascope_arena_largest_free_pages", "Pages in the largest free range.", arenas) { Double($0.stats.largestFree) }
        gauge(&text, "arenascope_arena_fragmentation_ratio", "1 - largest free range / free pages: 0 when the free space is one range.", arenas) {
            $0.stats.fragmentation
        }
        text.family("arenascope_arena_info", "gauge", "The programs that use the arena and the processes that map it, as labels.")
        for arena in arenas {
            text.sample(
                "arenascope_arena_info", arena, [("programs", arena.programs.joined(separator: ",")), ("processes", arena.processes.joined(separator: ","))], 1)
        }
        if withObjects {
            let counted = arenas.filter { $0.objects != nil }
            byType(&text, "arenascope_arena_objects", "Objects the roots reach, by type.", counted) { $0.objects!.types.map { ($0.type, Double($0.count)) } }
            byType(&text, "arenascope_arena_object_bytes", "Bytes of the objects the roots reach, by type.", counted) {
                $0.objects!.types.map { ($0.type, Double($0.bytes)) }
            }
            gauge(&text, "arenascope_arena_unreached_pages", "Backed pages nothing from the roots reaches (leak candidates).", counted) {
                Double($0.objects!.unreachedPages)
            }
            gauge(&text, "arenascope_arena_bad_pointers", "Pointers from reached objects into free or reserved pages, or out of the arena.", counted) {
                Double($0.objects!.badPointers)
            }
            gauge(
                &text, "arenascope_arena_container_objects", "Objects typed as the container of the member a pointer leads to (inferred, or from a shape).",
                counted
            ) {
                Double($0.objects!.containerObjects)
            }
            gauge(&text, "arenascope_arena_ambiguous_objects", "Objects counted as the type pointed to because several containers fit them alike.", counted) {
                Double($0.objects!.ambiguousObjects)
            }
            gauge(&text, "arenascope_arena_untyped_pages", "Pages reached only through untyped pointers (void *, unions that stay ambiguous).", counted) {
                Double($0.objects!.untypedPages)
            }
            byType(
                &text, "arenascope_arena_live_objects", "Live objects by type, as the allocator's own bookkeeping marks them (recognised slab allocators).",
                counted
            ) {
                $0.objects!.live.map { ($0.type, Double($0.count)) }
            }
            gauge(&text, "arenascope_arena_object_leaks", "Live allocator slots that nothing reached from the roots points to but the allocator.", counted) {
                Double($0.objects!.objectLeaks)
            }
            gauge(&text, "arenascope_arena_stale_pointers", "Pointers reached from the roots to free allocator slots (use after free).", counted) {
                Double($0.objects!.stalePointers)
            }
            gauge(&text, "arenascope_arena_invariant_violations", "Live objects that break a check their shape declares.", counted) {
                Double($0.objects!.invariantViolations)
            }
            gauge(
                &text, "arenascope_arena_fragment_count_mismatches", "Pages whose page-fragment allocator count disagrees with the objects reached on them.",
                counted
            ) {
                Double($0.objects!.fragmentMismatches)
            }
            text.family(
                "arenascope_arena_stopped_pointers", "gauge",
                "Pointers and roots the walk could not follow, by the type they lead to and why (declared_only, untyped_root).")
            for arena in counted {
                for stop in arena.objects!.stopped {
                    text.sample("arenascope_arena_stopped_pointers", arena, [("type", stop.type), ("reason", stop.reason)], Double(stop.pointers))
                }
            }
        }
        text.family("arenascope_sample_duration_seconds", "histogram", "Time to sample one arena.")
        for (bound, count) in zip(SampleDurations.bounds, durations.cumulativeCounts) {
            text.line("arenascope_sample_duration_seconds_bucket", [("le", MetricsText.number(bound))], Double(count))
        }
        text.line("arenascope_sample_duration_seconds_bucket", [("le", "+Inf")], Double(durations.count))
        text.line("arenascope_sample_duration_seconds_sum", [], durations.sum)
        text.line("arenascope_sample_duration_seconds_count", [], Double(durations.count))
        text.counter("arenascope_sample_errors", "Samples that failed (torn every time, or another error); never exported.", Double(durations.errors))
        return text.finished()
    }

    private static func gauge(_ text: inout MetricsText, _ name: String, _ help: String, _ arenas: [ArenaHealth], _ value: (ArenaHealth) -> Double) {
        text.family(name, "gauge", help)
        for arena in arenas { text.sample(name, arena, [], value(arena)) }
    }

    /// A gauge family with one sample an arena and type, labelled `type`.
    private static func byType(
        _ text: inout MetricsText, _ name: String, _ help: String, _ arenas: [ArenaHealth],
        _ rows: (ArenaHealth) -> [(type: String, value: Double)]
    ) {
        text.family(name, "gauge", help)
        for arena in arenas {
            for row in rows(arena) { text.sample(name, arena, [("type", row.type)], row.value) }
        }
    }
}

/// Lines of metrics text in one format.
struct MetricsText {
    let format: ExpositionFormat
    private var output = ""

    init(format: ExpositionFormat) { self.format = format }

    mutating func family(_ name: String, _ type: String, _ help: String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// A counter: OpenMetrics names the family without `_total`, its sample with it.
    mutating func counter(_ name: String, _ help: String, _ value: Double) {
        family(format == .openMetrics ? name : name + "_total", "counter", help)
        line(name + "_total", [], value)
    }

    mutating func sample(_ name: String, _ arena: ArenaHealth, _ labels: [(String, String)], _ value: Double) {
        line(name, [("id", String(arena.id)), ("name", arena.name)] + labels, value)
    }

    mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        output += name
        if !labels.isEmpty {
            output += "{" + labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
        }
        output += " " + Self.number(value) + "\n"
    }

    func finished() -> String { format == .openMetrics ? output + "# EOF\n" : output }

    /// A label value with backslash, double quote and line feed escaped, as both formats want.
    static func escaped(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Integers without a fraction, others as Swift prints them (Go's parser reads both).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
