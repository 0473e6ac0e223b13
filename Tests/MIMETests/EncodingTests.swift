import Foundation
import MIME
import Testing

@Suite("Quoted-printable and RFC 2047")
struct EncodingTests {
    @Test("QP vectors", arguments: [
        ("plain ascii", "plain ascii"),
        ("a=b", "a=3Db"),
        ("trailing space \nnext", "trailing space=20\r\nnext"),
        ("Grüße", "Gr=C3=BC=C3=9Fe"),
        ("tab\t", "tab=09"),
        (".leading dot", "=2Eleading dot"),
    ])
    func quotedPrintableVectors(input: String, expected: String) {
        #expect(String(decoding: QuotedPrintable.encode(Array(input.utf8)), as: UTF8.self) == expected)
        #expect(QuotedPrintable.decode(Array(expected.utf8)) == Array(input.utf8.map { $0 }).replacingLF())
    }

    @Test func quotedPrintableSoftBreaksKeepLinesShort() async throws {
        let long = String(repeating: "abcdefghij", count: 30) + "é" + String(repeating: "x=", count: 50)
        let encoded = QuotedPrintable.encode(Array(long.utf8))
        for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76)
        }
        #expect(QuotedPrintable.decode(encoded) == Array(long.utf8))
        // Python's quopri agrees.
        let decoded = try await runPython("import sys, quopri; sys.stdout.buffer.write(quopri.decodestring(sys.stdin.buffer.read()))", input: encoded)
        #expect(decoded == long)
    }

    @Test func quotedPrintableRoundTripsRandomBytesWithShortLines() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...300, using: &generator)
            // Mostly worst cases: bytes that must be escaped, blanks, dots and line breaks.
            let alphabet: [UInt8] = [0x00, 0xFF, 0xC3, 61, 46, 32, 9, 13, 10, 65, 122]
            let input = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let encoded = QuotedPrintable.encode(input)
            #expect(encoded.allSatisfy { $0 == 13 || $0 == 10 || (33...126).contains($0) || $0 == 32 || $0 == 9 })
            for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
            // Every line break (CRLF, bare CR, bare LF) comes back as CRLF.
            var expected: [UInt8] = []
            var i = 0
            while i < input.count {
                if input[i] == 13 || input[i] == 10 {
                    if input[i] == 13, i + 1 < input.count, input[i + 1] == 10 { i += 1 }
                    expected += [13, 10]
                } else {
                    expected.append(input[i])
                }
                i += 1
            }
            #expect(QuotedPrintable.decode(encoded) == expected, "input \(input)")
        }
    }

    @Test func encodedWordVectors() {
        #expect(EncodedWord.encode("Hello Wörld") == ["=?UTF-8?Q?Hello_W=C3=B6rld?="])
        #expect(EncodedWord.encode("Grüße") == ["=?UTF-8?B?R3LDvMOfZQ==?="])
        #expect(!EncodedWord.needsEncoding("plain"))
        #expect(EncodedWord.needsEncoding("naïve"))
    }

    @Test("Encoded words decode back with Python and fold within 78", arguments: [
        "Ihre Rechnung – Zahlungserinnerung für März 2026, bitte prüfen Sie die Beträge sorgfältig",
        "日本語の件名はとても長いのでいくつかのエンコードされた単語に分割されなければなりません",
        "Emoji 🎉🎉🎉 party 👨‍👩‍👧‍👦 family and mixed text ünd so weiter und so fort",
    ])
    func encodedWordsRoundTrip(subject: String) async throws {
        let field = try HeaderField.unstructured("Subject", subject)
        let rendered = try field.rendered()
        for line in rendered.components(separatedBy: "\r\n") where !line.isEmpty {
            #expect(line.utf8.count <= 78)
        }
        for word in field.value.split(separator: " ") {
            #expect(word.utf8.count <= 75)
        }
        let script = "import sys, email; from email import policy; m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default); sys.stdout.write(str(m['Subject']))"
        let decoded = try await runPython(script, input: Array((rendered + "\r\nbody\r\n").utf8))
        #expect(decoded == subject)
    }

    @Test func headerInjectionIsRefused() {
        #expect(throws: MIMEError.headerInjection("Subject")) { try HeaderField.unstructured("Subject", "hi\r\nBcc: victim@example.com") }
        #expect(throws: MIMEError.headerInjection("X")) { try HeaderField("X-Test", "a\nb") }
        #expect(throws: MIMEError.invalidHeaderName("")) { try HeaderField("Bad Name", "v") }
    }

    @Test func transferEncodingChoice() {
        #expect(ContentTransferEncoding.forText(Array("Hello\r\nWorld\r\n".utf8)) == .sevenBit)
        #expect(ContentTransferEncoding.forText(Array("Sehr geehrte Frau Müller, vielen Dank für Ihre Zahlung.".utf8)) == .quotedPrintable)
        #expect(ContentTransferEncoding.forText(Array("Здравствуйте, спасибо за оплату".utf8)) == .base64)
        #expect(ContentTransferEncoding.forText(Array(String(repeating: "a", count: 100).utf8)) == .quotedPrintable)
    }

    @Test func dateFormat() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_772_000_000)) == "Wed, 25 Feb 2026 06:13:20 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }
}

extension Array where Element == UInt8 {
    /// LF → CRLF (QP turns line breaks into CRLF).
    func replacingLF() -> [UInt8] {
        var out: [UInt8] = []
        for byte in self {
            if byte == 10 { out.append(13) }
            out.append(byte)
        }
        return out
    }
}
