import Foundation
@testable import HeraldTransports
import Testing

/// The email sender's header reader: the first values of the fields it asks for, read in
/// place, agree with the plain unfolding parser.
struct MessageHeadersTests {
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
        let plain = MessageHeaders(bytes)
        let fast = MessageHeaders.firstValues(["from", "message-id"], in: bytes)
        #expect(fast["from"] == plain["from"])
        #expect(fast["message-id"] == plain["message-id"])
    }

    @Test func foldedValuesAreJoinedAndTrimmed() {
        let bytes = Array("From: Jane\r\n  <jane@example.org>\r\nMessage-ID: <m@x>\r\n\r\n".utf8)
        #expect(MessageHeaders.firstValues(["from", "message-id"], in: bytes) == ["from": "Jane <jane@example.org>", "message-id": "<m@x>"])
    }
}
