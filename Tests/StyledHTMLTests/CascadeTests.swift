import Testing
@testable import StyledHTML

func approx(_ a: Double, _ b: Double, _ tolerance: Double = 0.001) -> Bool { abs(a - b) <= tolerance }

func approx(_ a: ComputedStyle.Length, _ points: Double) -> Bool {
    if case .points(let p) = a { return approx(p, points) }
    return false
}

let red = Color(red: 1, green: 0, blue: 0)
let green = Color(red: 0, green: 128.0 / 255, blue: 0)
let blue = Color(red: 0, green: 0, blue: 1)

@Suite("Cascade and computed values")
struct CascadeTests {
    @Test func specificityBeatsSourceOrder() {
        let html = "<style>#t { color: red } .c { color: blue } p { color: green }</style><p id=t class=c>x</p>"
        #expect(style(html, id: "t")?.color == red)
        let classWins = "<style>.c { color: blue } p { color: green }</style><p id=t class=c>x</p>"
        #expect(style(classWins, id: "t")?.color == blue)
        let deeper = "<style>div p { color: red } p { color: blue } body div > p { color: green }</style><div><p id=t>x</p></div>"
        #expect(style(deeper, id: "t")?.color == green)
    }

    @Test func laterRuleWinsAtEqualSpecificity() {
        #expect(style("<style>p { color: red } p { color: blue }</style><p id=t>x", id: "t")?.color == blue)
        // Across style elements too.
        #expect(style("<style>p { color: blue }</style><style>p { color: red }</style><p id=t>x", id: "t")?.color == red)
    }

    @Test func importantAndInlineStyles() {
        // Inline beats any selector.
        #expect(style("<style>#t { color: red }</style><p id=t style='color: blue'>x", id: "t")?.color == blue)
        // !important beats inline non-important.
        #expect(style("<style>p { color: red !important }</style><p id=t style='color: blue'>x", id: "t")?.color == red)
        // Inline !important beats author !important.
        #expect(style("<style>#t { color: red !important }</style><p id=t style='color: blue !important'>x", id: "t")?.color == blue)
        // A less specific !important beats a more specific normal rule.
        #expect(style("<style>p { color: red !important } #t { color: blue }</style><p id=t>x", id: "t")?.color == red)
    }

    @Test func authorRulesBeatTheDefaultSheet() {
        #expect(style("<style>p { margin: 0 }</style><p id=t>x", id: "t")?.margin == Edges(.points(0)))
        #expect(style("<style>h1 { font-weight: normal }</style><h1 id=t>x", id: "t")?.fontWeight == 400)
        #expect(style("<style>a { color: red; text-decoration: none }</style><a id=t href=x>x</a>", id: "t")?.underline == false)
    }

    @Test func inheritanceOfTextButNotBoxProperties() throws {
        let html = """
        <style>div { color: red; font-size: 10pt; font-family: "Open Sans", Arial, sans-serif; line-height: 1.5;
        text-align: right; white-space: nowrap; margin: 5pt; padding: 3pt; border: 1pt solid blue; width: 50%;
        background: yellow; letter-spacing: 1pt; text-transform: uppercase; list-style-type: square }</style>
        <div><span id=t>x</span></div>
        """
        let s = try #require(style(html, id: "t"))
        #expect(s.color == red)
        #expect(s.fontSize == 10)
        #expect(s.fontFamily == ["open sans", "arial", "sans-serif"])
        #expect(s.lineHeight == .multiple(1.5))
        #expect(s.textAlign == .right)
        #expect(s.whiteSpace == .nowrap)
        #expect(s.letterSpacing == 1)
        #expect(s.textTransform == .uppercase)
        #expect(s.listStyleType == .square)
        #expect(s.margin == Edges(.points(0)))
        #expect(s.padding == Edges(.points(0)))
        #expect(s.border.top.width == 0 && s.border.top.style == .none)
        #expect(s.width == .auto)
        #expect(s.backgroundColor == nil)
    }

    @Test func explicitInheritInitialAndUnset() throws {
        let html = """
        <style>div { margin: 7pt; color: red; border: 2pt solid blue } p { margin: inherit; color: initial; border-color: inherit }
        span { color: unset; margin: unset }</style>
        <div><p id=p style="border-style: solid"><span id=s style="font-size: inherit">x</span></p></div>
        """
        let doc = StyledDocument(html: html)
        let p = try #require(doc.root.element(id: "p")?.style)
        #expect(p.margin == Edges(.points(7)))
        #expect(p.color == Color.black)
        #expect(p.border.top.color == blue)
        #expect(p.border.top.width == 2.25) // medium, since only the style was set
        let s = try #require(doc.root.element(id: "s")?.style)
        #expect(s.color == Color.black)
        #expect(s.margin == Edges(.points(0)))
    }

    @Test func unitConversions() throws {
        let html = """
        <style>html { font-size: 10pt } div { font-size: 20px }
        #t { width: 10mm; height: 1in; margin-top: 2em; margin-right: 1.5rem; margin-bottom: 2ex; margin-left: 1cm;
        padding-top: 1pc; padding-right: 10%; min-width: 4px; max-width: none; text-indent: 5%; left: -2pt }</style>
        <div><p id=t>x</p></div>
        """
        let s = try #require(style(html, id: "t"))
        #expect(s.fontSize == 15)
        #expect(approx(s.width, 28.3465))
        #expect(approx(s.height, 72))
        #expect(approx(s.margin.top, 30))
        #expect(approx(s.margin.right, 15))
        #expect(approx(s.margin.bottom, 15))
        #expect(approx(s.margin.left, 28.3465))
        #expect(approx(s.padding.top, 12))
        #expect(s.padding.right == .percent(10))
        #expect(approx(s.minWidth, 3))
        #expect(s.maxWidth == .none)
        #expect(s.textIndent == .percent(5))
        #expect(approx(s.left, -2))
    }

    @Test func fontSizeKeywordsPercentagesAndRelativeSizes() throws {
        let html = """
        <style>#a { font-size: 150% } #b { font-size: larger } #c { font-size: x-large } #d { font-size: 0.5em }
        #e { font-size: smaller } #f { line-height: 120% } #g { line-height: 2em } #h { line-height: 18pt }</style>
        <p id=a>a</p><p id=b>b</p><p id=c>c</p><div style="font-size: 20pt"><p id=d>d</p><p id=f>f</p></div>
        <small id=e>e</small><p id=g style="font-size: 10pt">g</p><p id=h>h</p><h1 id=h1>h</h1><h3 id=h3>h</h3>
        """
        let doc = StyledDocument(html: html)
        func size(_ id: String) -> Double { doc.root.element(id: id)?.style.fontSize ?? -1 }
        #expect(approx(size("a"), 18))
        #expect(approx(size("b"), 14.4))
        #expect(approx(size("c"), 18))
        #expect(approx(size("d"), 10))
        #expect(approx(size("e"), 10))
        #expect(approx(size("h1"), 24))
        #expect(approx(size("h3"), 14.04))
        #expect(doc.root.element(id: "f")?.style.lineHeight == .points(24))
        #expect(doc.root.element(id: "g")?.style.lineHeight == .points(20))
        #expect(doc.root.element(id: "h")?.style.lineHeight == .points(18))
    }

    @Test func lineHeightMultipleIsInheritedAsNumber() throws {
        let html = "<div style='font-size: 10pt; line-height: 1.5'><p id=t style='font-size: 20pt'>x</p></div><div style='font-size: 10pt; line-height: 150%'><p id=u style='font-size: 20pt'>x</p></div>"
        let doc = StyledDocument(html: html)
        #expect(doc.root.element(id: "t")?.style.lineHeight == .multiple(1.5))
        #expect(doc.root.element(id: "u")?.style.lineHeight == .points(15))
    }

    @Test func fontWeightAndStyle() {
        let html = """
        <style>.n { font-weight: 600 } .l { font-weight: lighter } .o { font-style: oblique } .w { font-weight: 450 }</style>
        <b id=b>x<b id=bb style="font-weight: bolder">y</b></b><p class=n id=n>n<span class=l id=l>l</span></p>
        <i id=i>i</i><em id=em>e</em><span class=o id=o>o</span><span class=w id=w>w</span>
        """
        let doc = StyledDocument(html: html)
        func s(_ id: String) -> ComputedStyle? { doc.root.element(id: id)?.style }
        #expect(s("b")?.fontWeight == 700)
        #expect(s("bb")?.fontWeight == 900)
        #expect(s("n")?.fontWeight == 600)
        #expect(s("l")?.fontWeight == 400)
        #expect(s("w")?.fontWeight == 500)
        #expect(s("i")?.fontStyle == .italic)
        #expect(s("em")?.fontStyle == .italic)
        #expect(s("o")?.fontStyle == .italic)
    }

    @Test func fontShorthand() throws {
        let s = try #require(style("<p id=t style='font: italic bold 14px/1.4 \"Helvetica Neue\", Arial, sans-serif'>x", id: "t"))
        #expect(s.fontStyle == .italic)
        #expect(s.fontWeight == 700)
        #expect(s.fontSize == 10.5)
        #expect(s.lineHeight == .multiple(1.4))
        #expect(s.fontFamily == ["helvetica neue", "arial", "sans-serif"])
        // The shorthand resets what it does not mention.
        let reset = try #require(style("<b style='line-height: 3; font: 10pt serif' id=t>x</b>", id: "t"))
        #expect(reset.fontWeight == 400)
        #expect(reset.lineHeight == .normal)
        #expect(reset.fontFamily == ["serif"])
        let doc = StyledDocument(html: "<p style='font: 12pt'>x</p>")
        #expect(doc.warnings.contains { $0.contains("invalid value for 'font'") })
    }

    @Test func marginAndPaddingShorthands() {
        func margin(_ value: String) -> Edges<ComputedStyle.Length>? { style("<div id=t style='margin: \(value)'></div>", id: "t")?.margin }
        #expect(margin("1pt") == Edges(.points(1)))
        #expect(margin("1pt 2pt") == Edges(top: .points(1), right: .points(2), bottom: .points(1), left: .points(2)))
        #expect(margin("1pt 2pt 3pt") == Edges(top: .points(1), right: .points(2), bottom: .points(3), left: .points(2)))
        #expect(margin("1pt 2pt 3pt 4pt") == Edges(top: .points(1), right: .points(2), bottom: .points(3), left: .points(4)))
        #expect(margin("0 auto") == Edges(top: .points(0), right: .auto, bottom: .points(0), left: .auto))
        #expect(margin("10%") == Edges(.percent(10)))
        let padding = style("<div id=t style='padding: 1pt 2pt; padding-left: 9pt'></div>", id: "t")?.padding
        #expect(padding == Edges(top: .points(1), right: .points(2), bottom: .points(1), left: .points(9)))
    }

    @Test func borderShorthandsAndCurrentColor() throws {
        let html = """
        <style>#a { border: 1pt solid red; border-left: 3pt dashed } #b { color: blue; border-style: solid dotted;
        border-width: thin medium thick 2px; border-top-color: green } #c { border: solid } #d { border: 5pt none red }
        #e { border-bottom: double 4pt #00f }</style>
        <div id=a></div><div id=b></div><div id=c></div><div id=d></div><div id=e style="color: red"></div>
        """
        let doc = StyledDocument(html: html)
        let a = try #require(doc.root.element(id: "a")?.style.border)
        #expect(a.top == ComputedStyle.BorderSide(width: 1, style: .solid, color: red))
        #expect(a.left == ComputedStyle.BorderSide(width: 3, style: .dashed, color: Color.black)) // currentColor
        let b = try #require(doc.root.element(id: "b")?.style.border)
        #expect(b.top == ComputedStyle.BorderSide(width: 0.75, style: .solid, color: green))
        #expect(b.right == ComputedStyle.BorderSide(width: 2.25, style: .dotted, color: blue))
        #expect(b.bottom == ComputedStyle.BorderSide(width: 3.75, style: .solid, color: blue))
        #expect(b.left == ComputedStyle.BorderSide(width: 1.5, style: .dotted, color: blue))
        #expect(doc.root.element(id: "c")?.style.border.top == ComputedStyle.BorderSide(width: 2.25, style: .solid, color: Color.black))
        #expect(doc.root.element(id: "d")?.style.border.top.width == 0)
        #expect(doc.root.element(id: "e")?.style.border.bottom == ComputedStyle.BorderSide(width: 4, style: .double, color: blue))
        #expect(doc.root.element(id: "e")?.style.border.top.width == 0)
    }

    @Test func colours() {
        func color(_ value: String) -> Color? { style("<p id=t style='color: \(value)'>x", id: "t")?.color }
        #expect(color("#f00") == red)
        #expect(color("#FF0000") == red)
        #expect(color("#ff000080") == Color(red: 1, green: 0, blue: 0, alpha: 128.0 / 255))
        #expect(color("#f008") == Color(red: 1, green: 0, blue: 0, alpha: 136.0 / 255))
        #expect(color("rgb(255, 0, 0)") == red)
        #expect(color("rgb(255 0 0)") == red)
        #expect(color("rgb(100%, 0%, 0%)") == red)
        #expect(color("rgba(255, 0, 0, 0.5)") == Color(red: 1, green: 0, blue: 0, alpha: 0.5))
        #expect(color("rgb(255 0 0 / 50%)") == Color(red: 1, green: 0, blue: 0, alpha: 0.5))
        #expect(color("hsl(0, 100%, 50%)") == red)
        #expect(color("RED") == red)
        #expect(color("green") == green)
        #expect(color("darkslategray") == Color(red: 0x2F / 255, green: 0x4F / 255, blue: 0x4F / 255))
        #expect(color("currentColor") == Color.black)
        #expect(color("#ggg") == Color.black) // invalid: dropped
        let bg = StyledDocument(html: "<p id=a style='background: #eee url(x.png) no-repeat'>x</p><p id=b style='background-color: transparent'>y</p>")
        #expect(bg.root.element(id: "a")?.style.backgroundColor == Color(red: 238.0 / 255, green: 238.0 / 255, blue: 238.0 / 255))
        #expect(bg.root.element(id: "b")?.style.backgroundColor == nil)
        #expect(bg.warnings.contains { $0.contains("background images") })
    }

    @Test func textDecorationPropagatesToDescendants() {
        let doc = StyledDocument(html: "<u id=u>a<span id=s>b</span></u><a id=a href=x>l</a><a id=n>anchor</a><p style='text-decoration: underline line-through' id=p><span id=q style='display:inline-block'>q</span></p>")
        #expect(doc.root.element(id: "u")?.style.underline == true)
        #expect(doc.root.element(id: "s")?.style.underline == true)
        #expect(doc.root.element(id: "a")?.style.underline == true)
        #expect(doc.root.element(id: "a")?.style.color == blue)
        #expect(doc.root.element(id: "n")?.style.underline == false)
        #expect(doc.root.element(id: "p")?.style.lineThrough == true)
        #expect(doc.root.element(id: "q")?.style.underline == false)
    }

    @Test func userAgentDefaults() throws {
        let html = "<body><p id=p>p</p><h1 id=h1>h</h1><h2 id=h2>h</h2><ul id=ul><li id=li>i</li></ul><ol id=ol><li>i</li></ol><table id=table><tr id=tr><td id=td>d</td><th id=th>h</th></tr></table><hr id=hr><small id=small>s</small><img id=img src=x></body>"
        let doc = StyledDocument(html: html)
        func s(_ id: String) -> ComputedStyle { doc.root.element(id: id)?.style ?? ComputedStyle() }
        #expect(doc.root.style.display == .block)
        #expect(doc.root.style.fontSize == 12)
        #expect(doc.root.style.fontFamily == ["serif"])
        #expect(doc.root.first("body")?.style.margin == Edges(.points(0)))
        #expect(s("p").margin == Edges(top: .points(12), right: .points(0), bottom: .points(12), left: .points(0)))
        #expect(approx(s("h1").margin.top, 24 * 0.67))
        #expect(s("h1").fontWeight == 700 && s("h2").fontWeight == 700)
        #expect(approx(s("h2").fontSize, 18))
        #expect(s("ul").padding.left == .points(30))
        #expect(s("ul").listStyleType == .disc)
        #expect(s("ol").listStyleType == .decimal)
        #expect(s("li").display == .listItem)
        #expect(s("table").display == .table)
        #expect(s("table").borderSpacing == 1.5)
        #expect(doc.root.first("tbody")?.style.display == .tableRowGroup)
        #expect(s("tr").display == .tableRow)
        #expect(s("td").display == .tableCell)
        #expect(s("td").verticalAlign == .middle)
        #expect(s("td").padding == Edges(.points(0.75)))
        #expect(s("th").fontWeight == 700 && s("th").textAlign == .center)
        #expect(s("hr").border.top == ComputedStyle.BorderSide(width: 0.75, style: .solid, color: Color(red: 128.0 / 255, green: 128.0 / 255, blue: 128.0 / 255)))
        #expect(approx(s("small").fontSize, 10))
        #expect(s("img").display == .inline)
    }

    @Test func selectorMatchingInTheCascade() {
        let html = """
        <style>
        ul > li:first-child { color: red } li:last-child { color: blue } li:nth-child(2) { font-weight: bold }
        .a.b { font-style: italic } [data-x] { text-align: center } [data-x="2"] { text-align: right }
        li + li { letter-spacing: 1pt } h2 ~ p { margin-top: 3pt } p:not(.skip) { padding-top: 1pt }
        table tr:nth-child(odd) td { background-color: #eee }
        </style>
        <ul><li id=one class="a b" data-x>1</li><li id=two data-x=2>2</li><li id=three>3</li></ul>
        <h2>h</h2><p id=p1>a</p><p id=p2 class=skip>b</p>
        <table><tr><td id=r1>1</td></tr><tr><td id=r2>2</td></tr></table>
        """
        let doc = StyledDocument(html: html)
        func s(_ id: String) -> ComputedStyle { doc.root.element(id: id)?.style ?? ComputedStyle() }
        #expect(s("one").color == red)
        #expect(s("three").color == blue)
        #expect(s("two").fontWeight == 700)
        #expect(s("one").fontStyle == .italic && s("two").fontStyle == .normal)
        #expect(s("one").textAlign == .center && s("two").textAlign == .right)
        #expect(s("one").letterSpacing == 0 && s("two").letterSpacing == 1)
        #expect(s("p1").margin.top == .points(3))
        #expect(s("p1").padding.top == .points(1) && s("p2").padding.top == .points(0))
        #expect(s("r1").backgroundColor != nil && s("r2").backgroundColor == nil)
    }

    @Test func presentationalAttributes() {
        let html = "<table border=1 cellpadding=4 cellspacing=0 width='80%' bgcolor=#eeeeee><tr><td id=c align=right valign=top width=100 bgcolor=red>x</td></tr></table><font id=f color=blue size=5 face='Arial'>f</font><img id=i src=x width=200 height=50>"
        let doc = StyledDocument(html: html)
        let table = doc.root.first("table")?.style
        #expect(table?.width == .percent(80))
        #expect(table?.borderSpacing == 0)
        #expect(table?.border.top.width == 0.75)
        let c = doc.root.element(id: "c")?.style
        #expect(c?.textAlign == .right)
        #expect(c?.verticalAlign == .top)
        #expect(c?.width == .points(75))
        #expect(c?.backgroundColor == red)
        #expect(c?.padding == Edges(.points(3)))
        #expect(c?.border.left.style == .solid)
        #expect(doc.root.element(id: "f")?.style.color == blue)
        #expect(doc.root.element(id: "f")?.style.fontSize == 18)
        #expect(doc.root.element(id: "f")?.style.fontFamily == ["arial"])
        #expect(doc.root.element(id: "i")?.style.width == .points(150))
        // Author CSS beats presentational attributes.
        let overridden = StyledDocument(html: "<style>td { text-align: left }</style><table><tr><td id=c align=right>x</table>")
        #expect(overridden.root.element(id: "c")?.style.textAlign == .left)
    }

    @Test func displayAndPositioning() {
        let html = "<style>#abs { position: absolute; top: 45mm; left: 20mm; width: 85mm; height: 45mm } .ib { display: inline-block } .n { display: none } .f { display: flex }</style><span id=abs>a</span><span id=ib class=ib>b</span><div id=n class=n>c</div><div id=f class=f>d</div>"
        let doc = StyledDocument(html: html)
        let abs = doc.root.element(id: "abs")?.style
        #expect(abs?.position == .absolute)
        #expect(abs?.display == .block) // blockified
        #expect(approx(abs?.top ?? .auto, 127.559))
        #expect(approx(abs?.width ?? .auto, 240.945))
        #expect(doc.root.element(id: "ib")?.style.display == .inlineBlock)
        #expect(doc.root.element(id: "n")?.style.display == ComputedStyle.Display.none)
        #expect(doc.root.element(id: "f")?.style.display == .block)
        #expect(doc.warnings.contains { $0.contains("display: flex") })
    }

    @Test func pagination() {
        let html = "<style>.a { page-break-before: always; page-break-inside: avoid } .b { break-after: page; orphans: 3; widows: 4 } tr { break-inside: avoid }</style><div id=a class=a>x</div><div id=b class=b>y</div><table><tr id=r><td>1</td></tr></table>"
        let doc = StyledDocument(html: html)
        #expect(doc.root.element(id: "a")?.style.pageBreakBefore == .always)
        #expect(doc.root.element(id: "a")?.style.pageBreakInside == .avoid)
        #expect(doc.root.element(id: "b")?.style.pageBreakAfter == .always)
        #expect(doc.root.element(id: "b")?.style.orphans == 3)
        #expect(doc.root.element(id: "b")?.style.widows == 4)
        #expect(doc.root.element(id: "r")?.style.pageBreakInside == .avoid)
    }

    @Test func textPropertiesAndKeywords() {
        let html = "<p id=a style='text-align: justify; white-space: pre-line; text-transform: capitalize; vertical-align: top; list-style: square inside'>a</p><p id=b style='text-align: end; white-space: pre-wrap; list-style: none'>b</p><p id=c style='text-align: start; list-style-type: upper-roman'>c</p>"
        let doc = StyledDocument(html: html)
        let a = doc.root.element(id: "a")?.style
        #expect(a?.textAlign == .justify && a?.whiteSpace == .preLine && a?.textTransform == .capitalize)
        #expect(a?.verticalAlign == .top && a?.listStyleType == .square)
        let b = doc.root.element(id: "b")?.style
        #expect(b?.textAlign == .right && b?.whiteSpace == .preWrap && b?.listStyleType == ComputedStyle.ListStyleType.none)
        #expect(doc.root.element(id: "c")?.style.listStyleType == .upperRoman)
        #expect(doc.root.element(id: "c")?.style.textAlign == .left)
    }

    @Test func textNodesCarryTheParentStyle() throws {
        let doc = StyledDocument(html: "<p style='color: red'>text</p>")
        let p = try #require(doc.root.first("p"))
        let text = try #require(p.children.first)
        guard case .text(let value) = text.kind else {
            Issue.record("expected text")
            return
        }
        #expect(value == "text")
        #expect(text.style == p.style)
    }

    @Test func mediaRulesAndStyleMediaAttributes() {
        let html = "<style>@media print { p { color: red } } @media screen { p { font-weight: bold } }</style><style media=screen>p { font-style: italic }</style><style media='print'>p { text-align: right }</style><p id=t>x"
        let s = style(html, id: "t")
        #expect(s?.color == red)
        #expect(s?.fontWeight == 400)
        #expect(s?.fontStyle == .normal)
        #expect(s?.textAlign == .right)
    }

    @Test func siblingsShareStylesOnlyWhenEverythingMatches() {
        let html = "<style>.x { color: red }</style><table><tr><td id=a>1</td><td id=b style='color: blue'>2</td><td id=c>3</td><td id=d class=x>4</td><td id=e align=right>5</td><td id=f>6</td></tr></table>"
        let doc = StyledDocument(html: html)
        func s(_ id: String) -> ComputedStyle { doc.root.element(id: id)?.style ?? ComputedStyle() }
        #expect(s("a").color == Color.black)
        #expect(s("b").color == blue)
        #expect(s("c").color == Color.black)
        #expect(s("d").color == red)
        #expect(s("e").textAlign == .right)
        #expect(s("f").textAlign == .left && s("f").color == Color.black)
    }
}
