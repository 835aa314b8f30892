import Foundation
import Glibc
import Synchronization
import Testing
import ArenaModel
@testable import ArenaExport

/// The server on a loopback port the kernel picks, answering from its own thread.
final class RunningServer: Sendable {
    let server: MetricsServer
    private let serving: ServingThread

    /// `page` is the Prometheus answer.
    init(maxConnections: Int = MetricsServer.defaultMaxConnections, page: String = "metric 1\n") throws {
        server = try MetricsServer(ListenAddress("127.0.0.1:0")!, maxConnections: maxConnections)
        serving = server.start { format in format == .openMetrics ? "open\n# EOF\n" : page }
    }

    func stop() { serving.stop() }

    /// Sends `request` and reads the whole answer; nil when nothing answered.
    func exchange(_ request: String, readTimeout: Int = 10) -> String? {
        LoopbackClient.exchange(port: server.port, request: request, timeout: readTimeout)
    }
}

@Suite struct MetricsServerTests {
    @Test func metricsInTheFormatTheScraperAsksForAndNothingElse() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let plain = try #require(running.exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(plain.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(plain.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(plain.hasSuffix("\r\n\r\nmetric 1\n"))
        let open = try #require(running.exchange("GET /metrics?x=1 HTTP/1.1\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n"))
        #expect(open.contains("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n") && open.hasSuffix("# EOF\n"))
        let head = try #require(running.exchange("HEAD /metrics HTTP/1.1\r\n\r\n"))
        #expect(head.hasPrefix("HTTP/1.1 200 OK") && head.hasSuffix("\r\n\r\n"))
        #expect(running.exchange("GET /other HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 404 ") == true)
        let post = try #require(running.exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
        #expect(post.hasPrefix("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD\r\n"))
        #expect(running.exchange("nonsense\r\n\r\n")?.hasPrefix("HTTP/1.1 400 ") == true)
    }

    @Test func oversizedAndSlowRequestsAreCutOffWithoutStallingOthers() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let huge = "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: MetricsServer.maxRequestBytes) + "\r\n\r\n"
        #expect(running.exchange(huge)?.hasPrefix("HTTP/1.1 431 ") == true)
        // A client that sends half a request and waits: others are answered meanwhile, and
        // it is cut off after the request timeout.
        let slowStart = monotonicSeconds()
        let slow = Atomic<Bool>(false)
        Thread {
            _ = running.exchange("GET /met", readTimeout: 20)
            slow.store(true, ordering: .releasing)
        }.start()
        usleep(200_000)
        let start = monotonicSeconds()
        #expect(running.exchange("GET /metrics HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 200 OK") == true)
        #expect(monotonicSeconds() - start < 1, "answered while the slow client waits")
        while !slow.load(ordering: .acquiring) { usleep(10_000) }
        let waited = monotonicSeconds() - slowStart
        #expect(waited >= MetricsServer.requestTimeout - 0.5 && waited < MetricsServer.requestTimeout + 3, "cut off after \(waited) s")
    }

    @Test func aRequestWhoseLinesEndInABareLFIsAnswered() throws {
        #expect(HTTPExchange.headLength(Array("GET / HTTP/1.1\r\nA: b\r\n\r\nrest".utf8)) == 24)
        #expect(HTTPExchange.headLength(Array("GET / HTTP/1.1\nA: b\n\nrest".utf8)) == 21)
        #expect(HTTPExchange.headLength(Array("GET / HTTP/1.1\nA: b\r\n\r".utf8)) == nil)
        let running = try RunningServer()
        defer { running.stop() }
        let answer = try #require(running.exchange("GET /metrics HTTP/1.0\nAccept: application/openmetrics-text\n\n", readTimeout: 2))
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("# EOF\n"))
    }

    @Test func aFullTableMakesRoomByClosingTheOldestClientStillSendingItsHead() throws {
        let running = try RunningServer(maxConnections: 8)
        defer { running.stop() }
        let idle = try (0..<8).map { _ in try #require(LoopbackClient.connection(port: running.server.port)) }
        defer { idle.forEach { close($0) } }
        usleep(300_000)
        let start = monotonicSeconds()
        #expect(running.exchange("GET /metrics HTTP/1.1\r\n\r\n", readTimeout: 3)?.hasPrefix("HTTP/1.1 200 OK") == true)
        #expect(monotonicSeconds() - start < 1)
        #expect(closedByServer(idle[0]), "the oldest idle connection made room")
        #expect(!closedByServer(idle[7]), "a newer idle connection is still open")
    }

    /// 500 idle connections, 64 that sent half a head and 64 trickling a byte at a time
    /// stay open while a normal scrape is answered within a second, and 200 scrapers at once
    /// are all answered.
    @Test func underAbuseEveryScrapeIsAnsweredWithinASecond() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let port = running.server.port
        let idle = try (0..<500).map { _ in try #require(LoopbackClient.connection(port: port)) }
        let halves = try (0..<64).map { _ in try #require(LoopbackClient.connection(port: port)) }
        let tricklers = try (0..<64).map { _ in try #require(LoopbackClient.connection(port: port)) }
        defer { (idle + halves + tricklers).forEach { close($0) } }
        for fd in halves { _ = Array("GET /metrics HTTP/1.1\r\nHost:".utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        let trickling = Atomic<Bool>(true)
        let trickled = Atomic<Bool>(false)
        Thread {
            while trickling.load(ordering: .acquiring) {
                for fd in tricklers { _ = [UInt8(ascii: "G")].withUnsafeBytes { send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) } }
                usleep(100_000)
            }
            trickled.store(true, ordering: .releasing)
        }.start()
        defer {
            trickling.store(false, ordering: .releasing)
            while !trickled.load(ordering: .acquiring) { usleep(10_000) }
        }
        usleep(300_000)
        var slowest = 0.0
        for _ in 0..<10 {
            let start = monotonicSeconds()
            #expect(running.exchange("GET /metrics HTTP/1.1\r\n\r\n", readTimeout: 3)?.hasPrefix("HTTP/1.1 200 OK") == true)
            slowest = max(slowest, monotonicSeconds() - start)
        }
        #expect(slowest < 1, "the slowest of 10 scrapes beside 628 bad clients took \(slowest) s")
        #expect(!closedByServer(idle[499]), "idle clients were held, not refused, while there was room")

        let answered = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        for _ in 0..<200 {
            Thread {
                if running.exchange("GET /metrics HTTP/1.1\r\n\r\n", readTimeout: 5)?.hasSuffix("metric 1\n") == true {
                    answered.add(1, ordering: .relaxed)
                }
                finished.add(1, ordering: .releasing)
            }.start()
        }
        let deadline = monotonicSeconds() + 30
        while finished.load(ordering: .acquiring) < 200 && monotonicSeconds() < deadline { usleep(10_000) }
        #expect(answered.load(ordering: .relaxed) == 200, "of 200 parallel scrapers")
    }

    /// Clients that ask and never read a large answer fill their sockets; the one thread
    /// goes on answering others, and closes them once their time to take it is up.
    @Test func clientsThatNeverReadTheirAnswerHoldNobodyUp() throws {
        let page = String(repeating: "arenascope_arena_pages{arena=\"1\",state=\"free\"} 1\n", count: 200_000)
        let running = try RunningServer(page: page)
        defer { running.stop() }
        let port = running.server.port
        let stalled = try (0..<16).map { _ in try #require(LoopbackClient.connection(port: port)) }
        defer { stalled.forEach { close($0) } }
        for fd in stalled {
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            _ = Array("GET /metrics HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        usleep(200_000)
        var slowest = 0.0
        for _ in 0..<5 {
            let start = monotonicSeconds()
            let answer = running.exchange("GET /metrics HTTP/1.1\r\n\r\n", readTimeout: 5)
            slowest = max(slowest, monotonicSeconds() - start)
            #expect(answer?.hasSuffix(page) == true, "the whole page, \(page.utf8.count) bytes")
        }
        #expect(slowest < 1, "the slowest of 5 scrapes beside 16 clients that never read took \(slowest) s")
        #expect(!closedByServer(stalled[0]), "held while their time to read lasts")
    }

    @Test func aPortInUseIsAClearError() throws {
        let running = try RunningServer()
        defer { running.stop() }
        #expect(throws: ExportError.cannotListen(address: "127.0.0.1:\(running.server.port)", errno: EADDRINUSE)) {
            _ = try MetricsServer(ListenAddress(host: "127.0.0.1", port: running.server.port))
        }
        #expect(throws: ExportError.unknownHost("no.such.host.invalid")) { _ = try MetricsServer(ListenAddress("no.such.host.invalid:1")!) }
    }
}

/// Whether the server has closed `fd`: end of file (or a reset) without waiting.
private func closedByServer(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
    return count == 0 || (count < 0 && errno != EAGAIN)
}
