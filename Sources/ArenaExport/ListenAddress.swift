import Glibc

/// Where the exporter listens: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for every interface.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultValue = "127.0.0.1:9479"

    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `text`; nil for anything else (a missing or out-of-range port, an empty value).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        self.host = host
        self.port = port
    }

    /// True for addresses only this machine can reach.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
