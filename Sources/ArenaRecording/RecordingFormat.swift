import ArenaModel
import Foundation
import ArenaText

/// Constants and limits of the recording format (docs/recording-format.md describes it).
public enum RecordingFormat {
    /// The format this build writes and the newest it reads.
    /// Version 2 added each root's type and origin; version 3 the objects reached by type,
    /// per frame.
    public static let version: UInt16 = 3
    static let fileMagic: [UInt8] = Array("ARENAREC".utf8)
    static let footerMagic: [UInt8] = Array("ARECEND1".utf8)
    static let frameMagic: UInt32 = 0x4D41_5246  // "FRAM"
    static let indexMagic: UInt32 = 0x5844_4E49  // "INDX"
    /// magic, version, header length.
    static let preambleSize = 14
    static let chunkHeaderSize = 48
    static let footerSize = 24
    static let indexEntrySize = 25
    /// Stored pages per compressed data block: one lookup inflates at most this many.
    static let pagesPerBlock = 16
    /// Default frames between keyframes.
    public static let defaultKeyframeInterval: UInt32 = 64

    // Limits that keep a hostile file from asking for unbounded memory.
    static let maxHeaderSize = 16 << 20
    /// Header section holding the source's type information (BTF blobs).
    static let typesSection: UInt16 = 1
    /// Header section holding the source's shape files (readers that predate it skip it).
    static let shapesSection: UInt16 = 2
    static let maxMetaSize = 64 << 20
    static let maxKeyframeInterval: UInt32 = 4096
    static let maxPageSize: UInt64 = 1 << 16
    static let maxPages: UInt32 = 1 << 20
    /// zlib never expands data more than about 1032 times: a part claiming more is lying.
    static let maxExpansion: UInt64 = 1040
}

/// Which page bytes a recording keeps.
public enum BytesMode: String, Sendable, CaseIterable {
    /// Every backed page in the first frame, then every page whose bytes change.
    case all
    /// Only pages whose bytes change after the first frame.
    case changed
    /// Page states only.
    case none

    var code: UInt8 {
        switch self {
        case .none: 0
        case .changed: 1
        case .all: 2
        }
    }

    init?(code: UInt8) {
        guard let mode = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = mode
    }
}

/// What a recording says about itself before its first frame.
public struct RecordingHeader: Sendable, Equatable {
    public var geometry: ArenaGeometry
    /// The source as it was when recording began.
    public var source: SourceDescriptor
    public var bytesMode: BytesMode
    public var keyframeInterval: UInt32
    /// Nominal seconds between frames (the sampling interval).
    public var frameInterval: Double
    /// Seconds since 1970 when recording began.
    public var createdAt: UInt64
    /// The source's type information, kept so typed views work on the replay.
    public var types: [TypeBlob] = []
    /// The source's shape files, kept so the object map on the replay is the live one.
    public var shapes: [ShapeText] = []
    /// The format version the file was written in (the current one for a new recording).
    public internal(set) var version = RecordingFormat.version

    public init(
        geometry: ArenaGeometry, source: SourceDescriptor, bytesMode: BytesMode,
        keyframeInterval: UInt32 = RecordingFormat.defaultKeyframeInterval, frameInterval: Double, createdAt: UInt64
    ) {
        self.geometry = geometry
        self.source = source
        self.bytesMode = bytesMode
        self.keyframeInterval = keyframeInterval
        self.frameInterval = frameInterval
        self.createdAt = createdAt
    }

    func encoded() -> [UInt8] {
        var body = ByteWriter()
        body.u64(geometry.pageSize)
        body.u32(geometry.maxPages)
        body.u64(geometry.userVMStart)
        body.u32(geometry.flags.rawValue)
        body.u8(bytesMode.code)
        body.u32(keyframeInterval)
        body.u64(UInt64(max(0, frameInterval) * 1e9))
        body.u64(createdAt)
        body.string(source.kind.rawValue)
        SourceDetailsCoding.write(source.details, into: &body)
        var section = ByteWriter()
        section.u16(UInt16(min(types.count, Int(UInt16.max))))
        for blob in types.prefix(Int(UInt16.max)) {
            section.string(blob.origin)
            section.u32(UInt32(blob.btf.count))
            section.raw(blob.btf)
        }
        var shapeSection = ByteWriter()
        shapeSection.u16(UInt16(min(shapes.count, Int(UInt16.max))))
        for shape in shapes.prefix(Int(UInt16.max)) {
            // Shape texts hold newlines: raw UTF-8, checked by the shape parser when read.
            shapeSection.string(shape.origin)
            shapeSection.u32(UInt32(shape.text.utf8.count))
            shapeSection.raw(Array(shape.text.utf8))
        }
        let kept = [(RecordingFormat.typesSection, section.bytes, !types.isEmpty), (RecordingFormat.shapesSection, shapeSection.bytes, !shapes.isEmpty)]
            .filter(\.2)
        body.u16(UInt16(kept.count))
        for (tag, bytes, _) in kept {
            body.u16(tag)
            body.u32(UInt32(bytes.count))
            body.raw(bytes)
        }
        var file = ByteWriter()
        file.raw(RecordingFormat.fileMagic)
        file.u16(RecordingFormat.version)
        file.u32(UInt32(body.bytes.count))
        file.raw(body.bytes)
        file.u32(Deflate.crc(body.bytes))
        return file.bytes
    }

    /// The format version and the size of the body declared at the start of a file.
    static func versionAndBodyLength(preamble: [UInt8]) throws(RecordingError) -> (version: UInt16, length: Int) {
        guard preamble.count >= RecordingFormat.preambleSize, Array(preamble.prefix(8)) == RecordingFormat.fileMagic else {
            throw .notARecording("it does not start with ARENAREC")
        }
        var reader = ByteReader(Array(preamble[8...]), context: "header")
        let version = try reader.u16()
        guard version >= 1 else { throw .damaged("version 0") }
        guard version <= RecordingFormat.version else { throw .unsupportedVersion(version) }
        let length = Int(try reader.u32())
        guard length <= RecordingFormat.maxHeaderSize else { throw .damaged("header of \(length) bytes") }
        return (version, length)
    }

    init(body: [UInt8], crc: UInt32, version: UInt16) throws(RecordingError) {
        self.version = version
        guard Deflate.crc(body) == crc else { throw .damaged("header checksum mismatch") }
        var reader = ByteReader(body, context: "header")
        let pageSize = try reader.u64()
        let maxPages = try reader.u32()
        let start = try reader.u64()
        let flags = ArenaFlags(rawValue: try reader.u32())
        guard pageSize >= 512, pageSize <= RecordingFormat.maxPageSize, pageSize & (pageSize - 1) == 0 else {
            throw .damaged("page size \(pageSize)")
        }
        guard maxPages >= 1, maxPages <= RecordingFormat.maxPages else { throw .damaged("\(maxPages) pages") }
        guard start % pageSize == 0, start <= UInt64.max - UInt64(maxPages) * pageSize else {
            throw .damaged("arena start \(hex(start))")
        }
        geometry = ArenaGeometry(pageSize: pageSize, maxPages: maxPages, userVMStart: start, flags: flags)
        guard let mode = BytesMode(code: try reader.u8()) else { throw .damaged("unknown bytes mode") }
        bytesMode = mode
        keyframeInterval = try reader.u32()
        guard keyframeInterval >= 1, keyframeInterval <= RecordingFormat.maxKeyframeInterval else {
            throw .damaged("keyframe interval \(keyframeInterval)")
        }
        frameInterval = Double(try reader.u64()) / 1e9
        createdAt = try reader.u64()
        guard let kind = SourceDescriptor.Kind(rawValue: try reader.string()) else { throw .damaged("unknown source kind") }
        source = SourceDescriptor(kind: kind, details: try SourceDetailsCoding.read(&reader))
        let sections = try reader.u16()
        for _ in 0..<sections {
            let tag = try reader.u16()
            let bytes = try reader.raw(Int(try reader.u32()))
            if tag == RecordingFormat.shapesSection {
                var section = ByteReader(bytes, context: "shapes section")
                for _ in 0..<Int(try section.u16()) {
                    let origin = try section.string()
                    shapes.append(ShapeText(origin: origin, text: String(decoding: try section.raw(Int(try section.u32())), as: UTF8.self)))
                }
                try section.expectEnd()
                continue
            }
            guard tag == RecordingFormat.typesSection else { continue }
            var section = ByteReader(bytes, context: "types section")
            let count = Int(try section.u16())
            for _ in 0..<count {
                let origin = try section.string()
                types.append(TypeBlob(origin: origin, btf: try section.raw(Int(try section.u32()))))
            }
            try section.expectEnd()
        }
        try reader.expectEnd()
    }

    /// The header for recording `source` from `first` on, now: with the source's types when
    /// they can be read (recording goes on without typed views when they cannot).
    public init(
        recording source: ArenaSource, from first: Snapshot, bytesMode: BytesMode,
        keyframeInterval: UInt32 = RecordingFormat.defaultKeyframeInterval, frameInterval: Double
    ) {
        self.init(
            geometry: first.geometry, source: first.source, bytesMode: bytesMode, keyframeInterval: keyframeInterval,
            frameInterval: frameInterval, createdAt: UInt64(Date().timeIntervalSince1970))
        types = (try? source.typeBlobs()) ?? []
        shapes = (try? source.shapeTexts()) ?? []
    }
}

/// Source details (`workload`, `seed`, `map_id`…) as stored in headers and frames.
enum SourceDetailsCoding {
    static func write(_ details: [(key: String, value: SourceDescriptor.DetailValue)], into writer: inout ByteWriter) {
        let kept = details.prefix(255)
        writer.u8(UInt8(kept.count))
        for (key, value) in kept {
            writer.string(key)
            switch value {
            case .text(let text):
                writer.u8(0)
                writer.string(text)
            case .number(let number):
                writer.u8(1)
                writer.u64(number)
            }
        }
    }

    static func read(_ reader: inout ByteReader) throws(RecordingError) -> [(key: String, value: SourceDescriptor.DetailValue)] {
        let count = Int(try reader.u8())
        var details: [(key: String, value: SourceDescriptor.DetailValue)] = []
        for _ in 0..<count {
            let key = try reader.string()
            switch try reader.u8() {
            case 0: details.append((key, .text(try reader.string())))
            case 1: details.append((key, .number(try reader.u64())))
            default: throw .damaged("\(reader.context): unknown detail type")
            }
        }
        return details
    }
}
