import Foundation

/// A delivery status notification (RFC 3464) as far as Herald needs it: which message it is
/// about and what became of each recipient.
///
/// ``parse(_:)`` reads a whole bounce message (`multipart/report; report-type=delivery-status`:
/// the `message/delivery-status` part, and the returned `message/rfc822` or
/// `text/rfc822-headers` part for the original `Message-ID`), or just the delivery-status
/// fields as text. A small line parser, not a MIME library: transfer-encoded report parts
/// (rare) are not decoded.
public struct DeliveryStatusNotification: Sendable, Hashable {
    /// One per-recipient block.
    public struct Recipient: Sendable, Hashable {
        /// `Final-Recipient` without its address type (`rfc822;`).
        public var finalRecipient: String?
        /// `failed`, `delayed`, `delivered`, `relayed`, `expanded` (lower case).
        public var action: String
        /// The RFC 3463 status, e.g. `5.1.1`.
        public var status: String
        /// `Diagnostic-Code`, e.g. `smtp; 550 5.1.1 user unknown`.
        public var diagnosticCode: String?

        /// A permanent failure: `Action: failed` with a `5.x.x` status.
        public var isHardBounce: Bool { action == "failed" && status.hasPrefix("5.") }
    }

    /// `Original-Envelope-Id` (the ENVID given at MAIL FROM), if any.
    public var originalEnvelopeId: String?
    /// The original message's `Message-ID` with angle brackets: from an `Original-Message-ID`
    /// field or the returned message's headers.
    public var originalMessageId: String?
    /// The per-recipient blocks, in order.
    public var recipients: [Recipient]
    /// `Arrival-Date`: when the reporting MTA received the message (RFC 5322 date), if given —
    /// the provider's own time, recorded as the comm's actual send time.
    public var arrivalDate: Date?

    /// Parses a DSN; throws `invalidInput` when there are no per-recipient fields.
    public static func parse(_ bytes: [UInt8]) throws -> DeliveryStatusNotification {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var dsn = DeliveryStatusNotification(originalEnvelopeId: nil, originalMessageId: nil, recipients: [])

        let top = headerBlock(lines, from: 0)
        if let type = top.fields["content-type"], type.lowercased().hasPrefix("multipart/"), let boundary = parameter("boundary", in: type) {
            for part in parts(lines, after: top.end, boundary: boundary) {
                let head = headerBlock(part, from: 0)
                let partType = (head.fields["content-type"] ?? "text/plain").lowercased()
                if partType.hasPrefix("message/delivery-status") {
                    dsn.read(statusFields: Array(part[head.end...]))
                } else if partType.hasPrefix("message/rfc822") || partType.hasPrefix("text/rfc822-headers") {
                    let returned = headerBlock(part, from: head.end)
                    if dsn.originalMessageId == nil, let id = returned.fields["message-id"] { dsn.originalMessageId = normalizedMessageId(id) }
                }
            }
        } else {
            // The delivery-status fields alone (or a message carrying them as its body).
            dsn.read(statusFields: lines)
        }
        guard !dsn.recipients.isEmpty else {
            throw HeraldError.invalid("body", "not a delivery status notification: no per-recipient Action/Status fields")
        }
        return dsn
    }

    /// Reads `message/delivery-status` content: blank-line separated groups of fields.
    mutating func read(statusFields lines: [String]) {
        var index = 0
        while index < lines.count {
            let group = Self.headerBlock(lines, from: index)
            if group.fields.isEmpty {
                index = max(group.end, index + 1)
                continue
            }
            if let envid = group.fields["original-envelope-id"], originalEnvelopeId == nil { originalEnvelopeId = envid }
            if let arrival = group.fields["arrival-date"], arrivalDate == nil { arrivalDate = Self.date(arrival) }
            for key in ["original-message-id", "x-original-message-id"] {
                if let id = group.fields[key], originalMessageId == nil { originalMessageId = Self.normalizedMessageId(id) }
            }
            if let action = group.fields["action"], let status = group.fields["status"] {
                let recipient = group.fields["final-recipient"] ?? group.fields["original-recipient"]
                recipients.append(Recipient(
                    finalRecipient: recipient.map(Self.stripAddressType), action: action.lowercased(),
                    status: String(status.split(separator: " ").first ?? ""), diagnosticCode: group.fields["diagnostic-code"]))
            }
            index = group.end
        }
    }

    /// An RFC 5322 date-time (`Mon, 7 Dec 2026 09:30:00 +0000`, the day name optional, a
    /// trailing comment ignored); nil when it is not one.
    public static func date(_ text: String) -> Date? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if let paren = value.firstIndex(of: "(") { value = value[..<paren].trimmingCharacters(in: .whitespaces) }
        if let comma = value.firstIndex(of: ",") { value = value[value.index(after: comma)...].trimmingCharacters(in: .whitespaces) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }

    /// `<id@host>` whatever the input's brackets and spacing.
    public static func normalizedMessageId(_ value: String) -> String {
        var id = value.trimmingCharacters(in: .whitespaces)
        if let open = id.firstIndex(of: "<"), let close = id.lastIndex(of: ">"), open < close {
            id = String(id[id.index(after: open)..<close])
        }
        return "<\(id.trimmingCharacters(in: .whitespaces))>"
    }

    static func stripAddressType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.trimmingCharacters(in: .whitespaces) }
        return value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }

    /// Header fields from `start` up to the next blank line (lower-cased names, unfolded,
    /// first occurrence wins); `end` is the index after the blank line.
    static func headerBlock(_ lines: [String], from start: Int) -> (fields: [String: String], end: Int) {
        var fields: [String: String] = [:]
        var last: String?
        var i = start
        // Leading blank lines are skipped.
        while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 }
        while i < lines.count {
            let line = lines[i]
            i += 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            if line.first == " " || line.first == "\t" {
                if let last { fields[last]? += " " + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { last = nil; continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if fields[name] == nil {
                fields[name] = value
                last = name
            } else {
                last = nil
            }
        }
        return (fields, i)
    }

    /// The body parts between `--boundary` lines.
    static func parts(_ lines: [String], after start: Int, boundary: String) -> [[String]] {
        var parts: [[String]] = []
        var current: [String]?
        for line in lines[min(start, lines.count)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--" + boundary + "--" {
                if let current { parts.append(current) }
                return parts
            }
            if trimmed == "--" + boundary {
                if let current { parts.append(current) }
                current = []
                continue
            }
            current?.append(line)
        }
        if let current { parts.append(current) }
        return parts
    }

    /// A MIME parameter value (`boundary="x"`) from a Content-Type value.
    static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
