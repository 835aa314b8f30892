import ArenaModel
import ArenaSignals
import Glibc

/// Writes a recording: the header, one chunk per frame (each in a single write, so a
/// crash leaves at most a partial last frame), and on `finish` the index and footer.
/// The file is created with mode 0600: arena bytes can be sensitive.
public final class RecordingWriter {
    public let path: String
    public let header: RecordingHeader
    private var fd: Int32
    private var encoder: FrameEncoder
    private var entries: [IndexEntry] = []
    /// Bytes in the file so far.
    public private(set) var fileSize: UInt64 = 0
    /// Sum of the frames' plain sizes (see `ChunkHeader.rawSize`).
    public private(set) var rawSize: UInt64 = 0

    /// Creates `path`; an existing file is an error unless `overwrite`.
    public init(path: String, header: RecordingHeader, overwrite: Bool = false) throws(RecordingError) {
        self.path = path
        self.header = header
        encoder = FrameEncoder(header: header)
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            let code = errno
            throw .io(code == EEXIST ? "\(path) exists (use --force to replace it)" : "cannot create \(path): \(String(cString: strerror(code)))")
        }
        // An existing file keeps its old mode through O_TRUNC: make it private too.
        fchmod(fd, 0o600)
        try write(header.encoded())
    }

    deinit { if fd >= 0 { close(fd) } }

    public var frameCount: Int { entries.count }

    /// Appends `snapshot` as the next frame, `time` seconds after recording began. The
    /// bytes of its backed pages come from `source`. On error nothing is written.
    public func append(_ snapshot: Snapshot, time: Double, source: ArenaSource, tallies: [TypeTally]? = nil) throws {
        guard fd >= 0 else { throw RecordingError.io("the recording is already finished") }
        var attempt = encoder
        let encoded = try attempt.encode(snapshot, time: time, source: source, tallies: tallies)
        try write(encoded.chunk)
        encoder = attempt
        entries.append(IndexEntry(offset: fileSize - UInt64(encoded.chunk.count), time: encoded.header.time,
                                  rawSize: encoded.header.rawSize, isKey: encoded.isKey))
        rawSize += encoded.header.rawSize
    }

    /// Writes the index and footer, flushes to disk and closes the file.
    public func finish() throws(RecordingError) {
        guard fd >= 0 else { return }
        let index = IndexCoding.encode(entries, at: fileSize)
        try write(index)
        let synced = fsync(fd)
        close(fd)
        fd = -1
        guard synced == 0 else { throw .io("cannot flush \(path): \(String(cString: strerror(errno)))") }
    }

    private func write(_ bytes: [UInt8]) throws(RecordingError) {
        var written = 0
        while written < bytes.count {
            let result = retryingInterrupted { bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) } }
            guard result > 0 else { throw .io("cannot write \(path): \(String(cString: strerror(errno)))") }
            written += result
        }
        fileSize += UInt64(bytes.count)
    }
}
