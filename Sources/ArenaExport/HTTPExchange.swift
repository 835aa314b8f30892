/// The HTTP a scraper speaks, as bytes in and bytes out: where a request's head ends, and
/// the answer the exporter gives to it. No sockets here: `MetricsServer` moves the bytes.
enum HTTPExchange {
    /// The length of the head at the start of `bytes` (through the empty line that ends it),
    /// or nil while it is incomplete. A bare LF ends a line as CRLF does (RFC 9112 §2.2).
    static func headLength(_ bytes: [UInt8]) -> Int? {
        var index = bytes.startIndex
        while let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) {
            var next = newline + 1
            if next < bytes.endIndex && bytes[next] == UInt8(ascii: "\r") { next += 1 }
            if next < bytes.endIndex && bytes[next] == UInt8(ascii: "\n") { return next + 1 }
            index = newline + 1
        }
        return nil
    }

    /// The whole answer to a request whose head is `head`.
    static func answer(_ head: ArraySlice<UInt8>, render: (ExpositionFormat) -> String) -> [UInt8] {
        // Split as bytes: in a String, CRLF is one Character and would not split at "\n".
        let lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0, as: UTF8.self) }
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return response(status: "400 Bad Request", body: "bad request\n")
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard method == "GET" || method == "HEAD" else {
            return response(status: "405 Method Not Allowed", body: "only GET /metrics\n", extra: "Allow: GET, HEAD\r\n")
        }
        let headOnly = method == "HEAD"
        switch path {
        case "/metrics":
            let accept = lines.dropFirst().first { $0.lowercased().hasPrefix("accept:") }.map { String($0.dropFirst(7)) }
            let format = ExpositionFormat(accept: accept)
            return response(status: "200 OK", body: render(format), contentType: format.contentType, headOnly: headOnly)
        case "/":
            return response(status: "200 OK", body: "arenascope exporter: metrics at /metrics\n", headOnly: headOnly)
        default:
            return response(status: "404 Not Found", body: "not found: metrics are at /metrics\n")
        }
    }

    /// The answer to a head longer than the server takes.
    static let tooLarge = response(status: "431 Request Header Fields Too Large", body: "request too large\n")

    private static func response(
        status: String, body: String, contentType: String = "text/plain; charset=utf-8",
        extra: String = "", headOnly: Bool = false
    ) -> [UInt8] {
        let payload = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\n\(extra)Connection: close\r\n\r\n"
        return Array(head.utf8) + (headOnly ? [] : payload)
    }
}
