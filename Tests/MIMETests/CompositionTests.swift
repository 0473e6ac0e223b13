import Foundation
import MIME
import Testing

@Suite("MIME composition, checked with Python's email package")
struct CompositionTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<600).map { UInt8($0 % 256) }
    static let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<3000).map { UInt8(($0 * 7) % 256) }

    static func fullMessage() throws -> EmailMessage {
        EmailMessage(
            from: try EmailAddress("noreply@example.com", displayName: "Stadtwerke Köln"),
            to: [try EmailAddress("kunde@example.org", displayName: "Müller, Anna")],
            cc: [try EmailAddress("copy@example.org")],
            replyTo: [try EmailAddress("service@example.com")],
            subject: "Ihre Rechnung für März – bitte prüfen",
            text: "Sehr geehrte Frau Müller,\n\nIhre Rechnung über 12,50 € liegt bei.\n. a line starting with a dot\n",
            html: "<html><body><p>Sehr geehrte Frau Müller,</p><img src=\"cid:logo@herald\"></body></html>",
            inlineImages: [.init(contentID: "logo@herald", contentType: "image/png", filename: "logo.png", data: png)],
            attachments: [.init(filename: "Rechnung März.pdf", contentType: "application/pdf", data: pdf)],
            messageID: "test-1@example.com",
            date: Date(timeIntervalSince1970: 1_772_000_000),
            listUnsubscribe: .init(uris: ["https://example.com/u/abc", "mailto:unsub@example.com?subject=u"], oneClick: true),
            additionalHeaders: [try HeaderField("X-Herald-Comm", "42")])
    }

    @Test func fullStructure() async throws {
        let composed = try Self.fullMessage().compose()
        #expect(composed.messageID == "test-1@example.com")
        let lines = checkLines(composed.bytes)
        #expect(lines.allCRLF)
        #expect(lines.longest <= 78)

        let parsed = try await parseWithPython(composed.bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == "Ihre Rechnung für März – bitte prüfen")
        #expect(parsed.From?.first == ["Stadtwerke Köln", "noreply@example.com"])
        #expect(parsed.To?.first == ["Müller, Anna", "kunde@example.org"])
        #expect(parsed.headers["Message-ID"] == "<test-1@example.com>")
        #expect(parsed.headers["MIME-Version"] == "1.0")
        #expect(parsed.headers["Date"] == "Wed, 25 Feb 2026 06:13:20 +0000")
        #expect(parsed.headers["List-Unsubscribe"] == "<https://example.com/u/abc>, <mailto:unsub@example.com?subject=u>")
        #expect(parsed.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
        #expect(parsed.headers["X-Herald-Comm"] == "42")

        // mixed(alternative(text, related(html, image)), pdf)
        #expect(parsed.type == "multipart/mixed")
        let top = try #require(parsed.parts)
        #expect(top.map(\.type) == ["multipart/alternative", "application/pdf"])
        let alternative = try #require(top[0].parts)
        #expect(alternative.map(\.type) == ["text/plain", "multipart/related"])
        #expect(alternative[0].text == "Sehr geehrte Frau Müller,\n\nIhre Rechnung über 12,50 € liegt bei.\n. a line starting with a dot\n")
        #expect(alternative[0].cte == "quoted-printable")
        let related = try #require(alternative[1].parts)
        #expect(related.map(\.type) == ["text/html", "image/png"])
        #expect(related[0].text?.contains("cid:logo@herald") == true)
        #expect(related[1].cid == "<logo@herald>")
        #expect(related[1].disposition == "inline")
        let pngHash = await sha256Hex(Self.png)
        #expect(related[1].sha256 == pngHash)
        #expect(top[1].filename == "Rechnung März.pdf")
        #expect(top[1].disposition == "attachment")
        #expect(top[1].cte == "base64")
        let pdfHash = await sha256Hex(Self.pdf)
        #expect(top[1].sha256 == pdfHash)
    }

    @Test func textOnlyAndHTMLOnly() async throws {
        let from = try EmailAddress("a@example.com")
        let textOnly = try await parseWithPython(EmailMessage(from: from, to: [from], subject: "t", text: "just text").compose().bytes)
        #expect(textOnly.type == "text/plain")
        #expect(textOnly.text == "just text\n")
        let htmlOnly = try await parseWithPython(EmailMessage(from: from, to: [from], subject: "h", html: "<p>x</p>").compose().bytes)
        #expect(htmlOnly.type == "text/html")
        let both = try await parseWithPython(EmailMessage(from: from, to: [from], subject: "b", text: "x", html: "<p>x</p>").compose().bytes)
        #expect(both.type == "multipart/alternative")
        #expect(both.parts?.map(\.type) == ["text/plain", "text/html"])
    }

    @Test func base64ForMostlyNonASCIIAndLongLines() async throws {
        let from = try EmailAddress("a@example.com")
        let russian = "Здравствуйте! Ваш счёт готов.\nСпасибо."
        let longLine = String(repeating: "0123456789", count: 250)  // 2500 octets, no spaces
        let parsed = try await parseWithPython(
            EmailMessage(from: from, to: [from], subject: "Счёт", text: russian, html: "<p>\(longLine)</p>").compose().bytes)
        let parts = try #require(parsed.parts)
        #expect(parts[0].cte == "base64")
        #expect(parts[0].text == russian + "\n")
        #expect(parts[1].cte == "quoted-printable")
        #expect(parts[1].text == "<p>\(longLine)</p>\n")
        #expect(parsed.subject == "Счёт")
        let bytes = try EmailMessage(from: from, to: [from], subject: "Счёт", text: russian, html: "<p>\(longLine)</p>").compose().bytes
        #expect(checkLines(bytes).longest <= 998)
    }

    @Test func generatedMessageIDAndNoUnsubscribeByDefault() throws {
        let from = try EmailAddress("a@mail.example.com")
        let composed = try EmailMessage(from: from, to: [from], subject: "s", text: "t").compose()
        #expect(composed.messageID.hasSuffix("@mail.example.com"))
        let other = try EmailMessage(from: from, to: [from], subject: "s", text: "t").compose()
        #expect(other.messageID != composed.messageID)
        let text = String(decoding: composed.bytes, as: UTF8.self)
        #expect(!text.contains("List-Unsubscribe"))
        #expect(text.contains("Message-ID: <\(composed.messageID)>\r\n"))
    }

    @Test func injectionThroughMergedFieldsIsRefused() throws {
        let from = try EmailAddress("a@example.com")
        #expect(throws: MIMEError.self) {
            try EmailMessage(from: from, to: [from], subject: "Hello\r\nBcc: everyone@example.com", text: "t").compose()
        }
        #expect(throws: MIMEError.self) {
            try EmailMessage(from: from, to: [from], subject: "s", text: "t",
                             attachments: [.init(filename: "a\r\nX-Evil: 1", contentType: "text/plain", data: [])]).compose()
        }
        #expect(throws: MIMEError.self) {
            try EmailMessage(from: from, to: [from], subject: "s", text: "t", listUnsubscribe: .init(uris: ["https://x>\r\nX: y"])).compose()
        }
    }
}

func sha256Hex(_ bytes: [UInt8]) async -> String {
    (try? await runPython("import sys, hashlib; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest(), end='')", input: bytes)) ?? ""
}
