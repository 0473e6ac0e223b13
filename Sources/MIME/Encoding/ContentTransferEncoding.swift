/// The content transfer encoding of one body part, chosen from its bytes.
public enum ContentTransferEncoding: String, Sendable, Hashable {
    /// Pure ASCII text with short lines, sent as is.
    case sevenBit = "7bit"
    /// Quoted-printable: mostly-ASCII text.
    case quotedPrintable = "quoted-printable"
    /// Base64: binary data or text with many non-ASCII bytes.
    case base64 = "base64"

    /// Chooses the encoding for a text part: 7bit when the text is ASCII with lines of at most
    /// 76 octets, quoted-printable when at most a sixth of the bytes need escaping, base64 otherwise.
    public static func forText(_ bytes: [UInt8]) -> ContentTransferEncoding {
        var needsEscape = 0
        var lineLength = 0
        var longLine = false
        for byte in bytes {
            if byte == 10 || byte == 13 {
                lineLength = 0
                continue
            }
            lineLength += 1
            if lineLength > 76 { longLine = true }
            if byte >= 127 || (byte < 32 && byte != 9) || byte == UInt8(ascii: "=") { needsEscape += 1 }
        }
        if needsEscape == 0 && !longLine && !hasTrailingWhitespace(bytes) { return .sevenBit }
        return needsEscape * 6 <= bytes.count ? .quotedPrintable : .base64
    }

    private static func hasTrailingWhitespace(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if (byte == 13 || byte == 10) && (previous == 32 || previous == 9) { return true }
            previous = byte
        }
        return previous == 32 || previous == 9
    }

    /// Encodes `bytes` with this encoding; the result ends with CRLF.
    public func encode(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sevenBit:
            var out = Self.normalizingLineBreaks(bytes)
            if !out.isEmpty && out.last != 10 { out += [13, 10] }
            return out
        case .quotedPrintable:
            var out = QuotedPrintable.encode(bytes)
            if out.last != 10 { out += [13, 10] }
            return out
        case .base64:
            return Base64Lines.encode(bytes)
        }
    }

    /// Converts bare LF and bare CR to CRLF (written into a buffer sized for the worst case, a
    /// break for every byte, instead of growing an array byte by byte).
    static func normalizingLineBreaks(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            return [UInt8](unsafeUninitializedCapacity: n * 2) { out, count in
                var o = 0
                var index = 0
                while index < n {
                    let byte = p[index]
                    if byte == 13 || byte == 10 {
                        out[o] = 13
                        out[o + 1] = 10
                        o += 2
                        if byte == 13 && index + 1 < n && p[index + 1] == 10 { index += 1 }
                    } else {
                        out[o] = byte
                        o += 1
                    }
                    index += 1
                }
                count = o
            }
        }
    }
}
