import CZlib

/// zlib compression of recording sections, and the CRC-32 that guards them.
enum Deflate {
    /// Compresses `bytes` (level 1: recording has to keep up with sampling).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var bound = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(bound))
        let status = output.withUnsafeMutableBufferPointer { out in
            nonEmpty(bytes).withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &bound, input.baseAddress, uLong(bytes.count), 1)
            }
        }
        precondition(status == Z_OK, "compress2 into a compressBound buffer cannot fail")
        output.removeSubrange(Int(bound)...)
        return output
    }

    /// Inflates `packed`, which must expand to exactly `rawCount` bytes.
    static func decompress(_ packed: [UInt8], rawCount: Int) throws(RecordingError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(1, rawCount))
        var length = uLong(rawCount)
        let status = output.withUnsafeMutableBufferPointer { out in
            nonEmpty(packed).withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(packed.count))
            }
        }
        guard status == Z_OK, length == uLong(rawCount) else {
            throw .damaged("compressed data does not expand to its recorded size (zlib status \(status))")
        }
        output.removeSubrange(rawCount...)
        return output
    }

    /// zlib's CRC-32 of `bytes`.
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        nonEmpty(bytes).withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt(bytes.count))) }
    }

    /// zlib wants a valid pointer even for no bytes.
    private static func nonEmpty(_ bytes: [UInt8]) -> [UInt8] { bytes.isEmpty ? [0] : bytes }
}
