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
        // About 1 MB of nested divs, 10,000+ levels deep.
        let depth = 10_000
        let html = String(repeating: "<div class=x>", count: depth) + String(repeating: "<span>", count: 150_000) + "x"
        #expect(html.utf8.count > 1_000_000)
        let doc = StyledDocument(html: "<style>div div div span { color: red } div > div > span { color: blue }</style>" + html)
        #expect(doc.root.depth <= HTMLTreeBuilder.maximumDepth + 2)
        #expect(doc.warnings.contains { $0.contains("flattened") })
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
}
