import ArenaSignals
import Glibc

/// Random access to a recording's bytes: a file, or memory (tests and the fuzzer).
public protocol RecordingInput: AnyObject {
    var size: UInt64 { get }
    /// Exactly `count` bytes at `offset`, or an error.
    func read(at offset: UInt64, count: Int) throws(RecordingError) -> [UInt8]
}

/// A recording file read with pread.
public final class RecordingFile: RecordingInput {
    public let path: String
    public let size: UInt64
    private let fd: Int32

    public init(path: String) throws(RecordingError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path) : .io("cannot open \(path): \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notARecording("\(path) is not a regular file")
        }
        size = UInt64(info.st_size)
    }

    deinit { close(fd) }

    public func read(at offset: UInt64, count: Int) throws(RecordingError) -> [UInt8] {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw .damaged("the file ends before byte \(offset + UInt64(max(0, count)))")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = retryingInterrupted { bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) } }
            guard result > 0 else { throw .io("cannot read \(path): \(result == 0 ? "file shrank" : String(cString: strerror(errno)))") }
            done += result
        }
        return bytes
    }
}

/// A recording held in memory.
public final class RecordingBytes: RecordingInput {
    private let bytes: [UInt8]
    public var size: UInt64 { UInt64(bytes.count) }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(at offset: UInt64, count: Int) throws(RecordingError) -> [UInt8] {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw .damaged("the file ends before byte \(offset + UInt64(max(0, count)))")
        }
        return Array(bytes[Int(offset)..<Int(offset) + count])
    }
}
