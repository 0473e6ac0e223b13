import Foundation

/// RFC 2047 encoded words (`=?UTF-8?Q?...?=` / `=?UTF-8?B?...?=`) for non-ASCII header text.
public enum EncodedWord {
    /// Where the encoded words will stand; a phrase (display name) allows fewer literal characters in Q.
    public enum Context: Sendable {
        /// Unstructured text such as `Subject`.
        case text
        /// A `phrase`, such as the display name in an address.
        case phrase
    }

    /// The longest encoded word allowed (RFC 2047 §2).
    public static let maximumLength = 75

    /// Whether `text` must be encoded to appear in a header (it has non-ASCII or control characters).
    public static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 >= 127 || ($0 < 32 && $0 != 9) }
    }

    /// Encodes `text` as a list of encoded words, each at most 75 characters, never splitting a
    /// character; joined with a space they decode back to `text`. Q or B is chosen per text,
    /// whichever is shorter.
    /// `firstWordLimit` shortens the first word so that it fits after the field name.
    public static func encode(_ text: String, context: Context = .text, firstWordLimit: Int = maximumLength) -> [String] {
        let qLength = text.utf8.reduce(0) { $0 + (isLiteralQ($1, context) ? 1 : 3) }
        let bLength = (text.utf8.count + 2) / 3 * 4
        let useQ = qLength <= bLength
        let prefix = useQ ? "=?UTF-8?Q?" : "=?UTF-8?B?"
        let budget = maximumLength - prefix.utf8.count - 2
        let firstBudget = max(min(firstWordLimit, maximumLength) - prefix.utf8.count - 2, 4)

        var words: [String] = []
        var pending: [UInt8] = []
        pending.reserveCapacity(maximumLength)
        // The encoded length of `pending`, kept as characters are added (Q: per byte; B: from the count).
        var pendingQLength = 0
        func flush() {
            guard !pending.isEmpty else { return }
            words.append(prefix + (useQ ? qEncode(pending, context) : Data(pending).base64EncodedString()) + "?=")
            pending.removeAll(keepingCapacity: true)
            pendingQLength = 0
        }
        for character in text {
            let bytes = character.utf8
            let qLength = useQ ? bytes.reduce(0) { $0 + (isLiteralQ($1, context) ? 1 : 3) } : 0
            let grown = useQ ? pendingQLength + qLength : (pending.count + bytes.count + 2) / 3 * 4
            if !pending.isEmpty && grown > (words.isEmpty ? firstBudget : budget) { flush() }
            pending.append(contentsOf: bytes)
            pendingQLength += qLength
        }
        flush()
        return words
    }

    private static func isLiteralQ(_ byte: UInt8, _ context: Context) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        case 33...126 where context == .text:
            return byte != UInt8(ascii: "=") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "_")
        default:
            return false
        }
    }

    private static func qEncode(_ bytes: [UInt8], _ context: Context) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "_"))
            } else if isLiteralQ(byte, context) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
