@testable import Letterpress
import StyledHTML
import Testing

/// Layout checks added while reviewing issue 3's checklist against the display list.
/// Pages are 400×600pt with 50pt margins unless said otherwise.
struct ChecklistLayoutTests {
    func page(_ body: String, css: String = "") throws -> LaidOutPage {
        try #require(try LayoutTestSupport.layOut(LayoutTestSupport.document(body, css: css)).pages.first)
    }

    func fills(_ page: LaidOutPage) -> [Rect] {
        page.items.compactMap { item -> Rect? in
            if case .fill(let rect, _) = item { return rect }
            return nil
        }
    }

    @Test func cellsWithTheirOwnHeightStillAlignVertically() throws {
        // Every cell is 60pt tall through `height`: vertical-align places the content inside it.
        let page = try page("""
            <table style="border-collapse: collapse"><tr>
            <td style="vertical-align: top">top</td><td style="vertical-align: middle">mid</td>
            <td style="vertical-align: bottom">bot</td><td>base</td></tr></table>
            """, css: "td { padding: 0; height: 60pt; border: 1pt solid black }")
        let runs = try LayoutTestSupport.runs(of: page)
        func baseline(_ text: String) throws -> Double { try #require(runs.first { $0.text == text }).baseline }
        // One 15pt line in a 60pt cell: 45pt to spare.
        #expect(try abs(baseline("mid") - (baseline("top") + 22.5)) < 0.01)
        #expect(try abs(baseline("bot") - (baseline("top") + 45)) < 0.01)
        #expect(try abs(baseline("base") - baseline("mid")) < 0.01, "cells default to middle, as in HTML")

        // min-height on a cell is room to align into as well.
        let minimum = try self.page("""
            <table><tr><td style="min-height: 40pt; vertical-align: bottom">low</td><td style="vertical-align: top">up</td></tr></table>
            """, css: "td { padding: 0 }")
        let runs2 = try LayoutTestSupport.runs(of: minimum)
        let low = try #require(runs2.first { $0.text == "low" }).baseline
        let up = try #require(runs2.first { $0.text == "up" }).baseline
        #expect(abs(low - up - 25) < 0.01)
    }

    @Test func anOverlongWordDoesNotSqueezeItsNeighbourColumns() throws {
        let iban = String(repeating: "DE89370400440532013000", count: 3)
        let page = try page("""
            <table style="width: 100%; border-collapse: collapse"><tr><td>IBAN</td><td>\(iban)</td></tr></table>
            """, css: "td { padding: 0 }")
        let runs = try LayoutTestSupport.runs(of: page)
        #expect(runs.contains { $0.text == "IBAN" }, "the short column keeps its word whole: \(runs.map(\.text))")
        #expect(runs.map(\.text).filter { $0 != "IBAN" }.joined() == iban)
        for run in runs { #expect(run.maxX <= 350.01, "\(run.text) overflows the content box: \(run.maxX)") }
        // Exactly enough room for every minimum leaves every column whole.
        let widths = FlowLayout.distribute(FlowLayout.ColumnMetrics(minimum: [10, 20, 30], maximum: [10, 20, 30],
                                                                    fixed: [nil, nil, nil], percent: [nil, nil, nil]), width: 60)
        #expect(widths == [10, 20, 30])
        let capped = FlowLayout.distribute(FlowLayout.ColumnMetrics(minimum: [10, 200, 30], maximum: [10, 200, 30],
                                                                    fixed: [nil, nil, nil], percent: [nil, nil, nil]), width: 100)
        #expect(capped == [10, 60, 30])
    }

    @Test func minAndMaxWidthsInPercentAndEm() throws {
        let page = try page("""
            <div style="width: 10pt; min-width: 50%; background: #eee">a</div>
            <div style="width: 300pt; max-width: 25%; background: #ddd">b</div>
            <div style="font-size: 10pt; width: 50em; max-width: 20em; min-width: 5em; background: #ccc">c</div>
            <div style="font-size: 10pt; width: 1em; min-width: 5em; background: #bbb">d</div>
            """)
        let widths = fills(page).map(\.width)
        #expect(widths.count == 4)
        #expect(widths.map { ($0 * 100).rounded() / 100 } == [150, 75, 200, 50], "\(widths)")
    }

    @Test func pageSizesOutsideWhatPDFAllowsAreClampedWithAWarning() throws {
        let huge = try LayoutTestSupport.layOut("<style>@page { size: 1e9pt 2pt; margin: 0 }</style><p>x</p>")
        #expect(huge.pages.first?.width == 14_400)
        #expect(huge.pages.first?.height == 3)
        #expect(huge.warnings.contains { $0.contains("clamped") }, "\(huge.warnings)")
        let normal = try LayoutTestSupport.layOut("<style>@page { size: letter }</style><p>x</p>")
        #expect(normal.pages.first?.width == 612 && normal.pages.first?.height == 792)
        #expect(!normal.warnings.contains { $0.contains("clamped") })
    }

    @Test func onlyWebAndMailLinksBecomeAnnotations() throws {
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document("""
            <p><a href="https://a.example/">web</a> <a href="mailto:x@example.com">mail</a> <a href="tel:+441234">tel</a>
            <a href="javascript:alert(1)">script</a> <a href="#top">fragment</a> <a href="file:///etc/passwd">file</a> <a>none</a></p>
            """))
        let page = try #require(result.pages.first)
        let uris = page.items.compactMap { item -> String? in
            if case .link(_, let uri) = item { return uri }
            return nil
        }
        #expect(uris == ["https://a.example/", "mailto:x@example.com", "tel:+441234"])
        #expect(result.warnings.contains { $0.contains("javascript:alert(1)") }, "\(result.warnings)")
        #expect(try LayoutTestSupport.text(of: page).contains("script fragment file none"))
    }
}
