import Glibc

/// A minimal HTTP client for a server on this machine's loopback: what the exporter's tests
/// and benchmarks scrape it with (no HTTP stack is linked for them).
public enum LoopbackClient {
    /// Connects to 127.0.0.1:`port`, sends `request` as it is and reads until the server
    /// closes (or `timeout` seconds pass between reads); nil when nothing answered.
    public static func exchange(port: UInt16, request: String, timeout: Int = 10) -> String? {
        guard let fd = connection(port: port) else { return nil }
        defer { close(fd) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        return received.isEmpty ? nil : String(decoding: received, as: UTF8.self)
    }

    /// A socket connected to 127.0.0.1:`port` (the caller closes it), or nil when none could be.
    public static func connection(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// The body of `GET path`, or nil when no HTTP answer came.
    public static func get(port: UInt16, path: String) -> String? {
        guard let answer = exchange(port: port, request: "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"),
            answer.hasPrefix("HTTP/1."), let split = answer.range(of: "\r\n\r\n")
        else { return nil }
        return String(answer[split.upperBound...])
    }
}
