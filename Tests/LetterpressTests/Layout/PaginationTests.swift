import Letterpress
import StyledHTML
import Testing

/// Page breaking: capacity, forced breaks, orphans/widows, avoid, margin boxes.
/// Pages are 400×600pt with 50pt margins: 500pt of content, 33 lines of 15pt.
struct PaginationTests {
    func paragraphs(_ count: Int, prefix: String = "Line") -> String {
        (1...count).map { "<p>\(prefix) \($0)</p>" }.joined()
    }

    func firstBaseline() throws -> Double {
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document("<p>x</p>"))
        return try #require(try LayoutTestSupport.lines(of: result.pages[0]).first).baseline
    }

    @Test func pageCountFollowsContentHeight() throws {
        let forty = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(40)))
        #expect(forty.pages.count == 2)
        #expect(try LayoutTestSupport.lines(of: forty.pages[0]).count == 33)
        let hundred = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(100)))
        #expect(hundred.pages.count == 4)
        var seen: [String] = []
        for page in hundred.pages {
            let lines = try LayoutTestSupport.lines(of: page)
            seen.append(contentsOf: lines.map(\.text))
            for line in lines { #expect(line.baseline > 50 && line.baseline < 550) }
            #expect(page.width == 400 && page.height == 600)
        }
        #expect(seen == (1...100).map { "Line \($0)" })
    }

    @Test func pageBreakBeforeAndAfterStartNewPages() throws {
        let html = LayoutTestSupport.document("""
            <p>one</p><p style="page-break-before: always">two</p><p style="page-break-after: always">three</p><p>four</p>
            """)
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count == 3)
        #expect(try result.pages.map { try LayoutTestSupport.text(of: $0) } == ["one", "two\nthree", "four"])
        let top = try firstBaseline()
        #expect(abs((try LayoutTestSupport.lines(of: result.pages[1]).first?.baseline ?? 0) - top) < 0.01)
    }

    @Test func marginsAreTruncatedAtPageTops() throws {
        let html = LayoutTestSupport.document("<p>one</p><p style='page-break-before: always; margin-top: 40pt'>two</p>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(abs((try LayoutTestSupport.lines(of: result.pages[1]).first?.baseline ?? 0) - (try firstBaseline())) < 0.01)
    }

    @Test func orphansMoveAParagraphThatWouldLeaveOneLine() throws {
        let long = String(repeating: "word ", count: 60)
        // 32 lines of filler leave room for exactly one more line on page 1.
        let html = LayoutTestSupport.document(paragraphs(32, prefix: "Filler") + "<p>\(long)</p>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count == 2)
        let first = try LayoutTestSupport.lines(of: result.pages[0])
        #expect(first.count == 32)
        #expect(first.last?.text == "Filler 32")
    }

    @Test func widowsKeepTwoLinesTogether() throws {
        let long = String(repeating: "word ", count: 48)
        let lineCount = try LayoutTestSupport.layOut(LayoutTestSupport.document("<p>\(long)</p>")).pages
            .reduce(0) { $0 + (try LayoutTestSupport.lines(of: $1).count) }
        #expect(lineCount >= 4)
        // The filler leaves room for all but the last line: one widow would remain, so the
        // page ends one line earlier.
        let filler = 33 - (lineCount - 1)
        let html = LayoutTestSupport.document(paragraphs(filler, prefix: "Filler") + "<p>\(long)</p>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(try LayoutTestSupport.lines(of: result.pages[0]).count == 32)
        #expect(try LayoutTestSupport.lines(of: result.pages[1]).count == 2)
        // With widows: 1 the page is filled.
        let relaxed = try LayoutTestSupport.layOut(LayoutTestSupport.document(
            paragraphs(filler, prefix: "Filler") + "<p style='widows: 1'>\(long)</p>"))
        #expect(try LayoutTestSupport.lines(of: relaxed.pages[0]).count == 33)
        #expect(try LayoutTestSupport.lines(of: relaxed.pages[1]).count == 1)
    }

    @Test func pageBreakInsideAvoidMovesABlockThatFitsOnTheNextPage() throws {
        let block = "<div style='page-break-inside: avoid'><p>A1</p><p>A2</p><p>A3</p><p>A4</p></div>"
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(31) + block))
        #expect(try LayoutTestSupport.lines(of: result.pages[0]).count == 31)
        #expect(try LayoutTestSupport.text(of: result.pages[1]) == "A1\nA2\nA3\nA4")
        // A block taller than a page is split anyway.
        let huge = "<div style='page-break-inside: avoid'>" + paragraphs(50, prefix: "B") + "</div>"
        let split = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(5) + huge))
        #expect(split.pages.count == 2)
        #expect(try LayoutTestSupport.lines(of: split.pages[0]).count == 33)
    }

    @Test func marginBoxesShowPageXOfY() throws {
        let css = """
            @page { @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt }
                    @top-left { content: "ACME Ltd" } @top-center { content: "Invoice" } }
            """
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(80), css: css))
        #expect(result.pages.count == 3)
        for (index, page) in result.pages.enumerated() {
            let lines = try LayoutTestSupport.lines(of: page)
            let footer = try #require(lines.first { $0.text.hasPrefix("Page ") })
            #expect(footer.text == "Page \(index + 1) of 3")
            #expect(abs(footer.maxX - 350) < 0.05, "right-aligned to the content box's right edge")
            #expect(footer.minX > 250)
            #expect(footer.baseline > 550 && footer.baseline < 600, "inside the bottom margin")
            #expect(footer.runs.first?.size == 9)
            let header = try #require(lines.first { $0.text.contains("ACME Ltd") })
            #expect(abs(header.minX - 50) < 0.05)
            #expect(header.baseline > 0 && header.baseline < 50)
            let center = try #require(try LayoutTestSupport.runs(of: page).first { $0.text == "Invoice" })
            #expect(abs((center.minX + center.maxX) / 2 - 200) < 0.05)
        }
    }

    @Test func firstPageCanHaveItsOwnMargins() throws {
        let css = "@page :first { margin-top: 150pt }"
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(40), css: css))
        let first = try LayoutTestSupport.lines(of: result.pages[0])
        let second = try LayoutTestSupport.lines(of: result.pages[1])
        #expect(first.count == 26)
        #expect(abs(first[0].baseline - second[0].baseline - 100) < 0.01)
        #expect(second.count == 14)
    }

    @Test func tooManyPagesThrows() throws {
        #expect(throws: LayoutError.tooManyPages(limit: 2)) {
            try LayoutTestSupport.layOut(LayoutTestSupport.document(paragraphs(200)), maxPages: 2)
        }
    }

    @Test func fixedBoxesRepeatOnEveryPageAndAbsoluteOnlyOnTheirOwn() throws {
        let html = LayoutTestSupport.document("""
            <div style="position: fixed; bottom: 0; left: 0">Footer note</div>
            \(paragraphs(60))
            <div style="position: absolute; top: 0; right: 0">Late stamp</div>
            """)
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count == 2)
        for page in result.pages {
            #expect(try LayoutTestSupport.lines(of: page).contains { $0.text == "Footer note" })
        }
        #expect(try !LayoutTestSupport.runs(of: result.pages[0]).contains { $0.text == "Late stamp" })
        let stamp = try #require(try LayoutTestSupport.runs(of: result.pages[1]).first { $0.text == "Late stamp" })
        #expect(abs(stamp.maxX - 350) < 0.05)
    }

    @Test func headingWithPageBreakAfterAvoidMovesWithItsParagraph() throws {
        let html = LayoutTestSupport.document(paragraphs(32) + "<h4 style='page-break-after: avoid; margin: 0'>Heading</h4><p>First line of the section</p>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(try LayoutTestSupport.lines(of: result.pages[0]).count == 32)
        #expect(try LayoutTestSupport.text(of: result.pages[1]) == "Heading\nFirst line of the section")
    }

    @Test func longMarginBoxTextTakesTheRoomItsNeighbourLeaves() throws {
        let css = """
            @page { @bottom-left { content: "ACME Ltd · 1 Main Street · Springfield · acme"; font-size: 9pt }
                    @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt } }
            """
        let page = try #require(try LayoutTestSupport.layOut(LayoutTestSupport.document("<p>x</p>", css: css)).pages.first)
        let footer = try LayoutTestSupport.runs(of: page).filter { $0.baseline > 550 }
        #expect(footer.count == 2, "each box on one line")
        #expect(footer.contains { $0.text == "ACME Ltd · 1 Main Street · Springfield · acme" && $0.minX == 50 })
        #expect(footer.contains { $0.text == "Page 1 of 1" && abs($0.maxX - 350) < 0.05 })
    }
}
