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
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return out
    }

    /// Appends the quoted-printable form of `bytes` to `out` (see ``encode(_:)``); no
    /// allocation per character.
    public static func encode(_ bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        let encoded: [UInt8]
        if let direct = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) {
            encoded = direct
        } else {
            encoded = Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
        }
        if out.isEmpty { out = encoded } else { out.append(contentsOf: encoded) }
    }

    /// The encoder proper, writing into a buffer sized for the worst case (every byte escaped
    /// to three, a soft break every 25 input bytes, a final CRLF) instead of growing an array.
    static func encode(buffer p: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let n = p.count
        let capacity = n * 3 + (n / 25 + 1) * 3 + 4
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            hex.withUnsafeBufferPointer { hex in
                var o = 0
                var lineLength = 0
                var index = 0
                while index < n {
                    let byte = p[index]
                    if byte == 13 || byte == 10 {
                        // Hard line break; treat CRLF as one.
                        if byte == 13, index + 1 < n, p[index + 1] == 10 { index += 1 }
                        out[o] = 13
                        out[o + 1] = 10
                        o += 2
                        lineLength = 0
                        index += 1
                        continue
                    }
                    let escape: Bool
                    switch byte {
                    case UInt8(ascii: " "), UInt8(ascii: "\t"):
                        // Whitespace before a line break (or the end) is escaped.
                        escape = index + 1 >= n || p[index + 1] == 13 || p[index + 1] == 10
                    case UInt8(ascii: "="):
                        escape = true
                    case UInt8(ascii: "."):
                        escape = lineLength == 0
                    case 33...126:
                        escape = false
                    default:
                        escape = true
                    }
                    let width = escape ? 3 : 1
                    // Keep room for the soft-break "=".
                    if lineLength + width > 75 {
                        out[o] = UInt8(ascii: "=")
                        out[o + 1] = 13
                        out[o + 2] = 10
                        o += 3
                        lineLength = 0
                    }
                    if escape {
                        out[o] = UInt8(ascii: "=")
                        out[o + 1] = hex[Int(byte >> 4)]
                        out[o + 2] = hex[Int(byte & 0x0F)]
                        o += 3
                    } else {
                        out[o] = byte
                        o += 1
                    }
                    lineLength += width
                    index += 1
                }
                count = o
            }
        }
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
