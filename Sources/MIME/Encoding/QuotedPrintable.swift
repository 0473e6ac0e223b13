/// Quoted-printable content transfer encoding (RFC 2045 §6.7).
public enum QuotedPrintable {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Encodes `bytes` as quoted-printable body text with CRLF line breaks.
    ///
    /// Line breaks in the input (CRLF, LF or CR) become hard CRLF breaks; encoded lines are at
    /// most 76 characters (soft breaks `=` CRLF are inserted); whitespace before a line break,
    /// `=`, controls and 8-bit bytes are encoded; a `.` at the start of a line is encoded too,
    /// so the part is safe for transports that mishandle it.
    public static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 8)
        var lineLength = 0
        var index = 0

        func emit(_ chunk: [UInt8]) {
            // Keep room for the soft-break "=".
            if lineLength + chunk.count > 75 {
                out.append(UInt8(ascii: "="))
                out.append(13)
                out.append(10)
                lineLength = 0
            }
            out.append(contentsOf: chunk)
            lineLength += chunk.count
        }
        func escaped(_ byte: UInt8) -> [UInt8] {
            [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }

        while index < input.count {
            let byte = input[index]
            if byte == 13 || byte == 10 {
                // Hard line break; treat CRLF as one.
                if byte == 13, index + 1 < input.count, input[index + 1] == 10 { index += 1 }
                out.append(13)
                out.append(10)
                lineLength = 0
                index += 1
                continue
            }
            let nextIsBreak = index + 1 >= input.count || input[index + 1] == 13 || input[index + 1] == 10
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                emit(nextIsBreak ? escaped(byte) : [byte])
            case UInt8(ascii: "="):
                emit(escaped(byte))
            case UInt8(ascii: ".") where lineLength == 0:
                emit(escaped(byte))
            case 33...126:
                emit([byte])
            default:
                emit(escaped(byte))
            }
            index += 1
        }
        return out
    }

    /// Decodes quoted-printable text (soft breaks removed, `=XX` decoded); lenient about bad escapes.
    public static func decode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        var index = 0
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < input.count, input[index + 1] == 13, input[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 1 < input.count, input[index + 1] == 10 {
                    index += 2
                    continue
                }
                if index + 2 < input.count, let high = nibble(input[index + 1]), let low = nibble(input[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
