import Testing
@testable import StyledHTML

@Suite("HTML tree construction")
struct HTMLTreeTests {
    @Test func impliedDocumentStructure() {
        #expect(outline(StyledDocument(html: "").root) == "html(head,body)")
        #expect(outline(StyledDocument(html: "Hi").root) == "html(head,body(\"Hi\"))")
        let full = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Letter</title></head><body><p>x</p></body></html>"
        let doc = StyledDocument(html: full)
        #expect(outline(doc.root) == "html(head(meta,title),body(p(\"x\")))")
        #expect(doc.root.attribute("lang") == "en")
        #expect(doc.title == "Letter")
        #expect(doc.warnings.isEmpty)
    }

    @Test func headContentAndBodyStartAfterHeadText() {
        let doc = StyledDocument(html: "<title>  A \n  title </title><meta name=Author content='Jane Doe'><meta name=subject content=Dunning>Text")
        #expect(doc.title == "A title")
        #expect(doc.meta["author"] == "Jane Doe")
        #expect(doc.meta["subject"] == "Dunning")
        #expect(outline(doc.root) == "html(head(title,meta,meta),body(\"Text\"))")
        // Text inside head elements does not render.
        #expect(doc.root.first("head")?.textContent == "")
        #expect(doc.root.first("head")?.style.display == ComputedStyle.Display.none)
    }

    @Test func everyLetterElementParses() {
        let html = """
        <body><div><section><h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><p>x<span>s</span><br>
        <strong>1</strong><b>2</b><em>3</em><i>4</i><u>5</u><small>6</small><a href="#x">7</a>
        <img src="logo.png" alt=logo></p><hr><ul><li>u</li></ul><ol><li>o</li></ol></section></div></body>
        """
        let body = bodyOutline(html)
        #expect(body == "body(div(section(h1(\"a\"),h2(\"b\"),h3(\"c\"),h4(\"d\"),p(\"x\",span(\"s\"),br,\"\n\",strong(\"1\"),b(\"2\"),em(\"3\"),i(\"4\"),u(\"5\"),small(\"6\"),a(\"7\"),\"\n\",img),hr,ul(li(\"u\")),ol(li(\"o\")))))")
    }

    @Test func unknownElementsAreKeptInline() {
        let doc = StyledDocument(html: "<p><custom-tag data-x=1>y</custom-tag><article>z</article>")
        let custom = doc.root.first("custom-tag")
        #expect(custom?.attribute("data-x") == "1")
        #expect(custom?.style.display == .inline)
        #expect(doc.root.first("article")?.style.display == .block)
    }

    @Test func paragraphsCloseAtBlockStarts() {
        #expect(bodyOutline("<p>a<div>b</div>") == "body(p(\"a\"),div(\"b\"))")
        #expect(bodyOutline("<p>a<p>b") == "body(p(\"a\"),p(\"b\"))")
        #expect(bodyOutline("<p>a<h2>b</h2>") == "body(p(\"a\"),h2(\"b\"))")
        #expect(bodyOutline("<p>a<ul><li>b</ul>") == "body(p(\"a\"),ul(li(\"b\")))")
        #expect(bodyOutline("<!DOCTYPE html><p>a<table><tr><td>b</table>") == "body(p(\"a\"),table(tbody(tr(td(\"b\")))))")
        #expect(bodyOutline("<p>a<span>b<hr>c") == "body(p(\"a\",span(\"b\")),hr,\"c\")")
        // </p> without a <p> inserts an empty paragraph, like browsers.
        let doc = StyledDocument(html: "<div>a</p>b</div>")
        #expect(outline(doc.root.first("body")!) == "body(div(\"a\",p,\"b\"))")
        #expect(doc.warnings.contains { $0.contains("</p>") })
    }

    @Test func listItemsCloseEachOther() {
        #expect(bodyOutline("<ul><li>a<li>b<li>c</ul>") == "body(ul(li(\"a\"),li(\"b\"),li(\"c\")))")
        #expect(bodyOutline("<ul><li>a<ul><li>b</ul><li>c</ul>") == "body(ul(li(\"a\",ul(li(\"b\"))),li(\"c\")))")
        #expect(bodyOutline("<ol><li><p>a<li>b</ol>") == "body(ol(li(p(\"a\")),li(\"b\")))")
        #expect(bodyOutline("<dl><dt>t<dd>d<dt>u</dl>") == "body(dl(dt(\"t\"),dd(\"d\"),dt(\"u\")))")
    }

    @Test func tablesGetImpliedBodiesAndClosedCells() {
        #expect(bodyOutline("<table><tr><td>a<td>b<tr><th>c</table>")
            == "body(table(tbody(tr(td(\"a\"),td(\"b\")),tr(th(\"c\")))))")
        #expect(bodyOutline("<table><thead><tr><th>h<tbody><tr><td>1<tfoot><tr><td>f</table>")
            == "body(table(thead(tr(th(\"h\"))),tbody(tr(td(\"1\"))),tfoot(tr(td(\"f\")))))")
        // A cell directly in a table gets a tbody and a row.
        #expect(bodyOutline("<table><td>x</table>") == "body(table(tbody(tr(td(\"x\")))))")
        // Nested tables stay inside their cell.
        #expect(bodyOutline("<table><tr><td><table><tr><td>in</table>out</table>")
            == "body(table(tbody(tr(td(table(tbody(tr(td(\"in\")))),\"out\")))))")
        // Formatting does not leak out of a cell.
        #expect(bodyOutline("<table><tr><td><b>x<td>y</table>z") == "body(table(tbody(tr(td(b(\"x\")),td(\"y\")))),\"z\")")
    }

    @Test func whitespaceOnlyTextIsDroppedInTablesAndLists() {
        let html = "<table>\n  <tr>\n    <td> a </td>\n  </tr>\n</table><ul>\n <li>x</li>\n</ul>"
        #expect(bodyOutline(html) == "body(table(tbody(tr(td(\" a \")))),ul(li(\"x\")))")
        // Whitespace is not collapsed in text nodes.
        #expect(bodyOutline("<p>  a \n\t b  </p>") == "body(p(\"  a \n\t b  \"))")
    }

    @Test func strayTableContentIsMovedBeforeTheTable() {
        let doc = StyledDocument(html: "<table><tr>oops<td>1</td></tr><div>d</div></table>")
        #expect(outline(doc.root.first("body")!) == "body(\"oops\",div(\"d\"),table(tbody(tr(td(\"1\")))))")
        #expect(doc.warnings.contains { $0.contains("moved before the table") })
    }

    @Test func colspanAndAttributesAreKept() {
        let doc = StyledDocument(html: "<table><tr><td COLSPAN=\"2\" class='a b' nowrap data-v=x&amp;y>1</td></tr></table>")
        let td = doc.root.first("td")
        #expect(td?.attribute("colspan") == "2")
        #expect(td?.attribute("class") == "a b")
        #expect(td?.attribute("nowrap") == "")
        #expect(td?.attribute("data-v") == "x&y")
    }

    @Test func attributesQuotedUnquotedBooleanAndDuplicates() {
        let doc = StyledDocument(html: #"<div ID=main Title='single "q"' data-a="double 'q'" hidden data-b=unq/uoted id=second></div>"#)
        let div = doc.root.first("div")
        #expect(div?.attribute("id") == "main")
        #expect(div?.attribute("title") == "single \"q\"")
        #expect(div?.attribute("data-a") == "double 'q'")
        #expect(div?.attribute("hidden") == "")
        #expect(div?.attribute("data-b") == "unq/uoted")
        #expect(div?.style.display == ComputedStyle.Display.none)
    }

    @Test func misnestedFormattingIsRepaired() {
        #expect(bodyOutline("<b><i>x</b>y</i>z") == "body(b(i(\"x\")),i(\"y\"),\"z\")")
        #expect(bodyOutline("<b>1<p>2</b>3</p>") == "body(b(\"1\"),p(b(\"2\"),\"3\"))")
        // A block start re-opens formatting closed with the paragraph.
        #expect(bodyOutline("<p><b>bold<p>still bold</b>plain") == "body(p(b(\"bold\")),p(b(\"still bold\"),\"plain\"))")
        #expect(bodyOutline("<a href=1>one<a href=2>two</a>") == "body(a(\"one\"),a(\"two\"))")
        let doc = StyledDocument(html: "<b><i>x</b>y</i>")
        #expect(doc.warnings.contains { $0.contains("misnested") })
    }

    @Test func unclosedAndStrayTags() {
        let doc = StyledDocument(html: "<div><section><span>text")
        #expect(outline(doc.root.first("body")!) == "body(div(section(span(\"text\"))))")
        #expect(doc.warnings.contains { $0.contains("unclosed") && $0.contains("<div>") })
        let stray = StyledDocument(html: "<p>a</span></div>b</p>")
        #expect(outline(stray.root.first("body")!) == "body(p(\"ab\"))")
        #expect(stray.warnings.filter { $0.contains("stray end tag") }.count == 2)
        #expect(stray.warnings.first?.hasPrefix("line 1:") == true)
        // </br> is a <br>.
        #expect(bodyOutline("a</br>b") == "body(\"a\",br,\"b\")")
    }

    @Test func voidElementsHaveNoChildren() {
        #expect(bodyOutline("<p>a<br>b<img src=x>c<br/>d<hr>e") == "body(p(\"a\",br,\"b\",img,\"c\",br,\"d\"),hr,\"e\")")
        #expect(bodyOutline("<p>a<input type=text>b</p>") == "body(p(\"a\",input,\"b\"))")
    }

    @Test func entitiesAreDecoded() {
        let text = StyledDocument(html: "<p>&amp;&lt;&gt;&quot;&apos;&nbsp;&copy;&reg;&euro;&ndash;&mdash;&hellip;&laquo;&raquo;&lsquo;&rsquo;&ldquo;&rdquo;&bull;&middot;&times;&divide;&deg;&plusmn;&sect;&para;&trade;&shy;</p>").root.first("p")?.textContent
        #expect(text == "&<>\"'\u{A0}©®€–—…«»‘’“”•·×÷°±§¶™\u{AD}")
        let latin = StyledDocument(html: "<p>&eacute;&Eacute;&uuml;&Uuml;&szlig;&ntilde;&ccedil;&oslash;&aring;&AElig;&yuml;</p>").root.first("p")?.textContent
        #expect(latin == "éÉüÜßñçøåÆÿ")
        let numeric = StyledDocument(html: "<p>&#65;&#x42;&#X43;&#233;&#x1F600;&#128512;&#x10348;&#0;&#x110000;&#150;</p>").root.first("p")?.textContent
        #expect(numeric == "ABCé😀😀𐍈\u{FFFD}\u{FFFD}–")
        // Unknown names and bare ampersands stay literal; legacy names work without ';'.
        let loose = StyledDocument(html: "<p>R&D &unknown; a & b &copy 2024 &amp</p>").root.first("p")?.textContent
        #expect(loose == "R&D &unknown; a & b © 2024 &")
        // In attributes, a legacy name followed by '=' or a letter is not decoded.
        let a = StyledDocument(html: "<a href=\"?a=1&copy=2&amp;b=3&eacute;\">x</a>").root.first("a")
        #expect(a?.attribute("href") == "?a=1&copy=2&b=3é")
    }

    @Test func rawTextElements() {
        let doc = StyledDocument(html: "<style>p > b { color: red } /* </p> */</style><script>if (a < b && c) { x = '</div>' }</script><p>t</p>")
        #expect(outline(doc.root) == "html(head(style,script),body(p(\"t\")))")
        #expect(doc.root.first("p")?.style.color == Color.black)
        let styled = StyledDocument(html: "<style>p b{color:red}</style><p><b>x</b></p>")
        #expect(styled.root.first("b")?.style.color == Color(red: 1, green: 0, blue: 0))
        // A <title> decodes entities but does not parse tags.
        let titled = StyledDocument(html: "<title>A &amp; <b>B</b></title>")
        #expect(titled.title == "A & <b>B</b>")
    }

    @Test func commentsDoctypesAndProcessingInstructionsAreSkipped() {
        #expect(bodyOutline("<!DOCTYPE html><!-- c --><p>a<!-- x > y -->b<!---->c<!-->d<?php x ?>e</p>") == "body(p(\"abcde\"))")
        #expect(bodyOutline("<p>a<!-- never closed") == "body(p(\"a\"))")
        #expect(bodyOutline("<p>1 < 2 and 3 <= 4</p>") == "body(p(\"1 < 2 and 3 <= 4\"))")
    }

    @Test func newlinesAreNormalized() {
        #expect(bodyOutline("<p>a\r\nb\rc</p>") == "body(p(\"a\nb\nc\"))")
        #expect(bodyOutline("<pre>\nfirst\n</pre>") == "body(pre(\"first\n\"))")
    }

    @Test func depthIsCapped() {
        let html = String(repeating: "<div>", count: 10_000) + "deep" + String(repeating: "</div>", count: 10_000)
        let doc = StyledDocument(html: html)
        #expect(doc.root.depth <= HTMLTreeBuilder.maximumDepth + 1)
        #expect(doc.root.textContent == "deep")
        #expect(doc.warnings.contains { $0.contains("flattened") })
    }
}
