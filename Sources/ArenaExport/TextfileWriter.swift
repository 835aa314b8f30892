import Glibc

/// Writes the metrics for node_exporter's textfile collector: to a temporary file beside
/// the target, then renamed over it, so the collector never reads half a file.
public struct TextfileWriter: Sendable {
    public let path: String

    /// Checks at once that the folder takes files (one is created and removed).
    public init(path: String) throws(ExportError) {
        self.path = path
        try write("")
    }

    public func write(_ text: String) throws(ExportError) {
        var template = Array((path + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(fd)
                unlink(temporary)
                throw .cannotWrite(path: path, errno: code)
            }
            written += count
        }
        // Readable by the collector, whoever runs it; written only by us.
        fchmod(fd, 0o644)
        close(fd)
        if text.isEmpty {
            unlink(temporary)
        } else if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .cannotWrite(path: path, errno: code)
        }
    }
}
