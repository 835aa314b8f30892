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

    init() throws {
        server = try MetricsServer(ListenAddress("127.0.0.1:0")!)
        serving = server.start { format in format == .openMetrics ? "open\n# EOF\n" : "metric 1\n" }
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

    @Test func aPortInUseIsAClearError() throws {
        let running = try RunningServer()
        defer { running.stop() }
        #expect(throws: ExportError.cannotListen(address: "127.0.0.1:\(running.server.port)", errno: EADDRINUSE)) {
            _ = try MetricsServer(ListenAddress(host: "127.0.0.1", port: running.server.port))
        }
        #expect(throws: ExportError.unknownHost("no.such.host.invalid")) { _ = try MetricsServer(ListenAddress("no.such.host.invalid:1")!) }
    }
}
