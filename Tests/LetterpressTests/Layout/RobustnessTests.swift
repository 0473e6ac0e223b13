import Letterpress
import StyledHTML
import Testing

/// Hostile input: nothing may crash or hang; problems become warnings.
struct RobustnessTests {
    @Test func deepNestingIsFlattenedWithAWarning() throws {
        let depth = 3_000
        let html = String(repeating: "<div><span>", count: depth) + "deep text" + String(repeating: "</span></div>", count: depth)
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(html))
        #expect(try result.pages.map { try LayoutTestSupport.text(of: $0) }.joined().contains("deep text"))
        #expect(result.warnings.contains { $0.contains("nested") })
    }

    @Test func deepInlineNestingAndDeepTables() throws {
        let spans = String(repeating: "<b>", count: 2_000) + "bold" + String(repeating: "</b>", count: 2_000)
        let tables = String(repeating: "<table><tr><td>", count: 200) + "cell" + String(repeating: "</td></tr></table>", count: 200)
        let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(spans + tables))
        let text = try result.pages.map { try LayoutTestSupport.text(of: $0) }.joined(separator: "\n")
        #expect(text.contains("bold"))
        #expect(text.contains("cell"))
    }

    @Test func malformedTables() throws {
        let html = LayoutTestSupport.document("""
            <table></table>
            <table><tr></tr><tr><td>only</td></tr></table>
            <table><tr><td>1</td></tr><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></table>
            <table><tr><td colspan="5000">wide</td><td>after</td></tr><tr><td colspan="0">zero</td></tr></table>
            <table style="width: 0"><tr><td>squeezed words here</td></tr></table>
            <table><caption>Caption</caption><thead><tr><th>h</th></tr></thead></table>
            <tr><td>stray cell</td></tr>
            <table><tbody><tr><td style="width: -5pt; padding: -3pt">negative</td></tr></tbody></table>
            """)
        let result = try LayoutTestSupport.layOut(html)
        let text = try result.pages.map { try LayoutTestSupport.text(of: $0) }.joined(separator: "\n")
        for word in ["only", "4", "wide", "zero", "Caption", "h", "stray cell", "negative"] {
            #expect(text.contains(word), "\(word) is laid out")
        }
    }

    @Test func degenerateGeometry() throws {
        let html = LayoutTestSupport.document("""
            <div style="width: 0">zero width container with several words</div>
            <div style="margin: -200pt -300pt">negative margins</div>
            <div style="margin-left: 5000pt">far right</div>
            <p style="font-size: 100000pt">Huge</p>
            <p style="font-size: 0">invisible</p>
            <p style="line-height: 0">no height</p>
            <div style="height: 2000pt">tall block</div>
            <div style="padding: 100%">padded</div>
            <img src="x.png" style="width: 0; height: 0">
            <div style="position: absolute; top: -100pt; left: 99999pt">off page</div>
            <div style="position: absolute; width: 50%">shrink</div>
            """)
        let result = try LayoutTestSupport.layOut(html)
        #expect(!result.pages.isEmpty)
        #expect(result.warnings.contains { $0.contains("font-size") })
        for page in result.pages {
            for item in page.items {
                switch item {
                case .text(let run):
                    #expect(run.origin.x.isFinite && run.origin.y.isFinite)
                    #expect(run.glyphs.allSatisfy { $0.x.isFinite })
                case .fill(let rect, _), .image(_, let rect), .link(let rect, _):
                    #expect(rect.x.isFinite && rect.y.isFinite && rect.width >= 0 && rect.height >= 0)
                case .line(let from, let to, let width, _, _):
                    #expect(from.x.isFinite && to.y.isFinite && width > 0)
                }
            }
        }
    }

    @Test func emptyAndTinyDocuments() throws {
        for html in ["", "<html></html>", "just text", "<body style='display:none'>x</body>", "<br><br>",
                     "<p>\u{00AD}\u{200B}\u{200D}</p>", "<ul><li></li></ul>", "<pre>\n\n\t</pre>"] {
            let result = try LayoutTestSupport.layOut(html)
            #expect(result.pages.count == 1, "\(html.debugDescription) gives one page")
        }
        let degenerate = "<style>@page { size: 10pt 10pt; margin: 20pt }</style><p>text on a tiny page</p>"
        let result = try LayoutTestSupport.layOut(degenerate, maxPages: 1_000)
        #expect(!result.pages.isEmpty)
    }

    @Test func unbreakableHugeContentTerminates() throws {
        let word = String(repeating: "W", count: 5_000)
        let html = LayoutTestSupport.document("<div style='width: 1pt'>\(word)</div><div style='white-space: nowrap'>\(word)</div>")
        let result = try LayoutTestSupport.layOut(html)
        #expect(result.pages.count > 100)
    }

    @Test func extremeListNumbers() throws {
        let html = LayoutTestSupport.document("""
            <ol start="9223372036854775807"><li>a</li><li>b</li></ol>
            <ol reversed start="-9223372036854775807"><li>c</li><li>d</li></ol>
            <ol style="list-style-type: lower-alpha"><li value="702">zz</li></ol>
            """)
        let text = try LayoutTestSupport.layOut(html).pages.map { try LayoutTestSupport.text(of: $0) }.joined()
        #expect(text.contains("zz."))
        #expect(text.contains("1000000000."))
    }

    /// Random markup from a fixed seed: tags, styles and text mixed without any structure.
    @Test func randomMarkupNeverCrashes() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let tags = ["div", "p", "span", "b", "i", "a href='x'", "table", "tr", "td colspan='3'", "th", "thead", "tbody",
                    "ul", "ol", "li", "img src='i.png'", "br", "hr", "h1", "small", "u", "section", "pre"]
        let styles = ["", "display:inline-block", "position:absolute;top:10pt", "position:fixed;bottom:0", "width:50%",
                      "margin:-20pt", "padding:10pt", "border:3pt dashed red", "white-space:nowrap", "white-space:pre-line",
                      "text-align:justify", "text-align:right", "page-break-before:always", "page-break-inside:avoid",
                      "font-size:40pt", "line-height:0", "height:300pt", "display:none", "display:table-cell",
                      "border-collapse:collapse", "vertical-align:middle", "text-indent:-30pt", "letter-spacing:-5pt",
                      "max-width:10pt", "min-height:900pt", "display:table", "display:list-item"]
        let words = ["word", "Ελληνικά", "кириллица", "long-hyphenated-word", "soft\u{AD}hyphen", "a/b/c", " ", "\n",
                     "\u{10300}", "e\u{301}", "\u{200B}", "&amp;", "\t"]
        for _ in 0..<60 {
            var html = ""
            var open: [String] = []
            for _ in 0..<(20 + next(120)) {
                switch next(4) {
                case 0:
                    let tag = tags[next(tags.count)]
                    html += "<\(tag) style='\(styles[next(styles.count)])'>"
                    open.append(String(tag.prefix { $0 != " " }))
                case 1:
                    if let tag = open.popLast() { html += "</\(tag)>" }
                default:
                    html += words[next(words.count)] + " "
                }
            }
            let result = try LayoutTestSupport.layOut(LayoutTestSupport.document(html), maxPages: 500)
            #expect(!result.pages.isEmpty)
        }
    }
}
