import ArenaModel

/// A recording seen as a source: each sample is the frame at `position`, and page bytes
/// are the bytes that page held at that frame.
public final class ReplaySource: ArenaSource, Timeline {
    public let reader: RecordingReader
    /// The name shown as the source (the file name).
    public let name: String
    public private(set) var position: Int

    public init(reader: RecordingReader, name: String, frame: Int = 0) throws(RecordingError) {
        guard frame >= 0, frame < reader.frameCount else { throw .noSuchFrame(frame, count: reader.frameCount) }
        self.reader = reader
        self.name = name
        position = frame
    }

    public var capabilities: SourceCapabilities { [.pageBytes, .types, .timeline] }
    public var timeline: Timeline? { self }

    public var descriptor: SourceDescriptor {
        SourceDescriptor(kind: .replay, details: [("file", .text(name)), ("recorded", .text(reader.header.source.kind.rawValue))])
    }

    public var frameCount: Int { reader.frameCount }
    /// The recording's interval, kept between 1 ms and a minute whatever the file says.
    public var frameInterval: Double { max(0.001, min(60, reader.header.frameInterval)) }
    public func time(ofFrame frame: Int) -> Double { reader.time(ofFrame: frame) }
    public func frame(atTime seconds: Double) -> Int { reader.frame(atTime: seconds) }
    public func seek(to frame: Int) { position = max(0, min(frame, frameCount - 1)) }

    public func sample() throws -> Snapshot {
        let (pages, frame) = try reader.frame(position)
        let header = reader.header
        var details: [(key: String, value: SourceDescriptor.DetailValue)] = [
            ("file", .text(name)), ("frame", .number(UInt64(position))), ("frames", .number(UInt64(frameCount))),
            ("time_ms", .number(UInt64((frame.time * 1000).rounded()))), ("recorded", .text(header.source.kind.rawValue)),
        ]
        details += frame.details
        if let tallies = frame.tallies { details.append(("objects", .number(UInt64(tallies.reduce(0) { $0 + $1.count })))) }
        return Snapshot(
            source: SourceDescriptor(kind: .replay, details: details), geometry: header.geometry,
            pages: pages, roots: frame.roots)
    }

    /// The types the recording kept of its source.
    public func typeBlobs() -> [TypeBlob] { reader.header.types }
    public func shapeTexts() -> [ShapeText] { reader.header.shapes }

    public func pageBytes(_ page: UInt32) throws -> [UInt8] {
        try reader.pageBytes(page, at: position)
    }
}
