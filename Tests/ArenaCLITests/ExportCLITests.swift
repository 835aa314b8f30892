import Testing
import LiveTestSupport
import Foundation
import Glibc
import ArenaLive
import ArenaModel

/// `arenascope export` against real arenas, read by a real Prometheus (Debian's package,
/// which scripts/test installs) and checked by promtool.
@Suite(.serialized, .needsLiveArenas) struct ExportCLITests {
    /// An arena of its own with `pages` pages allocated (the fixed address is other suites').
    struct Arena {
        let fd: Int32
        let workload: LiveWorkload
        let id: UInt32

        init(allocated pages: UInt32) throws {
            fd = try LiveWorkload.createArena(pages: 512)
            workload = try LiveWorkload(mainArenaFD: fd)
            id = try workload.arenaID
            #expect(try workload.allocPages(pages) != 0)
        }

        func expectedPages() throws -> ArenaStats { try LiveSource(mapID: id).sample().stats }
    }

    static func promtool(_ arguments: [String], input: String? = nil) throws -> BinaryRunner.Result {
        guard let input else { return try BinaryRunner.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/promtool")) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try input.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // promtool check metrics reads stdin: give it the file through a shell.
        return try BinaryRunner.run(
            ["-c", "/usr/bin/promtool \(arguments.joined(separator: " ")) < \(file.path)"], executable: URL(fileURLWithPath: "/bin/sh"))
    }

    static var prometheusInstalled: Bool {
        let there = FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") && FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
        if !there { Issue.record("Debian's prometheus package is not installed: scripts/test installs it (apt-get install prometheus)") }
        return there
    }

    @Test func onceMatchesASampleAndPassesPromtool() throws {
        let arena = try Arena(allocated: 7)
        defer { close(arena.fd) }
        let result = try BinaryRunner.run(["export", "--once", "--objects"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try arena.expectedPages()
        for state in PageState.all {
            #expect(result.stdout.contains("arenascope_arena_pages{id=\"\(arena.id)\",name=\"arena\",state=\"\(state.name)\"} \(expected[state])\n"))
        }
        #expect(result.stdout.contains("arenascope_arena_max_pages{id=\"\(arena.id)\",name=\"arena\"} 512\n"))
        guard Self.prometheusInstalled else { return }
        let checked = try Self.promtool(["check", "metrics"], input: result.stdout)
        #expect(checked.status == 0, "promtool: \(checked.stdout) \(checked.stderr)")
        let open = try BinaryRunner.run(["export", "--once", "--openmetrics"])
        #expect(open.status == 0 && open.stdout.hasSuffix("# EOF\n"))
    }

    /// For cron and node_exporter's textfile collector: one pass written to the file, nothing
    /// printed (it was printed and the file ignored before, issue 21).
    @Test func onceWritesTheTextfileWhenGivenOne() throws {
        let arena = try Arena(allocated: 3)
        defer { close(arena.fd) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("once-\(UUID().uuidString).prom").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BinaryRunner.run(["export", "--once", "--textfile", path])
        #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stderr)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains("arenascope_arena_pages{id=\"\(arena.id)\",name=\"arena\",state=\"allocated\"} \(try arena.expectedPages()[.allocated])\n"))
        let both = try BinaryRunner.run(["export", "--once", "--listen", "127.0.0.1:0"])
        #expect(both.status == 64 && both.stderr.contains("--listen does not go with it"))
    }

    @Test func badArgumentsAndBusyPortsAreOneLineWithTheirStatus() throws {
        let bad = try BinaryRunner.run(["export", "--listen", "nowhere"])
        #expect(bad.status == 64 && bad.stderrLines.count == 1 && bad.stderr.contains("--listen nowhere"))
        #expect(try BinaryRunner.run(["export", "--interval", "5"]).status == 64)
        let unwritable = try BinaryRunner.run(["export", "--textfile", "/nonexistent/arenascope.prom"])
        #expect(unwritable.status == 73 && unwritable.stderrLines.count == 1 && unwritable.stderr.contains("/nonexistent/arenascope.prom"))
        let port = freeLoopbackPort()
        let first = try BackgroundProcess(BinaryRunner.binary.path, ["export", "--listen", "127.0.0.1:\(port)", "--interval", "200"])
        #expect(first.wait(upTo: 20) { httpGet(port: port, path: "/metrics") != nil }, "the exporter answered: \(first.stderr)")
        let busy = try BinaryRunner.run(["export", "--listen", "127.0.0.1:\(port)"])
        #expect(busy.status == 73 && busy.stderr.contains("the port is in use"))
        #expect(first.stop() == 0, "SIGTERM stops it cleanly")
    }

    @Test func theTextfileIsRewrittenEachPassForNodeExporter() throws {
        let arena = try Arena(allocated: 5)
        defer { close(arena.fd) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("arenascope.prom").path
        let exporter = try BackgroundProcess(BinaryRunner.binary.path, ["export", "--textfile", path, "--interval", "200"])
        let series = "arenascope_arena_max_pages{id=\"\(arena.id)\",name=\"arena\"} 512"
        #expect(exporter.wait(upTo: 20) { (try? String(contentsOfFile: path, encoding: .utf8))?.contains(series) == true }, "\(exporter.stderr)")
        #expect(!exporter.stderr.contains("serving"), "--textfile alone serves nothing")
        #expect(exporter.stop() == 0)
        guard Self.prometheusInstalled else { return }
        let checked = try Self.promtool(["check", "metrics"], input: try String(contentsOfFile: path, encoding: .utf8))
        #expect(checked.status == 0, "promtool: \(checked.stdout) \(checked.stderr)")
    }

    @Test func arenasComeAndGoWhileTheExporterRuns() throws {
        let port = freeLoopbackPort()
        let exporter = try BackgroundProcess(BinaryRunner.binary.path, ["export", "--listen", "127.0.0.1:\(port)", "--interval", "200"])
        var arena: Arena? = try Arena(allocated: 3)
        let id = arena!.id
        let series = "arenascope_arena_max_pages{id=\"\(id)\",name=\"arena\"} 512"
        #expect(exporter.wait(upTo: 20) { httpGet(port: port, path: "/metrics")?.contains(series) == true }, "a new arena appears: \(exporter.stderr)")
        close(arena!.fd)
        arena = nil
        #expect(exporter.wait(upTo: 20) { httpGet(port: port, path: "/metrics").map { !$0.contains("id=\"\(id)\"") } == true }, "a gone arena's series go")
        #expect(exporter.isRunning)
    }

    @Test func theObjectWalkDoesNotKeepAGoneArenaAliveUntilTheNextPass() throws {
        let port = freeLoopbackPort()
        // A pass a minute: an arena the walk's reader held would outlive its owner by that much.
        let exporter = try BackgroundProcess(BinaryRunner.binary.path, ["export", "--objects", "--listen", "127.0.0.1:\(port)", "--interval", "60000"])
        var arena: Arena? = try Arena(allocated: 2)
        _ = try arena!.workload.buildList(count: 50)
        let id = arena!.id
        #expect(
            exporter.wait(upTo: 30) { httpGet(port: port, path: "/metrics")?.contains("arenascope_arena_objects{id=\"\(id)\"") == true },
            "the walk reached the list: \(exporter.stderr)")
        close(arena!.fd)
        arena = nil
        let sampler = try ArenaSampler()
        #expect(exporter.wait(upTo: 10) { (try? sampler.records())?.contains { $0.id == id } == false }, "the arena went with its owner")
    }

    @Test func prometheusScrapesTheExporter() throws {
        guard Self.prometheusInstalled else { return }
        let arena = try Arena(allocated: 11)
        defer { close(arena.fd) }
        let expected = try arena.expectedPages()
        let exporterPort = freeLoopbackPort()
        let exporter = try BackgroundProcess(BinaryRunner.binary.path, ["export", "--listen", "127.0.0.1:\(exporterPort)", "--interval", "500"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: arenascope
            static_configs:
              - targets: ['127.0.0.1:\(exporterPort)']
        """.write(to: config, atomically: true, encoding: .utf8)
        let prometheusPort = freeLoopbackPort()
        let prometheus = try BackgroundProcess(
            "/usr/bin/prometheus",
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(prometheusPort)", "--log.level=warn",
            ])
        defer { prometheus.stop(); exporter.stop() }
        let query = "arenascope_arena_pages%7Bid%3D%22\(arena.id)%22%2Cstate%3D%22allocated%22%7D"
        var answer: [String: Any]?
        let found = prometheus.wait(upTo: 60) {
            guard let body = httpGet(port: prometheusPort, path: "/api/v1/query?query=\(query)"),
                let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let results = (json["data"] as? [String: Any])?["result"] as? [[String: Any]], let first = results.first
            else { return false }
            answer = first
            return true
        }
        #expect(found, "Prometheus has the series (prometheus: \(prometheus.stderr), exporter: \(exporter.stderr))")
        let value = (answer?["value"] as? [Any])?.last as? String
        #expect(value == String(expected[.allocated]), "Prometheus's value is the arena's allocated pages")
        #expect((answer?["metric"] as? [String: String])?["job"] == "arenascope")
    }

    @Test func theDocumentedAlertRulesAndDashboardUseOnlyExportedSeries() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let rules = root.appendingPathComponent("docs/prometheus/arenascope-alerts.yml")
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(try String(contentsOf: rules, encoding: .utf8)), "the README shows the rules file as it is")
        let exported = try BinaryRunner.run(["export", "--once", "--objects"]).stdout
        let families = Set(exported.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        let names = families.union(families.flatMap { ["\($0)_bucket", "\($0)_sum", "\($0)_count"] })
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("docs/dashboards/arenascope.json"))) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions =
            panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
            + [try String(contentsOf: rules, encoding: .utf8)]
        #expect(expressions.count >= 10)
        for expression in expressions {
            let used = expression.matches(of: /arenascope_[a-z_]+/).map { String($0.output) }
            #expect(!used.isEmpty && used.allSatisfy(names.contains), "\(used.filter { !names.contains($0) }) in \(expression)")
        }
        guard Self.prometheusInstalled else { return }
        let checked = try Self.promtool(["check", "rules", rules.path])
        #expect(checked.status == 0, "promtool: \(checked.stdout) \(checked.stderr)")
    }
}
