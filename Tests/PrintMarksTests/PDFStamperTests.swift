import Foundation
import HeraldTestSupport
import Letterpress
import PDF
import Testing

/// The stamper on letters the PDF writer produced: the result is a valid incremental update
/// (qpdf), has the expected pages (pdfinfo) and keeps the original text (pdftotext).
@Suite("PDFStamper: incremental updates of the writer's PDFs")
struct PDFStamperTests {
    @Test("Blank pages are appended with the last page's size; the original bytes are kept")
    func blankPages() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.letter(pages: 3)
        let stamper = try PDFStamper(original)
        #expect(stamper.pageCount == 3)
        #expect(stamper.mediaBoxes.allSatisfy { abs($0.width - 595.276) < 0.01 && abs($0.height - 841.89) < 0.01 && $0.x == 0 && $0.y == 0 })
        let stamped = try stamper.stamped(appendingBlankPages: 2)
        #expect(Array(stamped.prefix(original.count)) == original)

        let path = try scratch.write("blank.pdf", stamped)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.pages(path) == 5)
        let info = try await TestProcess.run("pdfinfo", ["-f", "5", "-l", "5", path])
        #expect(info.output.contains("Page    5 size:  595.276 x 841.89 pts"), "\(info.output)")
        let before = try await Checkers.text(try scratch.write("original.pdf", original))
        let after = try await Checkers.text(path)
        #expect(Array(after.prefix(3)) == before)
        #expect(after.dropFirst(3).allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
        #expect(before.count == 3 && before[2].contains("Page 3 of the letter"))
    }

    @Test("Fills become a content stream after the page's own; text and page count are kept")
    func fills() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.letter(pages: 2)
        let square = PDFStamper.Rect(x: 10, y: 400, width: 20, height: 20)
        let stamped = try PDFStamper(original).stamped(fills: [0: [square], 1: [square, PDFStamper.Rect(x: 10, y: 300, width: 5, height: 5)]])
        let path = try scratch.write("fills.pdf", stamped)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.pages(path) == 2)
        #expect(try await Checkers.text(path) == (try await Checkers.text(try scratch.write("original.pdf", original))))

        // The square is black where it was drawn and the page is white elsewhere in the strip.
        let gray = try await TestProcess.run("pdftoppm", ["-r", "72", "-gray", "-f", "1", "-l", "1", "-x", "0", "-y", "0",
                                                          "-W", "60", "-H", "842", path])
        try #require(gray.status == 0, "pdftoppm: \(gray.errors)")
        let pixels = try Self.pgmPixels([UInt8](gray.stdout))
        #expect(pixels.width == 60)
        #expect(pixels.at(20, 842 - 410) < 40, "inside the square")
        #expect(pixels.at(45, 842 - 410) > 215, "right of the square")
        #expect(pixels.at(20, 842 - 440) > 215, "above the square")
    }

    @Test("A stamped PDF can be stamped again (/Prev chain, /Contents already an array)")
    func stampTwice() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.letter(pages: 1)
        let once = try PDFStamper(original).stamped(appendingBlankPages: 1, fills: [0: [PDFStamper.Rect(x: 5, y: 5, width: 10, height: 10)]])
        let again = try PDFStamper(once)
        #expect(again.pageCount == 2)
        let twice = try again.stamped(appendingBlankPages: 1, fills: [0: [PDFStamper.Rect(x: 20, y: 5, width: 10, height: 10)],
                                                                      1: [PDFStamper.Rect(x: 5, y: 5, width: 10, height: 10)],
                                                                      2: [PDFStamper.Rect(x: 5, y: 5, width: 10, height: 10)]])
        #expect(Array(twice.prefix(once.count)) == once)
        let path = try scratch.write("twice.pdf", twice)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.pages(path) == 3)
        #expect(try await Checkers.text(path).first?.contains("Page 1 of the letter") == true)
    }

    @Test("A PDF/A-2b letter (metadata, output intent) stamps as well; /Info and the first /ID half are kept")
    func archival() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.letter(pages: 3, profile: .pdfA2b)
        let stamped = try PDFStamper(original).stamped(appendingBlankPages: 1, fills: [0: [PDFStamper.Rect(x: 5, y: 5, width: 10, height: 10)]])
        let path = try scratch.write("archival.pdf", stamped)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.pages(path) == 4)
        let info = try await TestProcess.run("pdfinfo", [path])
        #expect(info.output.contains("Title:           Test letter"), "\(info.output)")
        let trailer = String(decoding: stamped.suffix(400), as: UTF8.self)
        let firstID = String(decoding: original.suffix(200), as: UTF8.self).split(separator: "/ID [")[1].prefix(34)
        #expect(trailer.contains("/ID [\(firstID) <"), "\(trailer)")
        #expect(trailer.contains("/Prev "), "\(trailer)")
    }

    @Test("Nothing to do returns the bytes unchanged; a fill on a missing page is refused")
    func edges() throws {
        let original = try Letters.letter(pages: 1)
        let stamper = try PDFStamper(original)
        #expect(try stamper.stamped() == original)
        #expect(throws: PDFStampError.pageOutOfRange(page: 2, pageCount: 2)) {
            try stamper.stamped(appendingBlankPages: 1, fills: [2: [PDFStamper.Rect(x: 0, y: 0, width: 1, height: 1)]])
        }
    }

    @Test("Cross-reference streams, object streams, encryption and non-PDFs are refused by name")
    func refusals() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try scratch.write("in.pdf", try Letters.letter(pages: 1))

        let streams = scratch.url.appendingPathComponent("objstm.pdf").path
        let generated = try await TestProcess.run("qpdf", ["--object-streams=generate", input, streams])
        try #require(generated.status == 0, "qpdf: \(generated.errors)")
        #expect(throws: PDFStampError.crossReferenceStream) { try PDFStamper(Array(try Data(contentsOf: URL(fileURLWithPath: streams)))) }

        let encrypted = scratch.url.appendingPathComponent("encrypted.pdf").path
        let encrypt = try await TestProcess.run("qpdf", ["--encrypt", "", "owner", "256", "--", input, encrypted])
        try #require(encrypt.status == 0, "qpdf: \(encrypt.errors)")
        #expect(throws: PDFStampError.encrypted) { try PDFStamper(Array(try Data(contentsOf: URL(fileURLWithPath: encrypted)))) }

        #expect(throws: PDFStampError.self) { try PDFStamper(Array("hello, world".utf8)) }
        var truncated = try Letters.letter(pages: 1)
        truncated.removeLast(200)
        #expect(throws: PDFStampError.self) { try PDFStamper(truncated) }
    }

    /// A binary PGM (P5) image's gray levels.
    struct Gray {
        var width: Int
        var pixels: [UInt8]
        func at(_ x: Int, _ y: Int) -> UInt8 { pixels[y * width + x] }
    }

    static func pgmPixels(_ bytes: [UInt8]) throws -> Gray {
        var fields: [String] = []
        var index = 0
        while fields.count < 4 {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
            let start = index
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x0A { index += 1 }
            fields.append(String(decoding: bytes[start..<index], as: UTF8.self))
        }
        index += 1
        try #require(fields[0] == "P5")
        let width = try #require(Int(fields[1]))
        return Gray(width: width, pixels: Array(bytes[index...]))
    }
}
