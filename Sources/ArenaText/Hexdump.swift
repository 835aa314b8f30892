/// Classic 16-bytes-a-row hexdump text. Only printable ASCII (0x20…0x7e) is ever shown:
/// every other byte becomes '.', so arena bytes cannot inject terminal escapes.
public enum Hexdump {
    /// The character shown for `byte` in the ASCII column.
    public static func printable(_ byte: UInt8) -> Character {
        (0x20...0x7E).contains(byte) ? Character(Unicode.Scalar(byte)) : "."
    }

    /// Rows of `addr  hex bytes  |ascii|`, the first byte at `address`.
    public static func lines(_ bytes: [UInt8], address: UInt64) -> [String] {
        var lines: [String] = []
        let rowStart = address & ~0xF
        var rowAddress = rowStart
        while rowAddress < address + UInt64(bytes.count) {
            var hexPart = ""
            var asciiPart = ""
            for column in 0..<16 {
                let byteAddress = rowAddress + UInt64(column)
                if byteAddress >= address && byteAddress < address + UInt64(bytes.count) {
                    let byte = bytes[Int(byteAddress - address)]
                    hexPart += hexByte(byte)
                    asciiPart.append(printable(byte))
                } else {
                    hexPart += "  "
                    asciiPart.append(" ")
                }
                hexPart += column == 7 ? "  " : " "
            }
            lines.append(paddedHex(rowAddress, width: 16) + "  " + hexPart + " |" + asciiPart + "|")
            rowAddress += 16
        }
        return lines
    }

    /// Two lower-case hex digits.
    public static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// `value` in hex, zero-padded to `width` digits.
    public static func paddedHex(_ value: UInt64, width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
