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
}
