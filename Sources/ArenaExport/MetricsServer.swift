import ArenaModel
import ArenaSignals
import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server for scrapers: `GET /metrics` (and HEAD) answers with the page
/// `render` makes in the format the Accept header asks for (`HTTPExchange`). One thread,
/// poll(2) over the listening socket and every open connection, nothing blocking: a
/// request's head may be at most `maxRequestBytes` (431 past it) and must arrive within
/// `requestTimeout` seconds of the connection, its answer must be taken within as long
/// again, else the connection is closed. The table of connections is bounded (by
/// `maxConnections` and the process's file limit); when it is full, the oldest connection
/// still sending its head is closed to make room, so idle, slow or trickling clients can
/// delay a scrape by one poll at most, never lock scrapers out.
public final class MetricsServer: Sendable {
    public static let maxRequestBytes = 8192
    public static let requestTimeout = 5.0
    public static let defaultMaxConnections = 1024
    /// File descriptors kept free of connections for everything else the process opens.
    static let reservedDescriptors = 64

    private let listener: Int32
    /// The port bound (the one asked for, or the kernel's choice for port 0).
    public let port: UInt16
    /// How many connections are held open at once.
    public let maxConnections: Int

    /// Binds and listens on `address`, holding at most `maxConnections` connections (fewer
    /// where the process's open-file limit is lower).
    public init(_ address: ListenAddress, maxConnections: Int = MetricsServer.defaultMaxConnections) throws(ExportError) {
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
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, SOMAXCONN) == 0 else {
            let code = errno
            close(fd)
            throw .cannotListen(address: address.description, errno: code)
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = withUnsafeBytes(of: bound) { bytes in UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self)) }
        listener = fd
        var files = rlimit()
        let fileLimit = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files) == 0 && files.rlim_cur < rlim_t(Int.max) ? Int(files.rlim_cur) : Int.max
        self.maxConnections = max(1, min(maxConnections, fileLimit - Self.reservedDescriptors))
    }

    deinit { close(listener) }

    /// One client: the head it has sent so far, then the answer being written to it.
    private struct Connection {
        let fd: Int32
        /// When it was accepted: the oldest connection still sending its head makes room first.
        let accepted: Double
        /// When it is closed unfinished: for its head, then for taking its answer.
        var deadline: Double
        var received: [UInt8] = []
        var answer: [UInt8]?
        var sent = 0
    }

    /// Answers requests on a thread of its own until the returned handle is stopped.
    public func start(render: @escaping @Sendable (ExpositionFormat) -> String) -> ServingThread {
        ServingThread(self, render: render)
    }

    /// Answers requests until `stop` returns true (checked at least every 200 ms).
    func serve(until stop: () -> Bool, render: (ExpositionFormat) -> String) {
        var connections: [Connection] = []
        var acceptingAgain = 0.0
        while !stop() {
            let listening = monotonicSeconds() >= acceptingAgain
            var polled = [pollfd(fd: listening ? listener : -1, events: Int16(POLLIN), revents: 0)]
            polled += connections.map { pollfd(fd: $0.fd, events: Int16($0.answer == nil ? POLLIN : POLLOUT), revents: 0) }
            _ = retryingInterrupted { poll(&polled, nfds_t(polled.count), 200) }
            let now = monotonicSeconds()
            var open: [Connection] = []
            open.reserveCapacity(connections.count)
            for (index, var connection) in connections.enumerated() {
                let finished = polled[index + 1].revents != 0 && advance(&connection, now: now, render: render)
                if finished || connection.deadline < now { close(connection.fd) } else { open.append(connection) }
            }
            connections = open
            if polled[0].revents & Int16(POLLIN) != 0, !acceptAll(&connections, now: now) { acceptingAgain = now + 0.1 }
        }
        for connection in connections { close(connection.fd) }
    }

    /// Accepts every waiting connection, making room by closing the oldest still sending
    /// its head. False when the process is out of descriptors and nothing could make room.
    private func acceptAll(_ connections: inout [Connection], now: Double) -> Bool {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE: if closeOldestWaiting(&connections) { continue } else { return false }
                default: return true
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if connections.count < maxConnections || closeOldestWaiting(&connections) {
                connections.append(Connection(fd: fd, accepted: now, deadline: now + Self.requestTimeout))
            } else {
                close(fd)
            }
        }
    }

    private func closeOldestWaiting(_ connections: inout [Connection]) -> Bool {
        let waiting = connections.indices.filter { connections[$0].answer == nil }
        guard let oldest = waiting.min(by: { connections[$0].accepted < connections[$1].accepted }) else { return false }
        close(connections[oldest].fd)
        connections.remove(at: oldest)
        return true
    }

    /// Moves a connection on by what poll said it is ready for; true once it is finished
    /// (answered whole, closed by the client, or failed).
    private func advance(_ connection: inout Connection, now: Double, render: (ExpositionFormat) -> String) -> Bool {
        if connection.answer == nil {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return true }
            guard count > 0 else { return false }
            connection.received += chunk[0..<count]
            if let length = HTTPExchange.headLength(connection.received), length <= Self.maxRequestBytes {
                connection.answer = HTTPExchange.answer(connection.received[..<length], render: render)
            } else if connection.received.count > Self.maxRequestBytes {
                connection.answer = HTTPExchange.tooLarge
            } else {
                return false
            }
            connection.received = []
            connection.deadline = now + Self.requestTimeout
        }
        return send(&connection)
    }

    /// Writes what the socket takes of the answer; true once all of it is sent or sending failed.
    private func send(_ connection: inout Connection) -> Bool {
        guard let answer = connection.answer else { return false }
        while connection.sent < answer.count {
            let count = answer.withUnsafeBytes {
                Glibc.send(connection.fd, $0.baseAddress! + connection.sent, $0.count - connection.sent, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                connection.sent += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return !(count < 0 && errno == EAGAIN)
            }
        }
        return true
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
