import Foundation
@testable import MIME
import Testing

@Suite("Line breaks and text parts")
struct LineBreakTests {
    /// The line-break normaliser against a plain reading of the rule, on random mixes of CR,
    /// LF and text: CRLF stays, a bare CR or LF becomes CRLF, nothing else changes.
    @Test func bareBreaksBecomeCRLF() {
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < bytes.count {
                if bytes[i] == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 {
                    out += [13, 10]
                    i += 2
                } else if bytes[i] == 13 || bytes[i] == 10 {
                    out += [13, 10]
                    i += 1
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            return out
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [13, 10, 65, 0xC3, 0xA9, 32]
        for _ in 0..<2_000 {
            let input = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(ContentTransferEncoding.normalizingLineBreaks(input) == reference(input), "\(input)")
        }
    }

    /// A 7bit part is sent as its normalised text, ending with CRLF.
    @Test func sevenBitPartsAreTheNormalisedText() throws {
        let part = try MIMEPart.text("line one\nline two\rthree", subtype: "plain")
        guard case .encoded(let body) = part.body else { Issue.record("not a leaf"); return }
        #expect(String(decoding: body, as: UTF8.self) == "line one\r\nline two\r\nthree\r\n")
        #expect(part.headers.map(\.value).contains("7bit"))
        let empty = try MIMEPart.text("", subtype: "plain")
        guard case .encoded(let nothing) = empty.body else { Issue.record("not a leaf"); return }
        #expect(nothing.isEmpty)
    }

    /// Unwrapped base64 (DKIM's `bh=` and `b=`) is standard base64 in one run; wrapped, the
    /// same characters in lines of 76.
    @Test func base64UnwrappedAndWrappedAgreeWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 32, 56, 57, 58, 64, 200] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var flat: [UInt8] = []
            Base64Lines.encode(bytes, into: &flat, wrapped: false)
            #expect(String(decoding: flat, as: UTF8.self) == Data(bytes).base64EncodedString())
            let lines = Base64Lines.encode(bytes)
            #expect(lines.filter { $0 != 13 && $0 != 10 } == flat)
        }
    }

}
