/// Assembles reply lines (`250-first`, `250-...`, `250 last`) into ``SMTPReply`` values.
///
/// Pure and incremental: feed it one line at a time (without CRLF); it returns a reply when the
/// last line of one arrives.
public struct SMTPReplyParser: Sendable {
    private var code: Int?
    private var lines: [String] = []

    /// Longest accepted reply line (RFC 5321 §4.5.3.1.5 says 512; servers exceed it, so be lenient).
    public static let maximumLineLength = 4096
    /// Most lines in one reply.
    public static let maximumLineCount = 512

    /// Creates an empty parser.
    public init() {}

    /// Feeds one line (without the line break); returns the reply when it is complete.
    public mutating func feed(_ line: some Collection<UInt8>) throws(SMTPError) -> SMTPReply? {
        var bytes = Array(line)
        if bytes.last == 13 { bytes.removeLast() }
        guard bytes.count <= Self.maximumLineLength else { throw SMTPError.protocolError("reply line too long") }
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw SMTPError.protocolError("malformed reply line \(String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription)")
        }
        let lineCode = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        guard (200...599).contains(lineCode) else { throw SMTPError.protocolError("reply code \(lineCode) out of range") }
        if let code, code != lineCode { throw SMTPError.protocolError("reply code changed from \(code) to \(lineCode) within a reply") }
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw SMTPError.protocolError("malformed reply separator")
        }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maximumLineCount else { throw SMTPError.protocolError("reply has too many lines") }
        if separator == UInt8(ascii: "-") { return nil }
        let reply = SMTPReply(code: lineCode, lines: lines)
        code = nil
        lines = []
        return reply
    }

    /// Whether a multi-line reply is partly read.
    public var hasPartialReply: Bool { code != nil }
}
