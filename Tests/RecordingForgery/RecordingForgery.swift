import CZlib

/// What a hostile writer does to a recording: patches fields and recomputes every checksum,
/// so the reader's limits, not its checksums, must refuse the result. Shared by the damaged
/// corpus's generator and the benchmark of the worst crafted inputs.
public enum RecordingForgery {
    /// Writes `value` little-endian at `offset`.
    public static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
        for index in 0..<MemoryLayout<T>.size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    public static func readU32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    public static func readU64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    public static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        Array(bytes).withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    public static func resealHeader(_ bytes: inout [UInt8]) {
        let length = Int(readU32(bytes, at: 10))
        patch(&bytes, at: 14 + length, crc(bytes[14..<14 + length]))
    }

    public static func resealChunk(_ bytes: inout [UInt8], at offset: Int) {
        patch(&bytes, at: offset + 44, crc(bytes[offset..<offset + 44]))
    }

    public static func resealIndex(_ bytes: inout [UInt8], indexOffset: Int) {
        patch(&bytes, at: bytes.count - 16, crc(bytes[indexOffset..<bytes.count - 24]))
    }

    /// Where `frame` starts: frames follow the header back to back.
    public static func frameOffset(_ bytes: [UInt8], frame: Int) -> Int {
        var offset = 14 + Int(readU32(bytes, at: 10)) + 4
        for _ in 0..<frame {
            let meta = Int(readU32(bytes, at: offset + 28))
            let data = Int(readU64(bytes, at: offset + 36))
            offset += 48 + meta + data
        }
        return offset
    }

    public static func footerIndexOffset(_ bytes: [UInt8]) -> UInt64 { readU64(bytes, at: bytes.count - 24) }

    /// The recording up to the frame at `offset`, then `count` frames (numbered on from that
    /// one, 0.1 s apart) each with a description of `rawCount` zero bytes, well compressed
    /// with every checksum valid, and no index: the most decoding a file can ask per byte.
    public static func descriptionBombs(_ good: [UInt8], at offset: Int, count: Int = 1, rawCount: Int) -> [UInt8] {
        let packed = packedZeros(rawCount)
        let template = Array(good[offset..<offset + 48])
        let firstFrame = readU32(template, at: 4)
        let firstTime = readU64(template, at: 8)
        var bytes = Array(good.prefix(offset))
        for bomb in 0..<count {
            var chunk = template
            patch(&chunk, at: 4, firstFrame + UInt32(bomb))
            patch(&chunk, at: 8, firstTime + UInt64(bomb) * 100_000_000)
            patch(&chunk, at: 24, UInt32(rawCount))
            patch(&chunk, at: 28, UInt32(packed.count))
            patch(&chunk, at: 32, crc(packed[...]))
            patch(&chunk, at: 36, UInt64(0))
            resealChunk(&chunk, at: 0)
            bytes += chunk + packed
        }
        return bytes
    }

    /// `rawCount` zero bytes compressed as tightly as zlib can.
    public static func packedZeros(_ rawCount: Int) -> [UInt8] {
        var packedCount = compressBound(uLong(rawCount))
        var packed = [UInt8](repeating: 0, count: Int(packedCount))
        let zeros = [UInt8](repeating: 0, count: rawCount)
        _ = compress2(&packed, &packedCount, zeros, uLong(rawCount), 9)
        packed.removeSubrange(Int(packedCount)...)
        return packed
    }

    /// Inflates `packed` into `rawCount` bytes and throws them away: what reading it costs zlib.
    public static func inflate(_ packed: [UInt8], rawCount: Int) {
        var output = [UInt8](repeating: 0, count: rawCount)
        var length = uLong(rawCount)
        _ = uncompress(&output, &length, packed, uLong(packed.count))
    }
}
