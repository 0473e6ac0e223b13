import Testing
@testable import StyledHTML

@Suite("@page and @font-face")
struct PageRuleTests {
    @Test func defaultsWithoutPageRules() {
        let doc = StyledDocument(html: "<p>x")
        #expect(doc.pages.default == PageStyle())
        #expect(doc.pages.first == PageStyle())
        #expect(approx(doc.pages.default.width, 595.276) && approx(doc.pages.default.height, 841.89))
    }

    @Test func sizesAndOrientation() {
        func size(_ value: String) -> (Double, Double) {
            let page = StyledDocument(html: "<style>@page { size: \(value) }</style>").pages.default
            return (page.width, page.height)
        }
        #expect(size("A4") == (595.276, 841.89))
        #expect(size("a4 landscape") == (841.89, 595.276))
        #expect(size("landscape") == (841.89, 595.276))
        #expect(size("A5") == (419.528, 595.276))
        #expect(size("A3 portrait") == (841.89, 1190.551))
        #expect(size("letter") == (612, 792))
        #expect(size("legal") == (612, 1008))
        let custom = size("210mm 99mm")
        #expect(approx(custom.0, 595.276) && approx(custom.1, 280.63))
        #expect(size("5in") == (360, 360))
        let bad = StyledDocument(html: "<style>@page { size: huge }</style>")
        #expect(bad.pages.default.width == 595.276)
        #expect(bad.warnings.contains { $0.contains("invalid value for 'size'") })
    }

    @Test func marginsFirstPageAndMerging() {
        let css = """
        @page { size: A4; margin: 20mm 15mm; margin-bottom: 25mm }
        @page :first { margin-top: 50mm }
        @page :left { margin-left: 1in }
        """
        let doc = StyledDocument(html: "<style>\(css)</style>")
        let page = doc.pages.default
        #expect(approx(page.margin.top, 56.693))
        #expect(approx(page.margin.right, 42.52))
        #expect(approx(page.margin.bottom, 70.866))
        #expect(approx(page.margin.left, 42.52))
        let first = doc.pages.first
        #expect(approx(first.margin.top, 141.732))
        #expect(approx(first.margin.right, 42.52))
        #expect(approx(first.margin.bottom, 70.866))
        #expect(doc.warnings.contains { $0.contains("@page :left ignored") })
        // Unset sides keep the 72pt default; percentages stay percentages.
        let partial = StyledDocument(html: "<style>@page { margin-left: 10% }</style>").pages.default
        #expect(partial.margin.left == .percent(10))
        #expect(partial.margin.top == .points(72))
    }

    @Test func marginBoxesContentAndStyle() throws {
        let css = """
        html { font-family: "DejaVu Sans"; font-size: 10pt; color: #333 }
        @page {
          margin: 2cm;
          font-size: 8pt;
          @bottom-right { content: "Page " counter(page) " of " counter(pages); color: gray }
          @top-left { content: "ACME Ltd"; font-weight: bold; text-align: center }
          @top-center { content: none }
          @bottom-left { content: "\\2014  " counter(page, decimal) }
          @left-top { content: "x" }
        }
        @page :first { @bottom-right { content: "First page" } @top-left { content: normal } }
        """
        let doc = StyledDocument(html: "<style>\(css)</style><p>x")
        let boxes = doc.pages.default.marginBoxes
        #expect(Set(boxes.keys) == [.bottomRight, .topLeft, .bottomLeft])
        let footer = try #require(boxes[.bottomRight])
        #expect(footer.content == [.string("Page "), .pageNumber, .string(" of "), .pageCount])
        #expect(footer.style.textAlign == .right)
        #expect(footer.style.verticalAlign == .middle)
        #expect(footer.style.fontSize == 8)
        #expect(footer.style.fontFamily == ["dejavu sans"])
        #expect(footer.style.color == Color(red: 128.0 / 255, green: 128.0 / 255, blue: 128.0 / 255))
        let header = try #require(boxes[.topLeft])
        #expect(header.content == [.string("ACME Ltd")])
        #expect(header.style.fontWeight == 700)
        #expect(header.style.textAlign == .center)
        #expect(header.style.color == Color(red: 0x33 / 255, green: 0x33 / 255, blue: 0x33 / 255))
        #expect(boxes[.bottomLeft]?.content == [.string("\u{2014} "), .pageNumber])
        let first = doc.pages.first.marginBoxes
        #expect(first[.bottomRight]?.content == [.string("First page")])
        #expect(first[.topLeft] == nil)
        #expect(first[.bottomLeft]?.content == [.string("\u{2014} "), .pageNumber])
        #expect(doc.warnings.contains { $0.contains("@left-top") })
    }

    @Test func contentOutsideMarginBoxesIsRejected() {
        let doc = StyledDocument(html: "<style>p { content: 'x' } @page { content: 'y' }</style>")
        #expect(doc.warnings.filter { $0.contains("'content' is only supported in @page margin boxes") }.count == 2)
    }

    @Test func fontFaces() {
        let css = """
        @font-face { font-family: "Open Sans"; src: url(fonts/OpenSans-Regular.ttf) format("truetype"); }
        @font-face { font-family: Open Sans; src: local(Foo), url("fonts/OpenSans-Bold.ttf"); font-weight: bold }
        @font-face { font-family: 'Open Sans'; src: url('fonts/OpenSans-Italic.ttf'); font-style: italic; font-weight: 400 }
        @font-face { font-family: Broken }
        """
        let doc = StyledDocument(html: "<style>\(css)</style>")
        #expect(doc.fontFaces == [
            FontFace(family: "open sans", weight: 400, style: .normal, source: "fonts/OpenSans-Regular.ttf"),
            FontFace(family: "open sans", weight: 700, style: .normal, source: "fonts/OpenSans-Bold.ttf"),
            FontFace(family: "open sans", weight: 400, style: .italic, source: "fonts/OpenSans-Italic.ttf"),
        ])
        #expect(doc.warnings.contains { $0.contains("@font-face without font-family or src") })
    }
}
