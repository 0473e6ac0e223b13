import Foundation
import Letterpress
import Testing

/// The renderer end to end, checked with qpdf and poppler rather than with itself.
@Suite struct RenderTests {
    static let mm = 72.0 / 25.4
    let renderer = LetterpressRenderer()

    func render(_ html: String, options: RenderOptions = RenderOptions()) throws -> RenderedDocument {
        try renderer.render(html: html, options: options)
    }

    @Test func textExtractsExactlyIncludingGreekCyrillicAndBeyondTheBMP() async throws {
        let line = "Zoë Ångström façade naïve — Ωμέγα Жизнь 𝔸 😀 €42"
        let document = try render("""
            <html><head><style>body { font-family: "DejaVu Sans"; font-size: 11pt }</style></head>
            <body><p>\(line)</p><p style="font-family: serif">Serif: Ωμέγα Жизнь 𝔸</p></body></html>
            """)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let text = try await pdf.text()
        #expect(text.contains(line), "extracted: \(text)")
        // 𝔸 is not in DejaVu Serif: it falls back to DejaVu Sans and still extracts.
        #expect(text.contains("Serif: Ωμέγα Жизнь 𝔸"), "extracted: \(text)")
        #expect(document.pageCount == 1)
    }

    @Test func fontsAreEmbeddedAsTaggedCIDSubsets() async throws {
        let document = try render("<p style='font-family: DejaVu Sans'>Hello <b>bold</b> <i>italic</i></p>")
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        let fonts = try await ExternalTool.run("pdffonts", [pdf.file.path])
        let rows = fonts.output.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 3, "\(fonts.output)")
        for row in rows {
            #expect(row.range(of: #"^[A-Z]{6}\+DejaVuSans"#, options: .regularExpression) != nil, "\(row)")
            #expect(row.contains("CID TrueType"), "\(row)")
            #expect(row.contains("Identity-H"), "\(row)")
            #expect(row.contains("yes yes yes"), "embedded, subset, ToUnicode: \(row)")
        }
    }

    @Test func pageNumbersSitAtTheRightOfEveryPage() async throws {
        let document = try render("""
            <html><head><style>
            @page { size: A4; margin: 20mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt } }
            body { font-family: "DejaVu Sans" }
            .next { page-break-before: always }
            </style></head><body>
            <p>First page.</p><p class="next">Second page.</p><p class="next">Third page.</p>
            </body></html>
            """)
        #expect(document.pageCount == 3)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let pages = try await pdf.pages()
        #expect(pages.count == 3)
        for (index, page) in pages.enumerated() {
            let words = page.words
            let at = try #require(words.firstIndex { $0.text == "Page" }, "no footer on page \(index + 1): \(page.text)")
            #expect(words.count > at + 3)
            #expect(words[at + 1].text == "\(index + 1)")
            #expect(words[at + 2].text == "of")
            #expect(words[at + 3].text == "3")
            let rightEdge = page.width - 20 * Self.mm
            #expect(abs(words[at + 3].xMax - rightEdge) < 3, "right-aligned to the content edge: \(words[at + 3].xMax) vs \(rightEdge)")
            #expect(words[at].yMin > page.height - 20 * Self.mm, "in the bottom margin")
        }
    }

    @Test func theAddressLiesInsideItsWindow() async throws {
        let document = try render("""
            <html><head><style>
            @page { size: A4; margin: 20mm 20mm 20mm 25mm }
            body { font-family: "DejaVu Sans"; font-size: 10pt }
            .window { position: absolute; top: 25mm; left: 0; width: 85mm; height: 45mm }
            </style></head><body>
            <div class="window">Ms Zoë Ångström<br>Flat 4, 12 Long Street<br>Manchester<br>M1 2AB</div>
            <p style="margin-top: 80mm">Dear Ms Ångström,</p>
            </body></html>
            """)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        let window = (x: 25 * Self.mm, y: (20 + 25) * Self.mm, width: 85 * Self.mm, height: 45 * Self.mm)
        let salutation = try #require(page.words.first { $0.text == "Dear" })
        let address = page.words.filter {
            ["Ms", "Zoë", "Flat", "Street", "Manchester", "M1", "2AB"].contains($0.text) && $0.yMin < salutation.yMin
        }
        #expect(address.count == 7, "\(page.text)")
        for word in address {
            #expect(word.xMin >= window.x - 0.5 && word.xMax <= window.x + window.width + 0.5, "\(word)")
            #expect(word.yMin >= window.y - 0.5 && word.yMax <= window.y + window.height + 0.5, "\(word)")
        }
        #expect(salutation.yMin > window.y + window.height, "the flow continues below the window")
    }

    @Test func longTablesRepeatTheirHeaderAndNeverSplitARow() async throws {
        let rows = (1...150).map { "<tr><td>R\($0)-A</td><td>Item number \($0)<br>second line</td><td>R\($0)-C</td></tr>" }.joined()
        let document = try render("""
            <html><head><style>
            @page { size: A4; margin: 20mm }
            body { font-family: "DejaVu Sans"; font-size: 10pt }
            table { width: 100%; border-collapse: collapse }
            th, td { border: 1px solid #999; padding: 2pt 4pt }
            </style></head><body>
            <p>Statement</p>
            <table><thead><tr><th>Ref</th><th>Description</th><th>Code</th></tr></thead><tbody>\(rows)</tbody></table>
            </body></html>
            """)
        #expect(document.pageCount >= 3)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let pages = try await pdf.pages()
        #expect(pages.count == document.pageCount)
        var seen = Set<Int>()
        for (index, page) in pages.enumerated() {
            let texts = page.words.map(\.text)
            #expect(texts.prefix(12).contains("Ref") && texts.contains("Description"), "header on page \(index + 1)")
            for row in 1...150 where texts.contains("R\(row)-A") {
                #expect(texts.contains("R\(row)-C"), "row \(row) split on page \(index + 1)")
                #expect(!seen.contains(row), "row \(row) twice")
                seen.insert(row)
            }
        }
        #expect(seen.count == 150)
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let html = "<h1>Invoice</h1><p style='font-family: DejaVu Sans'>Total: €12.00</p>"
        let date = Date(timeIntervalSince1970: 1_790_000_000)
        let a = try render(html, options: RenderOptions(creationDate: date))
        let b = try render(html, options: RenderOptions(creationDate: date))
        #expect(a.pdf == b.pdf)
        #expect(String(decoding: a.pdf, as: UTF8.self).contains("/CreationDate"))
    }

    @Test func pdfA2bCarriesItsMetadataAndOutputIntent() async throws {
        let document = try render("<title>Bill</title><p>Archived letter</p>",
                                  options: RenderOptions(creationDate: Date(timeIntervalSince1970: 1_790_000_000), profile: .pdfA2b))
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let qdf = try await ExternalTool.run("qpdf", ["--qdf", "--object-streams=disable", pdf.file.path, "-"])
        #expect(qdf.output.contains("pdfaid:part"))
        #expect(qdf.output.contains("/OutputIntents"))
        #expect(qdf.output.contains("GTS_PDFA1"))
    }

    @Test func linksBecomeURIAnnotations() async throws {
        let document = try render("<p>Pay at <a href=\"https://herald.example/pay\">herald.example/pay</a> today.</p>")
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        let qdf = try await ExternalTool.run("qpdf", ["--qdf", "--object-streams=disable", pdf.file.path, "-"])
        #expect(qdf.output.contains("/URI (https://herald.example/pay)"), "no URI annotation")
        #expect(qdf.output.contains("/Subtype /Link"))
    }
}

/// `<a href>` laid out as a block or inline-block links its whole box.
@Suite struct BlockLinkTests {
    @Test(arguments: ["block", "inline-block"])
    func aBlockLevelLinkCoversItsBox(display: String) async throws {
        let document = try LetterpressRenderer().render(html: """
            <p>Before</p>
            <a href="https://herald.example/pay" style="display: \(display); width: 60mm; height: 20mm; background-color: #eeeeee">Pay now</a>
            """)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let qdf = try await ExternalTool.run("qpdf", ["--qdf", "--object-streams=disable", pdf.file.path, "-"])
        #expect(qdf.output.contains("/URI (https://herald.example/pay)"), "no URI annotation")
        // The annotation's rectangle is the box: 60 mm × 20 mm.
        let rect = try #require(qdf.output.range(of: #"/Rect \[[^\]]*\]"#, options: .regularExpression).map { String(qdf.output[$0]) })
        let numbers = rect.dropFirst(7).dropLast().split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
        #expect(numbers.count == 4, "\(rect)")
        if numbers.count == 4 {
            #expect(abs((numbers[2] - numbers[0]) - 60 * 72 / 25.4) < 1, "\(rect)")
            #expect(abs((numbers[3] - numbers[1]) - 20 * 72 / 25.4) < 1, "\(rect)")
        }
    }
}
