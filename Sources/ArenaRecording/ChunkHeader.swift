/// The fixed-size header in front of every frame: where the frame's parts are and how
/// to check them.
struct ChunkHeader: Equatable {
    var frame: UInt32
    /// Nanoseconds since the first frame.
    var time: UInt64
    /// Size of the frame uncompressed: one byte per page plus the bytes of every backed
    /// page when page bytes are recorded (what the frame would cost stored plainly).
    var rawSize: UInt64
    var metaRawCount: UInt32
    var metaPackedCount: UInt32
    var metaCRC: UInt32
    var dataPackedCount: UInt64

    var chunkSize: UInt64 { UInt64(RecordingFormat.chunkHeaderSize) + UInt64(metaPackedCount) + dataPackedCount }

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.u32(RecordingFormat.frameMagic)
        writer.u32(frame)
        writer.u64(time)
        writer.u64(rawSize)
        writer.u32(metaRawCount)
        writer.u32(metaPackedCount)
        writer.u32(metaCRC)
        writer.u64(dataPackedCount)
        writer.u32(Deflate.crc(writer.bytes))
        return writer.bytes
    }
}

extension ChunkHeader {
    /// Checks magic, checksum and size limits; says nothing of the parts that follow.
    init(decoding bytes: [UInt8]) throws(RecordingError) {
        guard bytes.count == RecordingFormat.chunkHeaderSize else { throw .damaged("short frame header") }
        var reader = ByteReader(bytes, context: "frame header")
        guard try reader.u32() == RecordingFormat.frameMagic else { throw .damaged("no frame marker") }
        frame = try reader.u32()
        time = try reader.u64()
        rawSize = try reader.u64()
        metaRawCount = try reader.u32()
        metaPackedCount = try reader.u32()
        metaCRC = try reader.u32()
        dataPackedCount = try reader.u64()
        let crc = try reader.u32()
        guard Deflate.crc(Array(bytes.prefix(RecordingFormat.chunkHeaderSize - 4))) == crc else {
            throw .damaged("frame header checksum mismatch")
        }
        guard metaRawCount <= RecordingFormat.maxMetaSize, metaPackedCount <= RecordingFormat.maxMetaSize + 1024,
            UInt64(metaRawCount) <= UInt64(metaPackedCount) * RecordingFormat.maxExpansion + 1024
        else {
            throw .damaged("frame \(frame) claims \(metaRawCount) bytes of description")
        }
        guard dataPackedCount < 1 << 48 else { throw .damaged("frame \(frame) claims \(dataPackedCount) bytes of data") }
    }
}
