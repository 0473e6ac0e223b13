import Foundation
import OpenType
import Testing
@testable import PDF

@Suite struct PDFWriterTextTests {
    @Test func multilingualPagePassesQPDFCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(try SampleDocuments.multilingual(), to: "text.pdf")
        let check = try await ExternalTool.run("qpdf", ["--check", path])
        #expect(check.status == 0, "qpdf --check failed: \(check.text) \(check.stderr)")
        #expect(check.text.contains("No syntax or stream encoding errors found"))
    }

    @Test func textExtractsExactly() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(try SampleDocuments.multilingual(), to: "text.pdf")
        let output = try await ExternalTool.run("pdftotext", ["-enc", "UTF-8", "-nopgbrk", path, "-"])
        #expect(output.status == 0)
        // pdftotext ends the page with an empty line.
        #expect(output.text == SampleDocuments.multilingualLines.joined(separator: "\n") + "\n\n")
    }

    @Test func fontIsEmbeddedAsTaggedCIDTrueTypeSubset() async throws {
        let pdf = try SampleDocuments.multilingual()
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "text.pdf")
        let output = try await ExternalTool.run("pdffonts", [path])
        let lines = output.text.split(separator: "\n").dropFirst(2)
        #expect(lines.count == 1, "exactly one font expected: \(output.text)")
        let line = String(lines.first ?? "")
        let columns = line.split(separator: " ", omittingEmptySubsequences: true)
        let name = String(columns.first ?? "")
        #expect(name.wholeMatch(of: /[A-Z]{6}\+DejaVuSans/) != nil, "font name \(name)")
        #expect(line.contains("CID TrueType"))
        #expect(line.contains("Identity-H"))
        #expect(columns.suffix(5).prefix(3) == ["yes", "yes", "yes"], "emb/sub/uni: \(line)")
    }

    @Test func subsetContainsOnlyUsedGlyphsAndWidthsMatchTheFont() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions(compressionLevel: 0))
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 200, height: 100)
        let run = TestFonts.layout("AAB", font: font, size: 10)
        page.text(font: ref, size: 10, color: .black, x: 10, baseline: 50, glyphs: run.glyphs)
        writer.end(page: page)
        let text = String(decoding: try writer.finish(), as: UTF8.self)
        let a = Int(font.glyphID(for: "A")), b = Int(font.glyphID(for: "B"))
        let width = { (glyph: Int) in Double(font.advanceWidth(UInt16(glyph))) * 1000 / Double(font.unitsPerEm) }
        #expect(b == a + 1, "DejaVu Sans orders A, B consecutively")
        let match = try #require(text.firstMatch(of: /\/W \[0 \[([0-9.]+)\] ([0-9]+) \[([0-9.]+) ([0-9.]+)\]\]/), "W array: \(text)")
        #expect(Int(match.2) == a)
        for (written, glyph) in [(match.1, 0), (match.3, a), (match.4, b)] {
            #expect(abs((Double(written) ?? 0) - width(glyph)) <= 0.0005, "width of glyph \(glyph): \(written)")
        }
        #expect(text.contains("/CIDToGIDMap /Identity"))
        #expect(text.contains("/Registry (Adobe) /Ordering (Identity) /Supplement 0"))
        #expect(text.contains("/Encoding /Identity-H"))
        #expect(text.contains("/FontFile2 "))
    }

    @Test func glyphPositionsAreExactIncludingJustification() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions())
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 400, height: 200)
        // Justified: every space is 17.25 pt wider than its advance.
        let run = TestFonts.layout("Wide spaced words here", font: font, size: 14, extraSpace: 17.25)
        page.text(font: ref, size: 14, color: .black, x: 20, baseline: 100, glyphs: run.glyphs)
        writer.end(page: page)
        let directory = try TemporaryDirectory()
        let path = try directory.write(try writer.finish(), to: "justified.pdf")
        let output = try await ExternalTool.run("pdftotext", ["-bbox", path, "-"])
        let words = output.text.split(separator: "\n").filter { $0.contains("<word") }
        #expect(words.count == 4)
        let expectedStarts = run.glyphs.enumerated()
            .filter { $0.offset == 0 || run.glyphs[$0.offset - 1].text == " " }
            .map { 20 + $0.element.x }
        for (word, expected) in zip(words, expectedStarts) {
            let xMin = word.firstMatch(of: /xMin="([0-9.]+)"/).flatMap { Double($0.1) } ?? -1
            #expect(abs(xMin - expected) < 0.01, "word starts at \(xMin), expected \(expected): \(word)")
        }
    }

    @Test func kerningAndAdjustmentsAreWrittenInTJ() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions(compressionLevel: 0))
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 200, height: 100)
        let glyphs = [
            PDFGlyph(id: font.glyphID(for: "A"), x: 2, text: "A"),  // starts 2 pt into the run
            // V is pulled back 1 pt from where the advance of A puts it.
            PDFGlyph(id: font.glyphID(for: "V"), x: 2 + Double(font.advanceWidth(font.glyphID(for: "A"))) * 10 / Double(font.unitsPerEm) - 1, text: "V"),
        ]
        page.text(font: ref, size: 10, color: PDFColor(red: 1, green: 0, blue: 0), x: 10, baseline: 50, glyphs: glyphs)
        writer.end(page: page)
        let text = String(decoding: try writer.finish(), as: UTF8.self)
        let a = String(format: "%04X", Int(glyphs[0].id)), v = String(format: "%04X", Int(glyphs[1].id))
        // 2 pt at 10 pt = 200/1000 em moves right (negative), 1 pt back left = +100.
        #expect(text.contains("[-200<\(a)>100<\(v)>] TJ"), "content: \(text)")
        #expect(text.contains("1 0 0 rg"))
        #expect(text.contains("/F1 10 Tf"))
        #expect(text.contains("10 50 Td"))
    }

    @Test func firstTextPerGlyphWinsInToUnicode() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions())
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 200, height: 100)
        let f = font.glyphID(for: "f")
        page.text(font: ref, size: 10, color: .black, x: 10, baseline: 30, glyphs: [PDFGlyph(id: f, x: 0, text: "f")])
        page.text(font: ref, size: 10, color: .black, x: 10, baseline: 60, glyphs: [PDFGlyph(id: f, x: 0, text: "ph")])
        writer.end(page: page)
        let directory = try TemporaryDirectory()
        let path = try directory.write(try writer.finish(), to: "first.pdf")
        let output = try await ExternalTool.run("pdftotext", ["-enc", "UTF-8", "-nopgbrk", path, "-"])
        #expect(output.text == "f\nf\n\n")
    }

    @Test func registeringTheSameFontTwiceGivesTheSameReference() async throws {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: PDFOptions())
        #expect(try writer.register(font: font) == writer.register(font: font))
        #expect(try writer.register(font: TestFonts.serif.get()) != writer.register(font: font))
    }

    @Test func fontsThatForbidEmbeddingAreRefusedByName() async throws {
        var data = [UInt8](try Data(contentsOf: TestFonts.directory.appendingPathComponent("DejaVuSans.ttf")))
        // Patch OS/2 fsType to 0x0002 (restricted licence embedding).
        let tableCount = Int(data[4]) << 8 | Int(data[5])
        var patched = false
        for i in 0..<tableCount {
            let record = 12 + 16 * i
            if data[record..<(record + 4)].elementsEqual("OS/2".utf8) {
                let offset = Int(data[record + 8]) << 24 | Int(data[record + 9]) << 16 | Int(data[record + 10]) << 8 | Int(data[record + 11])
                data[offset + 8] = 0x00
                data[offset + 9] = 0x02
                patched = true
            }
        }
        #expect(patched)
        let font = try OpenTypeFont(data: data)
        let writer = PDFWriter(options: PDFOptions())
        #expect(throws: PDFError.fontNotEmbeddable(font: "DejaVuSans")) { try writer.register(font: font) }
        #expect(PDFError.fontNotEmbeddable(font: "DejaVuSans").description.contains("DejaVuSans"))
    }

    @Test func unusedFontsAreNotWritten() async throws {
        let writer = PDFWriter(options: PDFOptions())
        _ = try writer.register(font: TestFonts.sans.get())
        let page = writer.beginPage(width: 100, height: 100)
        page.fill(x: 0, y: 0, width: 10, height: 10, color: .black)
        writer.end(page: page)
        let pdf = try writer.finish()
        #expect(PDFInspector.count("/FontFile2", in: pdf) == 0)
        _ = try PDFInspector.verifyCrossReference(pdf)
    }
}
