import ArenaModel
import ArenaSignals
import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server for scrapers: `GET /metrics` (and HEAD) answers with the page
/// `render` makes in the format the Accept header asks for; other paths get 404, other
/// methods 405. One thread, poll(2) over the listening socket and the open connections:
/// a request's head may be at most `maxRequestBytes` (431 past it) and must arrive within
/// `requestTimeout` seconds (the connection is closed), so no client can stall the others;
/// at most `maxConnections` are open at once (more are closed at once).
public final class MetricsServer: Sendable {
    public static let maxRequestBytes = 8192
    public static let requestTimeout = 5.0
    public static let maxConnections = 64

    private let listener: Int32
    /// The port bound (the one asked for, or the kernel's choice for port 0).
    public let port: UInt16

    /// Binds and listens on `address`.
    public init(_ address: ListenAddress) throws(ExportError) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address.host.isEmpty ? nil : address.host, String(address.port), &hints, &found) == 0, let first = found else {
            throw .unknownHost(address.host)
        }
        defer { freeaddrinfo(found) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .cannotListen(address: address.description, errno: errno) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw .cannotListen(address: address.description, errno: code)
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = withUnsafeBytes(of: bound) { bytes in UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self)) }
        listener = fd
    }

    deinit { close(listener) }

    private struct Connection {
        let fd: Int32
        let deadline: Double
        var received: [UInt8] = []
    }

    /// Answers requests on a thread of its own until the returned handle is stopped.
    public func start(render: @escaping @Sendable (ExpositionFormat) -> String) -> ServingThread {
        ServingThread(self, render: render)
    }

    /// Answers requests until `stop` returns true (checked at least every 200 ms).
    func serve(until stop: () -> Bool, render: (ExpositionFormat) -> String) {
        var connections: [Connection] = []
        while !stop() {
            var polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            polled += connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            _ = retryingInterrupted { poll(&polled, nfds_t(polled.count), 200) }
            let now = monotonicSeconds()
            var open: [Connection] = []
            for (index, var connection) in connections.enumerated() {
                switch polled[index + 1].revents != 0 ? receive(&connection) : .waiting {
                case .request(let head):
                    respond(connection.fd, head, render)
                    close(connection.fd)
                case .tooLarge:
                    send(connection.fd, status: "431 Request Header Fields Too Large", body: "request too large\n")
                    close(connection.fd)
                case .closed:
                    close(connection.fd)
                case .waiting:
                    if connection.deadline < now { close(connection.fd) } else { open.append(connection) }
                }
            }
            connections = open
            if polled[0].revents & Int16(POLLIN) != 0 { acceptAll(&connections, now: now) }
        }
        for connection in connections { close(connection.fd) }
    }

    private func acceptAll(_ connections: inout [Connection], now: Double) {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if connections.count >= Self.maxConnections {
                close(fd)
            } else {
                connections.append(Connection(fd: fd, deadline: now + Self.requestTimeout))
            }
        }
    }

    private enum Received {
        case request(String)
        case tooLarge
        case closed
        case waiting
    }

    /// Reads what arrived: the request's head once it is complete.
    private func receive(_ connection: inout Connection) -> Received {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return .closed }
        guard count > 0 else { return .waiting }
        connection.received += chunk[0..<count]
        if let end = connection.received.firstRange(of: Array("\r\n\r\n".utf8)), end.lowerBound <= Self.maxRequestBytes {
            return .request(String(decoding: connection.received[..<end.lowerBound], as: UTF8.self))
        }
        return connection.received.count > Self.maxRequestBytes ? .tooLarge : .waiting
    }

    private func respond(_ fd: Int32, _ head: String, _ render: (ExpositionFormat) -> String) {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            send(fd, status: "400 Bad Request", body: "bad request\n")
            return
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard method == "GET" || method == "HEAD" else {
            send(fd, status: "405 Method Not Allowed", body: "only GET /metrics\n", extra: "Allow: GET, HEAD\r\n")
            return
        }
        switch path {
        case "/metrics":
            let accept = lines.dropFirst().first { $0.lowercased().hasPrefix("accept:") }.map { String($0.dropFirst(7)) }
            let format = ExpositionFormat(accept: accept)
            send(fd, status: "200 OK", body: render(format), contentType: format.contentType, headOnly: method == "HEAD")
        case "/":
            send(fd, status: "200 OK", body: "arenascope exporter: metrics at /metrics\n", headOnly: method == "HEAD")
        default:
            send(fd, status: "404 Not Found", body: "not found: metrics are at /metrics\n")
        }
    }

    private func send(_ fd: Int32, status: String, body: String, contentType: String = "text/plain; charset=utf-8",
                      extra: String = "", headOnly: Bool = false) {
        let payload = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\n\(extra)Connection: close\r\n\r\n"
        write(fd, Array(head.utf8) + (headOnly ? [] : payload))
    }

    /// Writes all of `bytes`, waiting for the socket at most `requestTimeout` in all.
    private func write(_ fd: Int32, _ bytes: [UInt8]) {
        let deadline = monotonicSeconds() + Self.requestTimeout
        var sent = 0
        while sent < bytes.count && monotonicSeconds() < deadline {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                sent += count
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&waiting, 1, 100)
            } else {
                return
            }
        }
    }
}

/// A server answering on its own thread: the exporter's, and its tests' and benchmarks'.
public final class ServingThread: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    fileprivate init(_ server: MetricsServer, render: @escaping @Sendable (ExpositionFormat) -> String) {
        Thread { [self] in
            server.serve(until: { self.stopping.load(ordering: .acquiring) }, render: render)
            stopped.store(true, ordering: .releasing)
        }.start()
    }

    /// Stops answering and waits for the thread to finish (at most the server's 200 ms poll).
    public func stop() {
        stopping.store(true, ordering: .releasing)
        while !stopped.load(ordering: .acquiring) { usleep(1_000) }
    }
}
