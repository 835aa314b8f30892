/// Why a recording could not be written or read. Every case reads as one line.
public enum RecordingError: Error, Equatable, CustomStringConvertible {
    /// The file is not a recording at all.
    case notARecording(String)
    /// A newer format than this build reads.
    case unsupportedVersion(UInt16)
    /// Bytes that break the format: bad lengths, checksums, values out of range.
    case damaged(String)
    /// No file at the path.
    case notFound(String)
    /// The operating system refused: open, read, write.
    case io(String)
    /// The recording cannot be made there: the file exists (without --force), or the folder refuses.
    case cannotCreate(String)
    /// A frame outside the recording.
    case noSuchFrame(Int, count: Int)

    public var description: String {
        switch self {
        case .notARecording(let why): "not an arenascope recording: \(why)"
        case .unsupportedVersion(let version):
            "recording format version \(version) is newer than this arenascope reads (\(RecordingFormat.version))"
        case .damaged(let why): "damaged recording: \(why)"
        case .notFound(let path): "no file at \(path)"
        case .io(let why), .cannotCreate(let why): why
        case .noSuchFrame(let frame, let count):
            count == 0 ? "the recording has no frames" : "frame \(frame) is not in the recording (frames 0-\(count - 1))"
        }
    }
}
