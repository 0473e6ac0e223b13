import Letterpress
import StyledHTML
import Testing

/// Block boxes: margins, borders, backgrounds, widths, absolute positioning, lists.
/// Pages are 400×600pt with 50pt margins: the content box is (50, 50, 300, 500).
struct BlockLayoutTests {
    func firstBaseline() throws -> Double {
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document("<p>x</p>"))
        return try #require(try LayoutTestSupport.lines(of: result.pages[0]).first).baseline
    }

    func lines(_ body: String, css: String = "") throws -> [LayoutTestSupport.TextLine] {
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(body, css: css))
        return try LayoutTestSupport.lines(of: try #require(result.pages.first))
    }

    @Test func siblingMarginsCollapseToTheLarger() throws {
        let lines = try lines("<p style='margin-bottom: 20pt'>a</p><p style='margin-top: 30pt'>b</p><p style='margin-top: -10pt'>c</p>")
        #expect(abs(lines[1].baseline - lines[0].baseline - 45) < 0.01)
        #expect(abs(lines[2].baseline - lines[1].baseline - 5) < 0.01)
    }

    @Test func firstChildMarginCollapsesThroughItsParentUnlessBordered() throws {
        let top = try firstBaseline()
        let collapsed = try lines("<div style='margin-top: 10pt'><p style='margin-top: 20pt'>a</p></div>")
        #expect(abs(collapsed[0].baseline - (top + 20)) < 0.01)
        let padded = try lines("<div style='margin-top: 10pt; padding-top: 1pt'><p style='margin-top: 20pt'>a</p></div>")
        #expect(abs(padded[0].baseline - (top + 31)) < 0.01)
        let empty = try lines("<div style='margin-bottom: 25pt'></div><p style='margin-top: 10pt'>a</p>")
        #expect(abs(empty[0].baseline - (top + 25)) < 0.01)
    }

    @Test func widthsPercentagesAndAutoMarginsCentre() throws {
        let lines = try lines("""
            <div style='width: 100pt; margin: 0 auto'>centre</div>
            <div style='width: 50%; margin-left: auto'>right half</div>
            <div style='max-width: 80pt; margin: 0 auto'>max</div>
            <div style='margin-left: 30pt; padding-left: 10pt; border-left: 5pt solid black'>indented</div>
            """)
        #expect(abs(lines[0].minX - 150) < 0.01)
        #expect(abs(lines[1].minX - 200) < 0.01)
        #expect(abs(lines[2].minX - 160) < 0.01)
        #expect(abs(lines[3].minX - 95) < 0.01)
    }

    @Test func bordersAreCentredLinesAndBackgroundsFillTheBorderBox() throws {
        let html = LayoutTestSupport.document("""
            <div style="border: 2pt solid #ff0000; border-bottom: 4pt dashed blue; padding: 3pt; background-color: #eeeeee">boxed</div>
            """)
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var fills: [Rect] = []
        var lines: [(Point, Point, Double, ComputedStyle.BorderStyle)] = []
        for item in page.items {
            switch item {
            case .fill(let rect, let color):
                #expect(color == Color(red: 14.0 / 15, green: 14.0 / 15, blue: 14.0 / 15))
                fills.append(rect)
            case .line(let from, let to, let width, _, let style):
                lines.append((from, to, width, style))
            default: break
            }
        }
        let height = 2 + 3 + 15 + 3 + 4.0
        #expect(fills == [Rect(x: 50, y: 50, width: 300, height: height)])
        #expect(lines.count == 4)
        let top = try #require(lines.first { $0.0.y == $0.1.y && $0.2 == 2 })
        #expect(top.0 == Point(x: 50, y: 51) && top.1 == Point(x: 350, y: 51))
        let bottom = try #require(lines.first { $0.0.y == $0.1.y && $0.2 == 4 })
        #expect(bottom.0.y == 50 + height - 2)
        #expect(bottom.3 == .dashed)
        let left = try #require(lines.first { $0.0.x == $0.1.x && $0.0.x < 100 })
        #expect(left.0 == Point(x: 51, y: 50) && left.1 == Point(x: 51, y: 50 + height))
        // Text starts inside border and padding; the paint order puts the fill first.
        let text = try #require(try LayoutTestSupport.lines(of: page).first)
        #expect(text.minX == 55)
        if case .fill = page.items.first {} else { Issue.record("background must be painted first") }
    }

    @Test func horizontalRuleDrawsItsBorder() throws {
        let html = LayoutTestSupport.document("<p>above</p><hr><p>below</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let rules = page.items.compactMap { item -> (Point, Point)? in
            if case .line(let from, let to, _, _, _) = item, from.y == to.y { return (from, to) }
            return nil
        }
        #expect(rules.count == 2)
        #expect(rules.allSatisfy { $0.0.x == 50 && $0.1.x == 350 })
    }

    @Test func displayNoneIsNotLaidOut() throws {
        let lines = try lines("<p>shown</p><p style='display: none'>hidden</p><p>also <span style='display:none'>gone</span>shown</p>")
        #expect(lines.map(\.text) == ["shown", "also shown"])
    }

    @Test func absoluteAddressWindowSitsInItsRectangle() throws {
        let html = LayoutTestSupport.document("""
            <div class="sender">ACME Ltd · 1 Main Street · Springfield</div>
            <div class="window">Mrs Jane Example<br>42 Long Road<br>Flat 3<br>AB1 2CD Springfield</div>
            <p class="letter">Dear Mrs Example,</p>
            """, css: """
            .window { position: absolute; top: 40mm; left: 0; width: 85mm; height: 45mm; padding: 2mm }
            .letter { margin-top: 100mm }
            """, width: 595.276, height: 841.89, margin: 56.69)
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count == 1)
        let page = result.pages[0]
        let window = Rect(x: 56.69, y: 56.69 + 40 * 72 / 25.4, width: 85 * 72 / 25.4 + 4 * 72 / 25.4,
                          height: 45 * 72 / 25.4 + 4 * 72 / 25.4)
        let address = try LayoutTestSupport.lines(of: page).filter {
            ["Mrs Jane Example", "42 Long Road", "Flat 3", "AB1 2CD Springfield"].contains($0.text)
        }
        #expect(address.count == 4)
        for line in address {
            #expect(line.minX >= window.x && line.maxX <= window.maxX)
            #expect(line.baseline - 12 >= window.y && line.baseline + 3 <= window.maxY)
        }
        #expect(abs(address[0].minX - (56.69 + 2 * 72 / 25.4)) < 0.01)
        // Out of flow: the sender line and the letter are placed as if the window were not there.
        let sender = try #require(try LayoutTestSupport.lines(of: page).first)
        #expect(sender.text.hasPrefix("ACME"))
        let letter = try #require(try LayoutTestSupport.lines(of: page).first { $0.text == "Dear Mrs Example," })
        #expect(abs(letter.baseline - sender.baseline - 15 - 100 * 72 / 25.4) < 0.01)
    }

    @Test func absoluteBoxesUseRightAndBottom() throws {
        let html = LayoutTestSupport.document("<div style='position: absolute; right: 10pt; bottom: 20pt; width: 60pt; height: 30pt; background: #000000'></div>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let fill = page.items.compactMap { item -> Rect? in
            if case .fill(let rect, _) = item { return rect }
            return nil
        }
        #expect(fill == [Rect(x: 350 - 10 - 60, y: 550 - 20 - 30, width: 60, height: 30)])
    }

    @Test func listMarkersSitOutsideOnTheFirstBaseline() throws {
        let html = LayoutTestSupport.document("""
            <ul><li>first item</li><li>second</li></ul>
            <ol start="3"><li>three</li><li>four</li></ol>
            <ol style="list-style-type: upper-roman"><li>roman</li><li value="9">nine</li></ol>
            <ul style="list-style-type: none"><li>bare</li></ul>
            """)
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let runs = try LayoutTestSupport.runs(of: page)
        let texts = runs.map(\.text)
        #expect(texts.filter { $0 == "\u{2022}" }.count == 2)
        #expect(texts.contains("3.") && texts.contains("4."))
        #expect(texts.contains("I.") && texts.contains("IX."))
        let item = try #require(runs.first { $0.text == "first item" })
        let bullet = try #require(runs.first { $0.text == "\u{2022}" })
        #expect(item.minX == 80, "40px of padding")
        #expect(bullet.baseline == item.baseline)
        #expect(bullet.maxX < item.minX && bullet.maxX > item.minX - 12)
        let three = try #require(runs.first { $0.text == "3." })
        #expect(three.baseline == (try #require(runs.first { $0.text == "three" })).baseline)
        #expect(!texts.contains { $0.isEmpty })
    }

    @Test func blockImagesAndPercentWidths() throws {
        let html = LayoutTestSupport.document("<img src='logo.png' style='display: block; width: 50%; margin: 0 auto'>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let images = page.items.compactMap { item -> Rect? in
            if case .image(_, let rect) = item { return rect }
            return nil
        }
        #expect(images == [Rect(x: 125, y: 50, width: 150, height: 75)])
    }

    @Test func inlineBackgroundsCoverTheirText() throws {
        let html = LayoutTestSupport.document("<p>plain <span style='background-color: yellow'>marked</span></p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let fill = try #require(page.items.compactMap { item -> Rect? in
            if case .fill(let rect, _) = item { return rect }
            return nil
        }.first)
        #expect(abs(fill.x - (50 + (try LayoutTestSupport.width("plain ")))) < 0.01)
        #expect(abs(fill.width - (try LayoutTestSupport.width("marked"))) < 0.01)
    }

    @Test func relativePositionShiftsWithoutMovingFollowers() throws {
        let lines = try lines("<p style='position: relative; left: 10pt; top: 5pt'>moved</p><p>next</p>")
        let top = try firstBaseline()
        #expect(lines[0].minX == 60 && abs(lines[0].baseline - top - 5) < 0.01)
        #expect(lines[1].minX == 50 && abs(lines[1].baseline - top - 15) < 0.01)
    }

    @Test func preWrapKeepsSpacesButWraps() throws {
        let text = "keep   these   spaces but wrap the long line when it reaches the edge of the box"
        let lines = try lines("<p style='white-space: pre-wrap'>\(text)</p>")
        #expect(lines.count == 2)
        #expect(lines[0].text.hasPrefix("keep   these   spaces"))
    }
}
