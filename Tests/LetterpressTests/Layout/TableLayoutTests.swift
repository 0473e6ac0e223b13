import Foundation
import Letterpress
import StyledHTML
import Testing

/// Tables: column widths, spans, borders, cell alignment, splitting across pages.
struct TableLayoutTests {
    func invoice(rows: Int) -> String {
        let body = (1...rows).map { "<tr><td>Item \($0)</td><td>Service fee</td><td class='n'>\($0).00</td></tr>" }.joined()
        return LayoutTestSupport.document("""
            <p>Invoice</p>
            <table><thead><tr><th>Item</th><th>Description</th><th>Amount</th></tr></thead>
            <tbody>\(body)</tbody><tfoot><tr><td colspan="2">Total</td><td class='n'>999.00</td></tr></tfoot></table>
            """, css: """
            table { width: 100%; border-collapse: collapse }
            td, th { border: 0.5pt solid black; padding: 2pt }
            .n { text-align: right }
            """)
    }

    @Test func explicitWidthsAndColspan() throws {
        let html = LayoutTestSupport.document("""
            <table style="width: 300pt; border-collapse: collapse">
            <tr><td style="width: 100pt">a</td><td>bb</td><td>cccc cccc</td></tr>
            <tr><td colspan="2">wide</td><td>x</td></tr>
            <tr><td colspan="3">all</td></tr></table>
            """, css: "td { padding: 0 }")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let runs = try LayoutTestSupport.runs(of: page)
        func x(_ text: String) throws -> Double { try #require(runs.first { $0.text == text }).minX }
        #expect(try x("a") == 50)
        #expect(try abs(x("bb") - 150) < 0.01)
        #expect(try x("wide") == 50)
        #expect(try abs(x("x") - x("cccc cccc")) < 0.01)
        #expect(try x("all") == 50)
        // The auto columns share the remaining 200pt in proportion to their content.
        let b = try x("bb")
        let c = try x("cccc cccc")
        #expect(c > b + (try LayoutTestSupport.width("bb")))
        #expect(c < 350 - (try LayoutTestSupport.width("cccc cccc")) + 0.01)
    }

    @Test func percentageColumnsTakeTheirShareOfTheTable() throws {
        let html = LayoutTestSupport.document("""
            <table style="width: 100%; border-collapse: collapse"><col style="width: 50%">
            <tr><td>first</td><td style="width: 25%">second</td><td>third</td></tr></table>
            """, css: "td { padding: 0 }")
        let runs = try LayoutTestSupport.runs(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        func x(_ text: String) throws -> Double { try #require(runs.first { $0.text == text }).minX }
        #expect(try abs(x("second") - 200) < 0.01)
        #expect(try abs(x("third") - 275) < 0.01)
    }

    @Test func autoTableShrinksToFitAndSeparateBordersUseSpacing() throws {
        let html = LayoutTestSupport.document("""
            <table style="border-spacing: 4pt; border: 1pt solid black"><tr><td>one</td><td>two</td></tr></table>
            """, css: "td { padding: 0 }")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let runs = try LayoutTestSupport.runs(of: page)
        let one = try #require(runs.first { $0.text == "one" })
        let two = try #require(runs.first { $0.text == "two" })
        // Table border (1pt) then spacing (4pt) before the first cell; 4pt between cells.
        #expect(abs(one.minX - 55) < 0.01)
        #expect(abs(two.minX - (55 + (try LayoutTestSupport.width("one")) + 4)) < 0.01)
        let right = page.items.compactMap { item -> Double? in
            if case .line(let from, let to, _, _, _) = item, from.x == to.x { return from.x }
            return nil
        }.max() ?? 0
        #expect(abs(right - (two.maxX + 4 + 0.5)) < 0.01, "shrink-to-fit: the table ends after the last cell")
    }

    @Test func cellsAlignVertically() throws {
        let html = LayoutTestSupport.document("""
            <table style="border-collapse: collapse"><tr>
            <td>tall<br>cell<br>three<br>lines</td>
            <td style="vertical-align: top">top</td><td style="vertical-align: middle">mid</td>
            <td style="vertical-align: bottom">bot</td></tr></table>
            """, css: "td { padding: 0 }")
        let runs = try LayoutTestSupport.runs(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        func baseline(_ text: String) throws -> Double { try #require(runs.first { $0.text == text }).baseline }
        #expect(try baseline("top") == baseline("tall"))
        #expect(try abs(baseline("mid") - (baseline("tall") + 22.5)) < 0.01)
        #expect(try abs(baseline("bot") - baseline("lines")) < 0.01)
    }

    @Test func headerRepeatsOnEveryPageAndRowsNeverSplit() throws {
        let result = try LayoutTestSupport.layOut(invoice(rows: 200))
        #expect(result.pages.count >= 5)
        var items: [Int] = []
        for page in result.pages {
            let lines = try LayoutTestSupport.lines(of: page)
            let header = try #require(lines.first { $0.text.contains("Item") && $0.text.contains("Description") })
            let firstRow = lines.first { $0.text.hasPrefix("Item ") }
            if let firstRow { #expect(header.baseline < firstRow.baseline) }
            for line in lines where line.text.hasPrefix("Item ") {
                let number = try #require(Int(line.text.dropFirst(5).prefix { $0.isNumber }))
                items.append(number)
                #expect(line.text.hasSuffix("Service fee\(number).00"), "a row's cells stay on one page")
                #expect(line.baseline < 550)
            }
            // Every cell border lies inside the page content box (plus half a border).
            for item in page.items {
                if case .line(let from, let to, _, _, _) = item {
                    #expect(min(from.y, to.y) >= 49.7 && max(from.y, to.y) <= 550.3)
                }
            }
        }
        #expect(items == Array(1...200))
        let last = try LayoutTestSupport.lines(of: try #require(result.pages.last))
        #expect(last.last?.text == "Total999.00")
    }

    @Test func twoThousandRowsBecomePagesQuickly() throws {
        let html = invoice(rows: 2000)
        let document = StyledDocument(html: html)
        let environment = try LayoutTestEnvironment.make()
        let start = Date()
        let result = try LayoutEngine().layOut(document, environment: environment)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.pages.count > 40 && result.pages.count < 150)
        #expect(elapsed < 10, "took \(elapsed)s")
        let rows = try result.pages.reduce(0) { count, page in
            count + (try LayoutTestSupport.lines(of: page).filter { $0.text.hasPrefix("Item ") }.count)
        }
        #expect(rows == 2000)
    }

    @Test func collapsedBordersShareGridLines() throws {
        let html = LayoutTestSupport.document("""
            <table style="border-collapse: collapse; width: 200pt"><tr><td style="border: 2pt solid black">a</td>
            <td style="border: 1pt solid black">b</td></tr></table>
            """, css: "td { padding: 0 }")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var verticalX: Set<Double> = []
        for item in page.items {
            if case .line(let from, let to, let width, _, _) = item, from.x == to.x {
                verticalX.insert((from.x * 100).rounded() / 100)
                #expect(width == 2 || width == 1)
            }
        }
        // Left edge (2pt, centred 1pt inside the table), the shared line (2pt wins), the right edge (1pt).
        #expect(verticalX.count == 3)
        #expect(verticalX.min() == 51)
    }

    @Test func rowTallerThanAPageIsPlacedAnywayWithAWarning() throws {
        let tall = (1...60).map { "line \($0)" }.joined(separator: "<br>")
        let html = LayoutTestSupport.document("<table><tr><td>\(tall)</td></tr><tr><td>after</td></tr></table>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count == 2)
        #expect(!result.warnings.isEmpty)
        #expect(try LayoutTestSupport.text(of: result.pages[1]) == "after")
    }
}
