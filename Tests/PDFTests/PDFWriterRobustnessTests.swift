import Foundation
import OpenType
import Testing
@testable import PDF

/// Odd input must never crash and must still give a well-formed file.
@Suite struct PDFWriterRobustnessTests {
    @Test func oddValuesGiveAValidFile() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions(title: "\u{1}ctrl\r\n", conformance: .pdfA2b))
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: .nan, height: -5)  // falls back to A4
        page.fill(x: .infinity, y: .nan, width: 1e300, height: -1e300, color: PDFColor(red: 2, green: -1, blue: .nan))
        page.line(x1: 0, y1: 0, x2: 10, y2: 10, width: .nan, color: .black)
        page.line(x1: 0, y1: 0, x2: 10, y2: 10, width: 1, color: .black, dash: [0, 0, -1, .infinity])
        page.text(font: ref, size: 12, color: .black, x: 10, baseline: 10, glyphs: [])
        page.text(font: ref, size: .nan, color: .black, x: 10, baseline: 10, glyphs: [PDFGlyph(id: 1, x: 0, text: "")])
        page.text(font: ref, size: 12, color: .black, x: 10, baseline: 10, glyphs: [
            PDFGlyph(id: 65535, x: .nan, text: "?"), PDFGlyph(id: 0, x: 3, text: ""), PDFGlyph(id: font.glyphID(for: "a"), x: -1e12, text: "a"),
        ])
        page.text(font: PDFFontRef(index: 7), size: 12, color: .black, x: 0, baseline: 0, glyphs: [PDFGlyph(id: 1, x: 0, text: "x")])
        page.link(x: 0, y: 0, width: 10, height: 10, uri: "")
        writer.end(page: page)
        writer.end(page: page)  // twice: ignored
        #expect(throws: PDFError.unknownReference("font #8 was not registered with this writer")) { try writer.finish() }

        let clean = PDFWriter(options: PDFOptions(title: "\u{1}ctrl\r\n", conformance: .pdfA2b))
        let cleanRef = try clean.register(font: font)
        let cleanPage = clean.beginPage(width: .nan, height: -5)
        cleanPage.fill(x: .infinity, y: .nan, width: 1e300, height: -1e300, color: PDFColor(red: 2, green: -1, blue: .nan))
        cleanPage.line(x1: 0, y1: 0, x2: 10, y2: 10, width: 1, color: .black, dash: [0, 0, -1, .infinity])
        cleanPage.text(font: cleanRef, size: 12, color: .black, x: 10, baseline: 10, glyphs: [
            PDFGlyph(id: 65535, x: .nan, text: "?"), PDFGlyph(id: font.glyphID(for: "a"), x: -1e12, text: "a"),
        ])
        let pdf = try clean.finish()
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/Title (ctrl\\n)"))
        #expect(text.contains("/MediaBox [0 0 595.276 841.89]"))
        _ = try PDFInspector.verifyCrossReference(pdf)
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "odd.pdf")
        let check = try await ExternalTool.run("qpdf", ["--check", path])
        #expect(check.status == 0, "qpdf: \(check.text) \(check.stderr)")
    }

    @Test func documentWithoutPagesIsWellFormed() async throws {
        let pdf = try PDFWriter(options: PDFOptions()).finish()
        #expect(String(decoding: pdf, as: UTF8.self).contains("<< /Type /Pages /Kids [] /Count 0 >>"))
        _ = try PDFInspector.verifyCrossReference(pdf)
    }
}
