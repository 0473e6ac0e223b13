import Foundation
import Testing
@testable import StyledHTML

@Suite("Garbage input never crashes")
struct RobustnessTests {
    /// A deterministic generator so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix(state: 42)
        for _ in 0..<40 {
            let count = Int.random(in: 0..<4000, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let doc = StyledDocument(html: String(decoding: bytes, as: UTF8.self))
            #expect(doc.root.tag == "html")
        }
    }

    @Test func randomMarkupSoup() {
        let pieces = ["<div>", "</div>", "<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<table>", "</table>", "<tr>", "<td>",
                      "</td>", "<th>", "<li>", "<ul>", "</ul>", "<a href=x>", "</a>", "text ", "&amp;", "&#x1F600;", "<br>",
                      "<style>p{color:red}</style>", "<!--", "-->", "<", ">", "\"", "'", "=", "<tbody>", "<caption>",
                      "<select><option>", "<button>", "<h1>", "</h2>", "<font color=red>", "<nobr>", "<col>", "<colgroup>",
                      "<span style='color: red; margin: 1px 2px'>", "</span>", "<html>", "<body>", "<head>", "</head>",
                      "<title>", "</title>", "<hr>", "<img src=x>", "<pre>", "</pre>", "<dd>", "<dt>", "<form>", "</form>"]
        var rng = SplitMix(state: 7)
        for _ in 0..<200 {
            var html = ""
            for _ in 0..<Int.random(in: 1..<300, using: &rng) {
                html += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            }
            let doc = StyledDocument(html: html)
            #expect(doc.root.tag == "html")
            #expect(doc.root.children.contains { $0.tag == "body" })
        }
    }

    @Test func randomCSS() {
        let pieces = ["p", "{", "}", ";", ":", "color", "red", "@media", "@page", "@font-face", "(", ")", "[", "]", "\"",
                      "'", "/*", "*/", "\\", "#", ".", ",", ">", "+", "~", "!important", "url(", "12px", "50%", "-",
                      "@bottom-center", "content", "counter(page)", " ", "\n", "margin", "1e400", "-0", "nth-child(", "::"]
        var rng = SplitMix(state: 99)
        for _ in 0..<300 {
            var css = ""
            for _ in 0..<Int.random(in: 1..<200, using: &rng) {
                css += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            }
            let doc = StyledDocument(html: "<style>\(css)</style><p style=\"\(css.replacingOccurrences(of: "\"", with: ""))\">x</p>")
            #expect(doc.root.tag == "html")
        }
    }

    @Test func deepNestingDoesNotOverflowTheStack() {
        // 1 MB of <div>: 200,000 levels requested, capped by the tree builder.
        let html = String(repeating: "<div>", count: 200_000) + "x"
        #expect(html.utf8.count > 1_000_000)
        let doc = StyledDocument(html: "<style>div div div { color: red } div > div:first-child { margin: 1pt }</style>" + html)
        #expect(doc.root.depth <= HTMLTreeBuilder.maximumDepth + 2)
        #expect(doc.root.textContent == "x")
        #expect(doc.warnings.contains { $0.contains("flattened") })
        // Mixed: deep divs with spans below the cap.
        let mixed = String(repeating: "<div class=x>", count: 10_000) + String(repeating: "<span>", count: 10_000) + "y"
        #expect(StyledDocument(html: mixed).root.textContent == "y")
    }

    @Test func deeplyNestedCSSDoesNotOverflowTheStack() {
        // An unclosed '(' swallows the rest of the sheet, as CSS Syntax says.
        let parens = "<style>p { color: " + String(repeating: "(", count: 100_000) + " } div { color: red }</style><div id=t>x</div>"
        let swallowed = StyledDocument(html: parens)
        #expect(swallowed.root.element(id: "t")?.style.color == Color.black)
        #expect(swallowed.warnings.allSatisfy { $0.count < 300 })
        let functions = "<p id=t style='color: " + String(repeating: "rgb(", count: 50_000) + "'>x</p>"
        #expect(style(functions, id: "t")?.color == Color.black)
        let nots = "<style>p" + String(repeating: ":not(", count: 50_000) + "a" + String(repeating: ")", count: 50_000) + " { color: red }</style><p id=t>x"
        let doc = StyledDocument(html: nots)
        #expect(doc.root.element(id: "t")?.style.color == Color.black)
        #expect(doc.warnings.contains { $0.contains("ignored") && $0.count < 300 })
        let media = String(repeating: "@media print { ", count: 10_000) + "p { color: red }"
        #expect(StyledDocument(html: "<style>\(media)</style><p>x").root.tag == "html")
        let blocks = "<style>" + String(repeating: "{", count: 100_000) + "</style><p>x"
        #expect(StyledDocument(html: blocks).root.tag == "html")
    }

    @Test func hostileAttributeValues() {
        let html = "<font size='+99999999999999999999'>a</font><table border=inf cellspacing=nan cellpadding=1e999 width=99999999999999999999999999%><tr><td>b</td></tr></table><img width=-5 height=abc>"
        let doc = StyledDocument(html: html)
        #expect(doc.root.textContent == "ab")
    }

    @Test func deepFormattingNesting() {
        let html = String(repeating: "<b><i>", count: 5_000) + "x" + String(repeating: "</div><p>y", count: 2_000)
        let doc = StyledDocument(html: html)
        #expect(doc.root.tag == "html")
    }

    @Test func longTable() throws {
        var html = "<style>td { padding: 2pt } tr:nth-child(even) td { background: #eee } .amount { text-align: right }</style><table><thead><tr><th>Date</th><th>Amount</th></tr></thead><tbody>"
        for row in 0..<2_000 {
            html += "<tr><td>2024-01-\(row % 28 + 1)</td><td class=amount>\(row),00 &euro;</td></tr>\n"
        }
        html += "</tbody></table>"
        let start = Date()
        let doc = StyledDocument(html: html)
        let elapsed = Date().timeIntervalSince(start)
        let tbody = try #require(doc.root.all("tbody").first)
        #expect(tbody.children.count == 2_000)
        #expect(tbody.children[1].children[0].style.backgroundColor != nil)
        #expect(tbody.children[0].children[0].style.backgroundColor == nil)
        #expect(tbody.children[5].children[1].style.textAlign == .right)
        #expect(tbody.children[1999].children[1].textContent == "1999,00 €")
        #expect(elapsed < 5, "2,000 rows took \(elapsed) s")
    }

    @Test func unterminatedConstructsAtEndOfInput() {
        for html in ["<div", "<div class=\"open", "<div class='x' ", "</div", "<!--", "<!DOCTYPE", "<style>p{", "<script>",
                     "<title>t", "&", "&#", "&#x", "&am", "<a href=", "<p style='color:", "<table><tr><td", "<", "</"] {
            let doc = StyledDocument(html: html)
            #expect(doc.root.tag == "html", "input: \(html)")
        }
    }

    @Test func concurrentDocumentsShareTheStyleSheetCache() async {
        let html = "<style>p { color: red; colr: x } .n { font-weight: bold }</style><p class=n>x</p>"
        let reference = StyledDocument(html: html)
        let results = await withTaskGroup(of: (Bool, [String]).self) { group in
            for k in 0..<32 {
                group.addTask {
                    let doc = StyledDocument(html: k % 2 == 0 ? html : html + "<p>\(k)</p>")
                    let p = doc.root.first("p")?.style
                    return (p?.color == red && p?.fontWeight == 700, doc.warnings)
                }
            }
            var all: [(Bool, [String])] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0.0 && $0.1 == reference.warnings })
        #expect(reference.warnings == ["line 1: unknown property 'colr' ignored"])
    }
}
