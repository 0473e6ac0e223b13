import Foundation
import HeraldCore

/// A plain RFC 5322 / MIME composer: `multipart/alternative` with a UTF-8 text part and an HTML
/// part, both base64; RFC 2047 encoded words for non-ASCII subjects and display names. The full
/// MIME module (inline images, attachments, DKIM) replaces it in the email issue.
public struct BasicEmailComposer: EmailComposer {
    public init() {}

    public func compose(_ c: EmailContent) throws -> Data {
        for (field, value) in [("from", c.from), ("to", c.to), ("subject", c.subject)] where value.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw HeraldError.invalid(field, "header \(field) must not contain line breaks")
        }
        let boundary = "=_herald_" + c.messageId.filter { $0.isLetter || $0.isNumber }.prefix(32)
        let text = c.text ?? HTMLText.plainText(fromHTML: c.html)
        var lines: [String] = [
            "From: \(EncodedWord.address(c.from))",
            "To: \(EncodedWord.address(c.to))",
        ]
        if let r = c.replyTo { lines.append("Reply-To: \(EncodedWord.address(r))") }
        lines += [
            "Subject: \(EncodedWord.encodeIfNeeded(c.subject))",
            "Date: \(RFC5322Date.format(c.date))",
            "Message-ID: \(c.messageId)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Base64Lines.wrap(Data(text.utf8)),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Base64Lines.wrap(Data(c.html.utf8)),
            "--\(boundary)--",
            "",
        ]
        return Data(lines.joined(separator: "\r\n").utf8)
    }
}

/// RFC 2047 encoded words.
enum EncodedWord {
    static func encodeIfNeeded(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { !$0.isASCII }) else { return s }
        // Split into chunks whose encoded word stays under 75 octets.
        var words: [String] = []
        var chunk = ""
        for ch in s {
            let candidate = chunk + String(ch)
            if Data(candidate.utf8).base64EncodedString().count > 60, !chunk.isEmpty {
                words.append(chunk)
                chunk = String(ch)
            } else {
                chunk = candidate
            }
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// `Display Name <addr>` with the display name encoded when non-ASCII.
    static func address(_ s: String) -> String {
        guard let open = s.lastIndex(of: "<") else { return s }
        let name = s[..<open].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.unicodeScalars.contains(where: { !$0.isASCII }) else { return s }
        let unquoted = name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
        return encodeIfNeeded(unquoted) + " " + s[open...]
    }
}

/// Base64 in lines of 76 characters (RFC 2045 §6.8).
enum Base64Lines {
    static func wrap(_ data: Data) -> String {
        let s = data.base64EncodedString()
        var out: [Substring] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 76, limitedBy: s.endIndex) ?? s.endIndex
            out.append(s[i..<j])
            i = j
        }
        return out.joined(separator: "\r\n")
    }
}

/// `Fri, 27 Nov 2026 14:01:01 +0000`.
enum RFC5322Date {
    static func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .gmt
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }
}

/// A readable text rendering of simple HTML, for the text alternative.
public enum HTMLText {
    public static func plainText(fromHTML html: String) -> String {
        var s = html
        for (pattern, replacement) in [
            ("(?is)<(script|style|head)[^>]*>.*?</\\1>", ""),
            ("(?i)<br\\s*/?>", "\n"),
            ("(?i)</(p|div|h[1-6]|li|tr|table)>", "\n"),
            ("(?i)<li[^>]*>", "- "),
            ("<[^>]+>", ""),
        ] {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        for (entity, char) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: entity, with: char)
        }
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [String] = []
        for line in lines where !(line.isEmpty && (out.last?.isEmpty ?? true)) { out.append(line) }
        return out.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
