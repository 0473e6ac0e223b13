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

    /// Converts bare LF and bare CR to CRLF.
    static func normalizingLineBreaks(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 40)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                out.append(13)
                out.append(10)
                if index + 1 < bytes.count && bytes[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                out.append(13)
                out.append(10)
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }
}
