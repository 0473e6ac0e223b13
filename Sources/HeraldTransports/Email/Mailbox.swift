import Foundation
import HeraldCore
import MIME

/// Reads Herald's address strings (`addr`, `Name <addr>`, `"Doe, Jane" <addr>`) into
/// `EmailAddress` values, refusing CR/LF anywhere.
enum Mailbox {
    static func parse(_ text: String, field: String) throws -> EmailAddress {
        guard !text.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
            throw HeraldError.invalid(field, "the \(field) address contains CR or LF")
        }
        let trimmed = text.trimmingBlanks
        var address = trimmed
        var name: String?
        // Byte scans (an ASCII byte's index is a valid String index): no grapheme breaking.
        if trimmed.utf8.last == UInt8(ascii: ">"), let open = trimmed.utf8.lastIndex(of: UInt8(ascii: "<")) {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var display = trimmed[..<open].trimmingBlanks
            if display.utf8.count >= 2, display.utf8.first == UInt8(ascii: "\""), display.utf8.last == UInt8(ascii: "\"") {
                display = String(display.dropFirst().dropLast())
                var unescaped = ""
                var escaping = false
                for ch in display {
                    if !escaping && ch == "\\" { escaping = true; continue }
                    escaping = false
                    unescaped.append(ch)
                }
                display = unescaped
            }
            name = display.isEmpty ? nil : display
        }
        do {
            return try EmailAddress(address, displayName: name)
        } catch let error as MIMEError {
            throw HeraldError.invalid(field, "\(field): \(error.reason)")
        }
    }

    /// The addr-spec of `text` (no display name), or nil when it is not a valid address.
    static func addrSpec(_ text: String) -> String? {
        try? parse(text, field: "address").address
    }
}
