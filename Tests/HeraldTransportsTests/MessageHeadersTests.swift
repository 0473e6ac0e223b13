import Foundation
import HeraldCore
@testable import HeraldTransports
import Testing

/// The email sender's header reader: the first values of the fields it asks for, read in
/// place, agree with a plain unfolding parser.
struct MessageHeadersTests {
    /// The reference: every header field up to the first empty line, unfolded (each
    /// continuation line trimmed and joined by a space), the first value per lower-cased name.
    static func unfolded(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var current: (name: String, value: String)?
        func keep() { if let c = current, fields[c.name] == nil { fields[c.name] = c.value } }
        // Lines split on LF bytes ("\r\n" is one Character, so not on the String).
        for raw in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            let line = Substring(String(decoding: raw.last == 13 ? raw.dropLast() : raw, as: UTF8.self))
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                current?.value += " " + line.trimmingBlanks
                continue
            }
            keep()
            current = line.firstIndex(of: ":").map { (line[..<$0].trimmingBlanks.lowercased(), line[line.index(after: $0)...].trimmingBlanks) }
        }
        keep()
        return fields
    }

    @Test("firstValues agrees with the unfolding parser", arguments: [
        "From: Herald <care@herald.example>\r\nTo: a@b.c\r\nMessage-ID: <x1@herald.example>\r\n\r\nbody\r\nFrom: not@header\r\n",
        "DKIM-Signature: v=1; a=ed25519-sha256;\r\n h=from:to;\r\n b=abc\r\nFROM:   \"Doe, Jane\"\r\n <jane@example.org>  \r\nmessage-id:<y@z>\r\n\r\n",
        "Subject: no from\nMessage-Id: \t<lf@only>\n\nFrom: body@only\n",
        "X: 1\r\nFrom : spaced@name\r\n\r\n",
        "Message-ID: <first@one>\r\nMessage-ID: <second@one>\r\nFrom: a@b.c\r\n\r\n",
        "",
    ])
    func agrees(_ text: String) {
        let bytes = Array(text.utf8)
        let plain = Self.unfolded(bytes)
        let fast = MessageHeaders.firstValues(["from", "message-id"], in: bytes)
        #expect(fast["from"] == plain["from"])
        #expect(fast["message-id"] == plain["message-id"])
    }

    @Test func foldedValuesAreJoinedAndTrimmed() {
        let bytes = Array("From: Jane\r\n  <jane@example.org>\r\nMessage-ID: <m@x>\r\n\r\n".utf8)
        #expect(MessageHeaders.firstValues(["from", "message-id"], in: bytes) == ["from": "Jane <jane@example.org>", "message-id": "<m@x>"])
    }
}
