import Testing
import ArenaModel
@testable import ArenaExport

@Suite struct MetricsExpositionTests {
    static func health(id: UInt32, name: String, free: UInt32, allocated: UInt32, objects: ObjectFigures? = nil) -> ArenaHealth {
        var builder = PageMapBuilder()
        builder.append(.allocated, count: allocated)
        builder.append(.free, count: free)
        let pages = builder.build(pageCount: free + allocated, fill: .free)
        return ArenaHealth(
            id: id, name: name, maxPages: free + allocated, stats: ArenaStats(pages), programs: ["build_list", "churn"],
            processes: ["loader"], objects: objects)
    }

    @Test func everyStateOfEveryArenaIsASeriesWithIdAndName() {
        let text = MetricsExposition.render(
            [Self.health(id: 9, name: "b", free: 10, allocated: 6), Self.health(id: 3, name: "a", free: 4, allocated: 0)],
            durations: SampleDurations(), withObjects: false, format: .prometheus)
        for state in PageState.all {
            #expect(text.contains("arenascope_arena_pages{id=\"3\",name=\"a\",state=\"\(state.name)\"} "))
        }
        #expect(text.contains("arenascope_arena_pages{id=\"9\",name=\"b\",state=\"allocated\"} 6\n"))
        #expect(text.contains("arenascope_arena_max_pages{id=\"9\",name=\"b\"} 16\n"))
        #expect(text.contains("arenascope_arena_largest_free_pages{id=\"9\",name=\"b\"} 10\n"))
        #expect(text.contains("arenascope_arena_info{id=\"9\",name=\"b\",programs=\"build_list,churn\",processes=\"loader\"} 1\n"))
        #expect(text.range(of: "id=\"3\"")!.lowerBound < text.range(of: "id=\"9\"")!.lowerBound, "arenas in id order")
        #expect(!text.contains("arenascope_arena_objects"), "object series only with --objects")
        #expect(!text.contains("# EOF"))
    }

    @Test func labelValuesAreEscaped() {
        let hostile = "x\"} 1\nevil_metric 2 \\"
        let text = MetricsExposition.render(
            [Self.health(id: 1, name: hostile, free: 1, allocated: 1)], durations: SampleDurations(),
            withObjects: false, format: .prometheus)
        #expect(text.contains(#"name="x\"} 1\nevil_metric 2 \\""#))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("evil_metric") })
    }

    @Test func objectSeriesComeWithObjects() {
        var figures = ObjectFigures(types: [(type: "struct node", count: 12, bytes: 384)], unreachedPages: 5, badPointers: 2)
        (figures.containerObjects, figures.ambiguousObjects, figures.untypedPages) = (10, 3, 4)
        figures.stopped = [(type: "struct sdt_chunk", reason: "declared_only", pointers: 7)]
        let text = MetricsExposition.render(
            [Self.health(id: 1, name: "a", free: 1, allocated: 9, objects: figures)], durations: SampleDurations(),
            withObjects: true, format: .prometheus)
        #expect(text.contains("arenascope_arena_objects{id=\"1\",name=\"a\",type=\"struct node\"} 12\n"))
        #expect(text.contains("arenascope_arena_object_bytes{id=\"1\",name=\"a\",type=\"struct node\"} 384\n"))
        #expect(text.contains("arenascope_arena_unreached_pages{id=\"1\",name=\"a\"} 5\n"))
        #expect(text.contains("arenascope_arena_bad_pointers{id=\"1\",name=\"a\"} 2\n"))
        #expect(text.contains("arenascope_arena_container_objects{id=\"1\",name=\"a\"} 10\n"))
        #expect(text.contains("arenascope_arena_ambiguous_objects{id=\"1\",name=\"a\"} 3\n"))
        #expect(text.contains("arenascope_arena_untyped_pages{id=\"1\",name=\"a\"} 4\n"))
        #expect(text.contains("arenascope_arena_stopped_pointers{id=\"1\",name=\"a\",type=\"struct sdt_chunk\",reason=\"declared_only\"} 7\n"))
    }

    @Test func theHistogramIsCumulativeAndOpenMetricsNamesCountersItsWay() {
        var durations = SampleDurations()
        durations.record(seconds: 0.0004)
        durations.record(seconds: 0.003)
        durations.record(seconds: 9)
        durations.recordError()
        let text = MetricsExposition.render([], durations: durations, withObjects: false, format: .openMetrics)
        #expect(text.contains("arenascope_sample_duration_seconds_bucket{le=\"0.0005\"} 1\n"))
        #expect(text.contains("arenascope_sample_duration_seconds_bucket{le=\"0.005\"} 2\n"))
        #expect(text.contains("arenascope_sample_duration_seconds_bucket{le=\"2.5\"} 2\n"))
        #expect(text.contains("arenascope_sample_duration_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("arenascope_sample_duration_seconds_count 3\n"))
        #expect(text.contains("# TYPE arenascope_sample_errors counter\narenascope_sample_errors_total 1\n"))
        #expect(text.hasSuffix("# EOF\n"))
        let prometheus = MetricsExposition.render([], durations: durations, withObjects: false, format: .prometheus)
        #expect(prometheus.contains("# TYPE arenascope_sample_errors_total counter\n"))
    }

    @Test func theAcceptHeaderPicksTheFormat() {
        #expect(ExpositionFormat(accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5") == .openMetrics)
        #expect(ExpositionFormat(accept: "text/plain") == .prometheus)
        #expect(ExpositionFormat(accept: nil) == .prometheus)
    }

    @Test func listenAddressesParse() {
        #expect(ListenAddress("127.0.0.1:9479") == ListenAddress(host: "127.0.0.1", port: 9479))
        #expect(ListenAddress("[::1]:80") == ListenAddress(host: "::1", port: 80))
        #expect(ListenAddress(":9100") == ListenAddress(host: "", port: 9100))
        for bad in ["", "9479", "host:", "host:70000", "::1:80", "[::1]80", "[]:80", "a:b"] { #expect(ListenAddress(bad) == nil, "\(bad)") }
        #expect(ListenAddress("127.0.0.2:1")!.isLoopback && !ListenAddress("0.0.0.0:1")!.isLoopback)
    }
}
