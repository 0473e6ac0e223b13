import Letterpress
import OpenType
import StyledHTML
import Testing

/// Line breaking, alignment, text decoration and font selection inside paragraphs.
/// Pages are 400×600pt with 50pt margins: the content box is 300pt wide from x = 50.
struct InlineLayoutTests {
    let text = "The quick brown fox jumps over the lazy dog while the patient customer reads "
        + "every line of this letter about invoices, reminders and payment plans carefully."

    /// Greedy line filling computed independently from the font's advances.
    func expectedLines(_ text: String, width: Double) throws -> [String] {
        let words = text.split(separator: " ").map(String.init)
        var lines: [String] = []
        var current = ""
        for word in words {
            let candidate = current.isEmpty ? word : current + " " + word
            if try current.isEmpty || LayoutTestSupport.width(candidate) <= width {
                current = candidate
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    @Test func paragraphLinesMatchGreedyFillingAndBaselines() throws {
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document("<p>\(text)</p>"))
        let lines = try LayoutTestSupport.lines(of: try #require(result.pages.first))
        let expected = try expectedLines(text, width: 300)
        #expect(lines.map(\.text) == expected)
        #expect(lines.count >= 3)
        // line-height 15pt: half-leading above the ascent on the first line, then 15pt steps.
        let face = try LayoutTestEnvironment.make().fonts[LayoutTestEnvironment.serif]
        let ascent = Double(face.ascender) * 12 / Double(face.unitsPerEm)
        let descent = -Double(face.descender) * 12 / Double(face.unitsPerEm)
        let firstBaseline = 50 + (15 - ascent - descent) / 2 + ascent
        for (index, line) in lines.enumerated() {
            #expect(abs(line.baseline - (firstBaseline + Double(index) * 15)) < 0.01)
            #expect(abs(line.minX - 50) < 0.01)
            #expect(line.maxX <= 350.01)
        }
    }

    @Test func lineHeightNormalMultipleAndPoints() throws {
        let face = try LayoutTestEnvironment.make().fonts[LayoutTestEnvironment.serif]
        let normal = Double(face.ascender - face.descender + face.lineGap) / Double(face.unitsPerEm) * 10
        for (css, step) in [("normal", normal), ("2", 20.0), ("7pt", 7.0), ("150%", 15.0)] {
            let html = LayoutTestSupport.document("<p style='font-size: 10pt; line-height: \(css)'>a<br>b<br>c</p>")
            let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
            #expect(lines.count == 3)
            #expect(abs(lines[1].baseline - lines[0].baseline - step) < 0.001, "line-height \(css)")
            #expect(abs(lines[2].baseline - lines[1].baseline - step) < 0.001, "line-height \(css)")
        }
    }

    @Test func collapsesWhiteSpaceAndHonoursBreaks() throws {
        let html = LayoutTestSupport.document("<p>  one   two\n\t three <br>  four<br>five</p>")
        let result = try LayoutTestSupport.layOut(html)
        let lines = try LayoutTestSupport.lines(of: try #require(result.pages.first))
        #expect(lines.map(\.text) == ["one two three", "four", "five"])
        #expect(abs(lines[0].minX - 50) < 0.01)
    }

    @Test func preKeepsSpacesAndNewlinesAndNowrapDoesNotWrap() throws {
        let html = LayoutTestSupport.document("""
            <div style="white-space: pre">a  b
            c</div><div style="white-space: nowrap">\(text)</div><div style="white-space: pre-line">x   y
            z</div>
            """)
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(lines.map(\.text) == ["a  b", "c", text, "x y", "z"])
        #expect(lines[2].maxX > 350)
    }

    @Test func justifyMakesEveryLineButTheLastFlush() throws {
        let html = LayoutTestSupport.document("<p style='text-align: justify'>\(text)</p><p style='text-align: justify'>short<br>line two</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        let paragraph = try expectedLines(text, width: 300).count
        for line in lines[0..<(paragraph - 1)] {
            #expect(abs(line.minX - 50) < 0.01)
            #expect(abs(line.maxX - 350) < 0.05, "\(line.text) ends at \(line.maxX)")
        }
        #expect(lines[paragraph - 1].maxX < 340)
        // A line ended by <br> is not stretched.
        #expect(lines[paragraph].text == "short")
        #expect(lines[paragraph].maxX < 100)
    }

    @Test func rightAndCenterAlignment() throws {
        let html = LayoutTestSupport.document("<p style='text-align: right'>\(text)</p><p style='text-align:center'>centred words</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        let count = try expectedLines(text, width: 300).count
        for line in lines[0..<count] { #expect(abs(line.maxX - 350) < 0.05) }
        let centred = try #require(lines.last)
        #expect(centred.text == "centred words")
        #expect(abs((centred.minX + centred.maxX) / 2 - 200) < 0.05)
        #expect(abs(centred.maxX - centred.minX - (try LayoutTestSupport.width("centred words"))) < 0.05)
    }

    @Test func textIndentShiftsTheFirstLineOnly() throws {
        let html = LayoutTestSupport.document("<p style='text-indent: 20pt'>\(text)</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(abs(lines[0].minX - 70) < 0.01)
        #expect(abs(lines[1].minX - 50) < 0.01)
    }

    @Test func overlongWordIsBrokenBetweenCharacters() throws {
        let word = String(repeating: "Abcdefghij", count: 12)
        let html = LayoutTestSupport.document("<p>x \(word) y</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(lines.count >= 3)
        #expect(lines.first?.text == "x")
        #expect(lines.map(\.text).joined(separator: " ") == "x " + lines.dropFirst().map(\.text).joined(separator: " "))
        #expect(lines.dropFirst().map(\.text).joined().replacingSpaces() == word + "y")
        for line in lines { #expect(line.maxX <= 350.01) }
    }

    @Test func breaksAfterHyphensAndDashes() throws {
        let fits = try LayoutTestSupport.width("aaaa well-") + 2
        let html = LayoutTestSupport.document("<p style='width: \(fits)pt'>aaaa well-known b\u{2013}c</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(lines.first?.text == "aaaa well-")
        #expect(lines.dropFirst().first?.text.hasPrefix("known") == true)
    }

    @Test func softHyphenShowsAHyphenOnlyWhenBroken() throws {
        let fits = try max(LayoutTestSupport.width("extra-"), LayoutTestSupport.width("ordinary")) + 1
        #expect(try fits < LayoutTestSupport.width("extraordinary"))
        let html = LayoutTestSupport.document("""
            <p style='width: \(fits)pt'>extra\u{AD}ordinary</p><p>extra\u{AD}ordinary</p>
            """)
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(lines.map(\.text) == ["extra-", "ordinary", "extraordinary"])
    }

    @Test func greekCyrillicAndNonBMPGetRealGlyphs() throws {
        let sample = "Καλημέρα κόσμε Здравствуйте мир \u{1D434} \u{10300} ✓"
        let html = LayoutTestSupport.document("<p>\(sample)</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var glyphs: [PlacedGlyph] = []
        var fonts: Set<Int> = []
        for item in page.items {
            if case .text(let run) = item {
                glyphs.append(contentsOf: run.glyphs)
                fonts.insert(run.font.index)
            }
        }
        #expect(!glyphs.isEmpty)
        #expect(glyphs.allSatisfy { $0.id != 0 }, "no .notdef glyphs")
        #expect(glyphs.map(\.text).joined() == sample)
        // U+10300 and ✓ are not in DejaVu Serif: they come from the Sans fallback.
        #expect(fonts.contains(LayoutTestEnvironment.sans))
        #expect(fonts.contains(LayoutTestEnvironment.serif))
    }

    @Test func combiningMarksStayWithTheirBase() throws {
        let html = LayoutTestSupport.document("<p>e\u{301}te\u{301}</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let run = try #require(page.items.compactMap { item -> TextRun? in
            if case .text(let run) = item { return run }
            return nil
        }.first)
        #expect(run.glyphs.map(\.text) == ["e\u{301}", "", "t", "e\u{301}", ""])
    }

    @Test func fontsFollowInlineStyles() throws {
        let html = LayoutTestSupport.document("<p>plain <b>bold</b> <i>italic</i> <span style='font-family: sans-serif; font-size: 20pt; color: #ff0000'>sans</span></p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let runs = page.items.compactMap { item -> TextRun? in
            if case .text(let run) = item { return run }
            return nil
        }
        func run(_ text: String) -> TextRun? { runs.first { $0.glyphs.map(\.text).joined().contains(text) } }
        #expect(run("plain")?.font.index == 0)
        #expect(run("bold")?.font.index == 1)
        #expect(run("italic")?.font.index == 2)
        let sans = try #require(run("sans"))
        #expect(sans.font.index == LayoutTestEnvironment.sans)
        #expect(sans.size == 20)
        #expect(sans.color == Color(red: 1, green: 0, blue: 0))
        // All on one baseline.
        #expect(Set(runs.map { ($0.origin.y * 100).rounded() }).count == 1)
    }

    @Test func advancesIncludeKerningAndLetterSpacing() throws {
        let html = LayoutTestSupport.document("<p>AVA</p><p style='letter-spacing: 2pt'>AVA</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let runs = page.items.compactMap { item -> TextRun? in
            if case .text(let run) = item { return run }
            return nil
        }
        #expect(runs.count == 2)
        let face = try LayoutTestEnvironment.make().fonts[0]
        let a = face.glyphID(for: "A")
        let v = face.glyphID(for: "V")
        let scale = 12 / Double(face.unitsPerEm)
        let expected = Double(face.advanceWidth(a) + face.kerning(a, v)) * scale
        #expect(face.kerning(a, v) != 0)
        #expect(abs(runs[0].glyphs[1].x - expected) < 0.001)
        #expect(abs(runs[1].glyphs[1].x - (expected + 2)) < 0.001)
    }

    @Test func textTransform() throws {
        let html = LayoutTestSupport.document("<p style='text-transform: uppercase'>straße</p><p style='text-transform: capitalize'>hello big world</p>")
        let lines = try LayoutTestSupport.lines(of: try #require(try LayoutTestSupport.layOut(html).pages.first))
        #expect(lines.map(\.text) == ["STRASSE", "Hello Big World"])
    }

    @Test func underlineAndLinkRectanglesCoverTheirText() throws {
        let html = LayoutTestSupport.document("<p>Visit <a href='https://example.com/pay'>our payment portal where everything is explained in great detail</a> today.</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var links: [Rect] = []
        var underlines: [(Point, Point)] = []
        for item in page.items {
            switch item {
            case .link(let rect, let uri):
                #expect(uri == "https://example.com/pay")
                links.append(rect)
            case .line(let from, let to, _, _, _):
                underlines.append((from, to))
            default:
                break
            }
        }
        let lines = try LayoutTestSupport.lines(of: page)
        #expect(lines.count == 2)
        #expect(links.count == 2, "one link rectangle per line fragment")
        #expect(underlines.count == 2)
        let visitWidth = try LayoutTestSupport.width("Visit ")
        #expect(abs(links[0].x - (50 + visitWidth)) < 0.05)
        #expect(abs(links[0].maxX - lines[0].maxX) < 0.05)
        #expect(abs(links[1].x - 50) < 0.05)
        let todayWidth = try LayoutTestSupport.width(" today.")
        #expect(abs(links[1].maxX - (lines[1].maxX - todayWidth)) < 0.05)
        for (rect, line) in zip(links, lines) {
            #expect(rect.y < line.baseline - 8 && rect.maxY > line.baseline + 2)
        }
        for (line, underline) in zip(lines, underlines) {
            #expect(underline.0.y > line.baseline && underline.0.y < line.baseline + 3)
        }
    }

    @Test func linkAroundAnImageCoversTheImage() throws {
        let html = LayoutTestSupport.document("<p><a href='https://example.com'><img src='logo.png' style='width: 80pt'></a></p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var link: Rect?
        var image: Rect?
        for item in page.items {
            if case .link(let rect, _) = item { link = rect }
            if case .image(_, let rect) = item { image = rect }
        }
        let linkRect = try #require(link)
        let imageRect = try #require(image)
        #expect(linkRect.x <= imageRect.x && linkRect.maxX >= imageRect.maxX)
        #expect(linkRect.y <= imageRect.y && linkRect.maxY >= imageRect.maxY)
    }

    @Test func imagesAreSizedFromCSSAttributesOrIntrinsicSize() throws {
        let html = LayoutTestSupport.document("""
            <p><img src="a.png"></p><p><img src="b.png" width="40" height="30"></p>
            <p><img src="c.png" style="width: 100pt"></p><p><img src="d.png" style="max-width: 50pt"></p>
            """)
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        var images: [String: Rect] = [:]
        for item in page.items {
            if case .image(let source, let rect) = item { images[source] = rect }
        }
        #expect(images["a.png"]?.width == 150)
        #expect(images["a.png"]?.height == 75)
        #expect(images["b.png"]?.width == 30)
        #expect(images["b.png"]?.height == 22.5)
        #expect(images["c.png"]?.width == 100)
        #expect(images["c.png"]?.height == 50)
        #expect(images["d.png"]?.width == 50)
        #expect(images["d.png"]?.height == 25)
        let a = try #require(images["a.png"])
        #expect(a.x == 50)
        #expect(a.y >= 50)
    }

    @Test func missingImageIsAnError() throws {
        #expect(throws: LayoutTestEnvironment.MissingImage(source: "missing.png")) {
            try LayoutTestSupport.layOut(LayoutTestSupport.document("<p><img src='missing.png'></p>"))
        }
    }

    @Test func inlineBlockShrinksToFit() throws {
        let html = LayoutTestSupport.document("<p>before <span style='display: inline-block; border: 1pt solid black; padding: 2pt'>boxed</span> after</p>")
        let page = try #require(try LayoutTestSupport.layOut(html).pages.first)
        let lines = try LayoutTestSupport.lines(of: page)
        #expect(lines.count == 1)
        let border = page.items.compactMap { item -> (Point, Point)? in
            if case .line(let from, let to, _, _, _) = item, from.y == to.y { return (from, to) }
            return nil
        }
        let top = try #require(border.first)
        let expected = try LayoutTestSupport.width("boxed") + 6
        #expect(abs(top.1.x - top.0.x - expected) < 0.05)
        #expect(abs(top.0.x - (50 + (try LayoutTestSupport.width("before ")))) < 0.05)
    }
}

extension String {
    func replacingSpaces() -> String { filter { $0 != " " } }
}
