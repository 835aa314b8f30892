import ArenaExport
import ArenaLive
import ArenaModel
import ArenaTypes
import Foundation
import Glibc
import Synchronization

/// The exporter's figures (issue 16): its CPU at the default interval, a scrape, the cost of
/// --objects, and how fast the packaged binary starts.
let exportCases: [BenchmarkCase] = [
    BenchmarkCase(name: "exporter: 10 arenas of 65,536 pages (issue 16)") {
        try whereBPFIsAllowed {
            let sampler = try ArenaSampler()
            let arenas = try (0..<10).map { _ in try FragmentedLiveArena(pages: 65_536, ranges: 1000, sampler: sampler) }
            defer { arenas.forEach { $0.release() } }
            let collector = try HealthCollector(objects: nil)
            var healths = collector.collect()
            precondition(healths.count >= 10, "\(healths.count) arenas")
            let passes = 20
            let cpuStart = processCPUSeconds()
            for _ in 0..<passes { healths = collector.collect() }
            let cpuPerPass = (processCPUSeconds() - cpuStart) / Double(passes)
            let render = medianSeconds(repeats: 51) {
                _ = MetricsExposition.render(healths, durations: collector.durations, withObjects: false, format: .prometheus)
            }
            let scrape = try scrapeSeconds(healths, durations: collector.durations)
            return [
                Figure(
                    name: "CPU at the default 10 s interval (\(roundedText(cpuPerPass * 1000, places: 2)) ms a pass)", value: cpuPerPass / 10 * 100,
                    unit: "% core", target: 0.1, higherIsBetter: false),
                Figure(name: "a scrape, server side: rendering 10 arenas", value: render * 1000, unit: "ms", target: 5, higherIsBetter: false),
                Figure(name: "a scrape over loopback, request to last byte", value: scrape * 1000, unit: "ms", target: 5, higherIsBetter: false),
            ]
        }
    },
    BenchmarkCase(name: "exporter --objects: a 1M-object arena (issue 16)") {
        try whereBPFIsAllowed {
            let fd = try LiveWorkload.createArena(pages: 8192)
            defer { close(fd) }
            let workload = try LiveWorkload(mainArenaFD: fd)
            _ = try workload.buildHash(count: objectNodes, buckets: objectBuckets)
            let id = try workload.arenaID
            let plain = try HealthCollector(objects: nil)
            let objects = try HealthCollector(objects: ObjectTraversal.Options(maxObjects: 2_000_000))
            let counted = objects.collect().first { $0.id == id }?.objects?.types.reduce(0) { $0 + $1.count } ?? 0
            precondition(counted >= Int(objectNodes), "the exporter walked \(counted) objects")
            let cost = { (collector: HealthCollector) -> (wall: Double, cpu: Double) in
                let cpu = processCPUSeconds()
                let wall = secondsTaken { _ = collector.collect() }
                return (wall, processCPUSeconds() - cpu)
            }
            let withObjects = (0..<3).map { _ in cost(objects) }.sorted { $0.wall < $1.wall }[1]
            let without = (0..<3).map { _ in cost(plain) }.sorted { $0.wall < $1.wall }[1]
            return [
                Figure(
                    name: "a pass with --objects (\(roundedText(without.wall * 1000, places: 2)) ms without)", value: withObjects.wall, unit: "s", target: 1,
                    higherIsBetter: false),
                Figure(
                    name: "--objects CPU at its default 60 s interval (\(roundedText(withObjects.cpu / 10 * 100, places: 2))% at 10 s)",
                    value: withObjects.cpu / 60 * 100, unit: "% core", target: 0.5, higherIsBetter: false),
            ]
        }
    },
    BenchmarkCase(name: "exporter under abuse: 500 idle and 128 half-sent heads open (issue 21)") {
        let server = try MetricsServer(ListenAddress("127.0.0.1:0")!)
        let page = String(repeating: "arenascope_arena_pages{id=\"1\",state=\"free\"} 1\n", count: 200)
        let serving = server.start { _ in page }
        defer { serving.stop() }
        let bad = (0..<628).compactMap { _ in LoopbackClient.connection(port: server.port) }
        defer { bad.forEach { close($0) } }
        precondition(bad.count == 628, "\(bad.count) connections opened")
        for fd in bad[500...] { _ = Array("GET /metrics HTTP/1.1\r\n".utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        let scrapes = try (0..<100).map { _ in try secondsTaken { try scrape(port: server.port) } }.sorted()
        let parallel = parallelScrapes(200, port: server.port)
        return [
            Figure(name: "a scrape's p99 beside 628 bad clients", value: scrapes[98] * 1000, unit: "ms", target: 1000, higherIsBetter: false),
            Figure(name: "200 scrapers at once: p99 (\(parallel.failed) failed)", value: parallel.p99 * 1000, unit: "ms", target: 1000, higherIsBetter: false),
            Figure(name: "200 scrapers at once: failed", value: Double(parallel.failed), unit: "scrapes", target: 0, higherIsBetter: false),
        ]
    },
    BenchmarkCase(name: "packaged binary start (issue 16)") {
        let path = packagedBinary
        let start = try median((0..<21).map { _ in try secondsTaken { try runToEnd(path, ["--version"]) } })
        return [Figure(name: "\(path) --version", value: start * 1000, unit: "ms", target: 50, higherIsBetter: false)]
    },
]

/// Median seconds of a GET /metrics through the exporter's server over loopback.
private func scrapeSeconds(_ healths: [ArenaHealth], durations: SampleDurations) throws -> Double {
    let server = try MetricsServer(ListenAddress("127.0.0.1:0")!)
    let serving = server.start { format in MetricsExposition.render(healths, durations: durations, withObjects: false, format: format) }
    defer { serving.stop() }
    return try median((0..<51).map { _ in try secondsTaken { try scrape(port: server.port) } })
}

/// `count` scrapes started at once, each on its own thread: how many failed, and the p99.
private func parallelScrapes(_ count: Int, port: UInt16) -> (failed: Int, p99: Double) {
    let times = Mutex<[Double?]>([])
    let threads = (0..<count).map { _ in
        Thread {
            let start = monotonicSeconds()
            let answered = (try? scrape(port: port)) != nil
            times.withLock { $0.append(answered ? monotonicSeconds() - start : nil) }
        }
    }
    threads.forEach { $0.start() }
    while times.withLock({ $0.count }) < count { usleep(5_000) }
    let answered = times.withLock { $0.compactMap { $0 } }.sorted()
    return (count - answered.count, answered.isEmpty ? .infinity : answered[min(answered.count - 1, answered.count * 99 / 100)])
}

private func scrape(port: UInt16) throws {
    guard LoopbackClient.exchange(port: port, request: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") != nil else {
        throw BenchError("the exporter answered nothing")
    }
}
