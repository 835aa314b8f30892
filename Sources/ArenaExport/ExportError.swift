import Glibc

/// Why the exporter could not start serving or writing.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    /// The listen address's host does not resolve to an address of this machine's kind.
    case unknownHost(String)
    /// Binding or listening failed (in use, not permitted, not an address of this machine).
    case cannotListen(address: String, errno: Int32)
    /// The textfile (or a temporary file beside it) cannot be written.
    case cannotWrite(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .unknownHost(let host): "cannot resolve the listen host '\(host)'"
        case .cannotListen(let address, let code):
            code == EADDRINUSE
                ? "cannot listen on \(address): the port is in use"
                : "cannot listen on \(address): \(String(cString: strerror(code))) (errno \(code))"
        case .cannotWrite(let path, let code): "cannot write \(path): \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
