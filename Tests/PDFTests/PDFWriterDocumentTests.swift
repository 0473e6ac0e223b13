import Foundation
import Testing
@testable import PDF

@Suite struct PDFWriterDocumentTests {
    @Test func sameInputGivesIdenticalBytes() async throws {
        let first = try SampleDocuments.multilingual()
        let second = try SampleDocuments.multilingual()
        #expect(first == second)
        var options = PDFOptions(creationDate: SampleDocuments.fixedDate)
        options.title = "Other"
        let third = try SampleDocuments.multilingual(options: options)
        #expect(first != third)
        // The /ID is derived from the content, so it changes with it.
        let id = { (pdf: [UInt8]) in String(decoding: pdf, as: UTF8.self).firstMatch(of: /\/ID \[<([0-9A-F]{32})>/).map { String($0.1) } }
        #expect(id(first) != nil)
        #expect(id(first) != id(third))
    }

    @Test func structureHeaderAndCrossReferenceAreExact() async throws {
        let pdf = try SampleDocuments.multilingual()
        #expect(Array(pdf.prefix(9)) == Array("%PDF-1.7\n".utf8))
        #expect(pdf[9] == UInt8(ascii: "%") && pdf[10...13].allSatisfy { $0 >= 128 })
        let count = try PDFInspector.verifyCrossReference(pdf)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("trailer\n<< /Size \(count) /Root 1 0 R /Info "))
        #expect(text.hasSuffix("%%EOF\n"))
    }

    @Test func infoDictionaryEscapesStrings() async throws {
        var options = PDFOptions(title: "Rechnung (März) \\ 2024", author: "Zoë Ωmega", creator: "Letters", creationDate: Date(timeIntervalSince1970: 0))
        options.compressionLevel = 0
        let writer = PDFWriter(options: options)
        writer.end(page: writer.beginPage(width: 100, height: 100))
        let text = String(decoding: try writer.finish(), as: UTF8.self)
        #expect(text.contains("/Author <FEFF005A006F00EB002003A9006D006500670061>"))
        #expect(text.contains("/Creator (Letters) /Producer (Herald Letterpress) /CreationDate (D:19700101000000+00'00') /ModDate (D:19700101000000+00'00')"))
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(text.utf8), to: "info.pdf")
        let info = try await ExternalTool.run("pdfinfo", ["-enc", "UTF-8", path])
        #expect(info.text.contains("Title:           Rechnung (März) \\ 2024"))
        #expect(info.text.contains("Author:          Zoë Ωmega"))
        #expect(info.text.contains("Pages:           1"))
    }

    @Test func noDateMeansNoDateEntries() async throws {
        let writer = PDFWriter(options: PDFOptions())
        writer.end(page: writer.beginPage(width: 100, height: 100))
        let text = String(decoding: try writer.finish(), as: UTF8.self)
        #expect(!text.contains("CreationDate"))
        #expect(!text.contains("ModDate"))
    }

    @Test func pagesKeepTheirOrderSizeAndAreEndedByFinish() async throws {
        let writer = PDFWriter(options: PDFOptions(compressionLevel: 0))
        let first = writer.beginPage(width: 595.276, height: 841.89)
        let second = writer.beginPage(width: 612, height: 792)
        second.fill(x: 10, y: 20, width: 30, height: 40, color: .black)
        writer.end(page: second)
        second.fill(x: 0, y: 0, width: 1, height: 1, color: .white)  // ignored after end
        first.fill(x: 0, y: 0, width: 5, height: 5, color: PDFColor(red: 0.5, green: 0.25, blue: 1))
        // `first` is never ended explicitly.
        let pdf = try writer.finish()
        #expect(try writer.finish() == pdf)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/MediaBox [0 0 595.276 841.89]"))
        #expect(text.contains("/MediaBox [0 0 612 792]"))
        #expect(text.contains("10 732 30 40 re f"))  // y flipped: 792 - 20 - 40
        #expect(text.contains("0.5 0.25 1 rg"))
        #expect(!text.contains("0 0 1 1 re f"))
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "pages.pdf")
        let info = try await ExternalTool.run("pdfinfo", ["-f", "1", "-l", "2", path])
        #expect(info.text.contains("Page    1 size:  595.276 x 841.89 pts"))
        #expect(info.text.contains("Page    2 size:  612 x 792 pts"))
        #expect(try await ExternalTool.run("qpdf", ["--check", path]).status == 0)
    }

    @Test func linesUseWidthDashAndCap() async throws {
        let writer = PDFWriter(options: PDFOptions(compressionLevel: 0))
        let page = writer.beginPage(width: 200, height: 100)
        page.line(x1: 10, y1: 10, x2: 190, y2: 10, width: 0.75, color: PDFColor(red: 0, green: 0, blue: 0.5))
        page.line(x1: 10, y1: 20, x2: 190, y2: 20, width: 2, color: .black, dash: [6, 3])
        page.line(x1: 10, y1: 30, x2: 190, y2: 30, width: 2, color: .black, dash: [0, 4], cap: .round)
        page.line(x1: 10, y1: 40, x2: 190, y2: 40, width: 2, color: .black)
        writer.end(page: page)
        let text = String(decoding: try writer.finish(), as: UTF8.self)
        #expect(text.contains("0 0 0.5 RG\n0.75 w\n10 90 m 190 90 l S"))
        #expect(text.contains("[6 3] 0 d\n10 80 m 190 80 l S"))
        #expect(text.contains("[0 4] 0 d\n1 J\n10 70 m"))
        #expect(text.contains("[] 0 d\n0 J\n10 60 m"))
    }

    @Test func linkAnnotationsArePresent() async throws {
        let writer = PDFWriter(options: PDFOptions())
        let page = writer.beginPage(width: 200, height: 100)
        page.link(x: 10, y: 20, width: 50, height: 12, uri: "https://example.com/straße?q=(1)")
        writer.end(page: page)
        let directory = try TemporaryDirectory()
        let path = try directory.write(try writer.finish(), to: "link.pdf")
        let output = try await ExternalTool.run("qpdf", ["--json", "--json-key=qpdf", path])
        #expect(output.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any]
        let objects = (json?["objects"] as? [String: Any]) ?? (json?["qpdf"] as? [Any]).flatMap { $0.last as? [String: Any] } ?? [:]
        let annotations = objects.values.compactMap { entry -> [String: Any]? in
            let dictionary = (entry as? [String: Any]).flatMap { ($0["value"] as? [String: Any]) ?? $0 }
            return (dictionary?["/Subtype"] as? String) == "/Link" ? dictionary : nil
        }
        #expect(annotations.count == 1)
        let annotation = try #require(annotations.first)
        let action = annotation["/A"] as? [String: Any]
        #expect((action?["/S"] as? String) == "/URI")
        let uri = (action?["/URI"] as? String) ?? ""
        #expect(uri.hasSuffix("https://example.com/stra%C3%9Fe?q=(1)"), "URI \(uri)")
        #expect((annotation["/Rect"] as? [NSNumber])?.map(\.doubleValue) == [10, 68, 60, 80])
        #expect((annotation["/Border"] as? [NSNumber])?.map(\.intValue) == [0, 0, 0])
        #expect((annotation["/F"] as? NSNumber)?.intValue == 4)
    }
}

/// A shared stream cache gives the same bytes as none, across documents and threads.
@Suite struct StreamCacheTests {
    func document(_ text: String, cache: PDFStreamCache?) throws -> [UInt8] {
        let sans = try TestFonts.sans.get()
        var options = PDFOptions(title: "Cache", creationDate: SampleDocuments.fixedDate)
        options.streamCache = cache
        let writer = PDFWriter(options: options)
        let font = try writer.register(font: sans)
        let page = writer.beginPage(width: 300, height: 200)
        page.text(font: font, size: 12, color: .black, x: 20, baseline: 50,
                  glyphs: TestFonts.layout(text, font: sans, size: 12).glyphs)
        writer.end(page: page)
        return try writer.finish()
    }

    @Test func cachedStreamsGiveIdenticalDocuments() async throws {
        let cache = PDFStreamCache(capacity: 4)
        let texts = ["Dear Zoë", "Ωμέγα Жизнь", "Dear Zoë", "Total €12.00", "Ωμέγα Жизнь", "a", "b", "Dear Zoë"]
        let expected = try texts.map { try document($0, cache: nil) }
        let cached = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, try self.document(text, cache: cache)) }
            }
            var out = [[UInt8]](repeating: [], count: texts.count)
            for try await (index, bytes) in group { out[index] = bytes }
            return out
        }
        #expect(cached == expected)
        #expect(Set(expected).count == 5, "different texts give different documents")
    }
}
