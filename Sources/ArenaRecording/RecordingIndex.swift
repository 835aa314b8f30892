/// Where a frame starts and what it is, as the index at the end of a file lists it.
struct IndexEntry: Equatable {
    var offset: UInt64
    /// Nanoseconds since the first frame.
    var time: UInt64
    var rawSize: UInt64
    var isKey: Bool
}

/// The index chunk and the footer that points at it.
enum IndexCoding {
    /// The index for `entries` followed by the footer, to be written at `offset`.
    static func encode(_ entries: [IndexEntry], at offset: UInt64) -> [UInt8] {
        var index = ByteWriter()
        index.u32(RecordingFormat.indexMagic)
        index.u32(UInt32(entries.count))
        for entry in entries {
            index.u64(entry.offset)
            index.u64(entry.time)
            index.u64(entry.rawSize)
            index.u8(entry.isKey ? 1 : 0)
        }
        var footer = ByteWriter()
        footer.u64(offset)
        footer.u32(UInt32(entries.count))
        footer.u32(Deflate.crc(index.bytes))
        footer.raw(RecordingFormat.footerMagic)
        return index.bytes + footer.bytes
    }

    /// The footer's claim: index offset, frame count and checksum; nil when the file has no footer.
    static func footer(_ bytes: [UInt8]) -> (offset: UInt64, count: Int, crc: UInt32)? {
        guard bytes.count == RecordingFormat.footerSize, Array(bytes.suffix(8)) == RecordingFormat.footerMagic else { return nil }
        var reader = ByteReader(bytes, context: "footer")
        guard let offset = try? reader.u64(), let count = try? reader.u32(), let crc = try? reader.u32() else { return nil }
        return (offset, Int(count), crc)
    }

    /// Decodes and checks an index: entries in file order inside `[dataStart, indexOffset)`,
    /// times that never go back, a keyframe first.
    static func decode(_ bytes: [UInt8], count: Int, crc: UInt32, dataStart: UInt64, indexOffset: UInt64) throws(RecordingError) -> [IndexEntry] {
        guard Deflate.crc(bytes) == crc else { throw .damaged("index checksum mismatch") }
        var reader = ByteReader(bytes, context: "index")
        guard try reader.u32() == RecordingFormat.indexMagic, Int(try reader.u32()) == count,
            count * RecordingFormat.indexEntrySize == reader.remaining
        else {
            throw .damaged("index does not match its footer")
        }
        var entries: [IndexEntry] = []
        entries.reserveCapacity(count)
        var lastOffset = dataStart
        var lastTime: UInt64 = 0
        for number in 0..<count {
            let entry = IndexEntry(offset: try reader.u64(), time: try reader.u64(), rawSize: try reader.u64(), isKey: try reader.u8() == 1)
            let inOrder = number == 0 ? entry.offset == dataStart : entry.offset > lastOffset
            guard inOrder, entry.offset < indexOffset, entry.time >= lastTime, number > 0 || entry.isKey else {
                throw .damaged("index entry \(number) is out of order")
            }
            lastOffset = entry.offset
            lastTime = entry.time
            entries.append(entry)
        }
        return entries
    }
}
