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
        fd = try Self.create(path, replacing: overwrite)
        try write(header.encoded())
    }

    deinit { if fd >= 0 { close(fd) } }

    /// A new file at `path`, mode 0600, open for writing. Only a regular file is replaced
    /// (`replacing`): the new file is made beside it and renamed over it, so nothing else's
    /// mode or contents is ever touched (a device, a FIFO, a symlink's target).
    private static func create(_ path: String, replacing: Bool) throws(RecordingError) -> Int32 {
        func failure(_ code: Int32) -> RecordingError {
            .cannotCreate(code == EEXIST ? "\(path) exists (use --force to replace it)" : "cannot create \(path): \(String(cString: strerror(code)))")
        }
        var existing = stat()
        guard replacing, lstat(path, &existing) == 0 else {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw failure(errno) }
            return fd
        }
        guard existing.st_mode & S_IFMT == S_IFREG else {
            throw .cannotCreate("\(path) is not a regular file: --force replaces only regular files")
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder).\(name).arenascope-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(errno) }
        guard rename(temporary, path) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw failure(code)
        }
        return fd
    }

    public var frameCount: Int { entries.count }

    /// Appends `snapshot` as the next frame, `time` seconds after recording began. The
    /// bytes of its backed pages come from `source`. On error nothing is written.
    public func append(_ snapshot: Snapshot, time: Double, source: ArenaSource, tallies: [TypeTally]? = nil) throws {
        guard fd >= 0 else { throw RecordingError.io("the recording is already finished") }
        var attempt = encoder
        let encoded = try attempt.encode(snapshot, time: time, source: source, tallies: tallies)
        try write(encoded.chunk)
        encoder = attempt
        entries.append(
            IndexEntry(
                offset: fileSize - UInt64(encoded.chunk.count), time: encoded.header.time,
                rawSize: encoded.header.rawSize, isKey: encoded.isKey))
        rawSize += encoded.header.rawSize
    }

    /// True once `finish` has written the index: the file is complete.
    public private(set) var isIndexed = false

    /// Writes the index and footer, flushes to disk and closes the file. When the index
    /// cannot be written the file is closed without it, ending at its last whole frame (it
    /// replays by scanning), and the error says so.
    public func finish() throws(RecordingError) {
        guard fd >= 0 else { return }
        defer {
            close(fd)
            fd = -1
        }
        let index = IndexCoding.encode(entries, at: fileSize)
        do {
            try write(index)
        } catch {
            throw .io("\(error); its \(frameCount) frames replay without the index")
        }
        guard fsync(fd) == 0 else { throw .io("cannot flush \(path): \(String(cString: strerror(errno)))") }
        isIndexed = true
    }

    /// Writes all of `bytes` or, when the file takes only part of them (a full disk, a
    /// file-size limit), cuts it back to where it was, so it always ends at a whole part.
    private func write(_ bytes: [UInt8]) throws(RecordingError) {
        var written = 0
        while written < bytes.count {
            let result = retryingInterrupted { bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) } }
            guard result > 0 else {
                let code = result == 0 ? ENOSPC : errno
                _ = ftruncate(fd, off_t(fileSize))
                _ = lseek(fd, off_t(fileSize), SEEK_SET)
                throw .io("cannot write \(path): \(String(cString: strerror(code)))")
            }
            written += result
        }
        fileSize += UInt64(bytes.count)
    }
}
