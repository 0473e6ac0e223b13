import Testing
@testable import StyledHTML

@Suite("CSS tokenizer and parser")
struct CSSParsingTests {
    @Test func tokenizerHandlesCommentsStringsEscapesAndNumbers() {
        let tokens = CSSTokenizer.tokenize(#"/* c */ a.b#c-d{x:-1.5e2px 50% +.5 'q\'s' "\41 B" url( img.png ) \31 0 @media U+26 !important}"#)
            .filter { $0.kind != .whitespace }
        let kinds = tokens.map(\.kind)
        #expect(kinds == [.ident, .delim, .ident, .hash, .leftCurly, .ident, .colon, .dimension, .percentage, .number,
                          .string, .string, .url, .ident, .atKeyword, .ident, .number, .delim, .ident, .rightCurly])
        #expect(tokens[3].text == "c-d" && tokens[3].isIDHash)
        #expect(tokens[7].number == -150 && tokens[7].text == "px")
        #expect(tokens[8].number == 50)
        #expect(tokens[9].number == 0.5)
        #expect(tokens[10].text == "q's")
        #expect(tokens[11].text == "AB") // the space ends the escape
        #expect(tokens[12].text == "img.png")
        #expect(tokens[13].text == "10")
        #expect(tokens[14].text == "media")
    }

    @Test func tokenizerCountsLinesAndSurvivesUnterminatedInput() {
        let tokens = CSSTokenizer.tokenize("a\n/* two\nlines */\nb { c: 'open\n d: \"x")
        #expect(tokens.first { $0.isIdent("b") }?.line == 4)
        #expect(tokens.contains { $0.kind == .badString })
        #expect(CSSTokenizer.tokenize("/* never closed").isEmpty)
        #expect(CSSTokenizer.tokenize("url(a b)").first?.kind == .badURL)
    }

    @Test func selectorsAndSpecificity() throws {
        func selector(_ text: String) -> ComplexSelector? {
            let sheet = CSSParser.parseStyleSheet("\(text) { color: red }")
            return sheet.rules.first?.selector
        }
        #expect(selector("p")?.specificity == ComplexSelector.pack(0, 0, 1))
        #expect(selector("*")?.specificity == ComplexSelector.pack(0, 0, 0))
        #expect(selector("div.note p")?.specificity == ComplexSelector.pack(0, 1, 2))
        #expect(selector("#main > ul li:first-child")?.specificity == ComplexSelector.pack(1, 1, 2))
        #expect(selector("a[href][target=_blank]")?.specificity == ComplexSelector.pack(0, 2, 1))
        #expect(selector("li:not(.x)")?.specificity == ComplexSelector.pack(0, 1, 1))
        let complex = try #require(selector("table.invoice > tbody tr + tr ~ tr"))
        #expect(complex.compounds.count == 5)
        #expect(complex.combinators == [.sibling, .adjacent, .descendant, .child])
        #expect(complex.compounds.last?.tag == "table" && complex.compounds.last?.classes == ["invoice"])
    }

    @Test func commaListsKeepValidSelectorsAndWarnAboutOthers() {
        let sheet = CSSParser.parseStyleSheet("h1, p::before, a:hover, td:nth-child(2n+1), x|y, li:last-child { color: red }")
        #expect(sheet.rules.count == 4)
        #expect(sheet.warnings.count == 2)
        #expect(sheet.warnings.contains { $0.message.contains("p::before") && $0.message.contains("pseudo-element") })
        #expect(sheet.warnings.contains { $0.message.contains("x|y") })
        guard case .nthChild(let a, let b)? = sheet.rules[2].selector.compounds[0].pseudoClasses.first else {
            Issue.record("nth-child not parsed")
            return
        }
        #expect(a == 2 && b == 1)
    }

    @Test func anPlusBForms() {
        func nth(_ arg: String) -> (Int, Int)? {
            let sheet = CSSParser.parseStyleSheet("li:nth-child(\(arg)) { color: red }")
            if case .nthChild(let a, let b)? = sheet.rules.first?.selector.compounds[0].pseudoClasses.first { return (a, b) }
            return nil
        }
        #expect(nth("odd")! == (2, 1))
        #expect(nth("even")! == (2, 0))
        #expect(nth("3")! == (0, 3))
        #expect(nth("-n + 3")! == (-1, 3))
        #expect(nth("2n-1")! == (2, -1))
        #expect(nth("n")! == (1, 0))
        #expect(nth("foo") == nil)
        #expect(SelectorMatcher.nth(2, 1, 3) && !SelectorMatcher.nth(2, 1, 4))
        #expect(SelectorMatcher.nth(-1, 3, 1) && SelectorMatcher.nth(-1, 3, 3) && !SelectorMatcher.nth(-1, 3, 4))
    }

    @Test func importantAndShorthandExpansion() {
        let sheet = CSSParser.parseStyleSheet("p { margin: 1pt 2pt 3pt ! important; border: 2pt dashed red; padding: 4pt }")
        let block = sheet.blocks[0]
        let margins = block.filter { PropertyParser.margins.contains($0.property) }
        #expect(margins.count == 4 && margins.allSatisfy(\.important))
        #expect(margins.map(\.value) == [.length(.points(1)), .length(.points(2)), .length(.points(3)), .length(.points(2))])
        #expect(block.filter { PropertyParser.borderStyles.contains($0.property) }.allSatisfy { $0.value == .borderStyle(.dashed) })
        #expect(block.filter { PropertyParser.paddings.contains($0.property) }.count == 4)
        #expect(block.filter { !$0.important }.count == 16)
    }

    @Test func errorRecoveryKeepsTheRest() {
        let css = """
        p { color: red; colr: blue; width: -3px; margin: 1px 2px 3px 4px 5px; height: 10px }
        garbage ; { } div { color: green }
        @media screen { p { color: yellow } }
        @media print { .print { color: blue } }
        @media only print and (min-width: 10mm), screen { .both { color: blue } }
        @supports (display: grid) { .s { color: red } }
        @import url(x.css);
        h1 { font-weight: bold
        """
        let sheet = CSSParser.parseStyleSheet(css)
        let selectors = sheet.rules.map { $0.selector.compounds[0] }
        #expect(selectors.map { $0.tag ?? $0.classes.first ?? "?" } == ["p", "div", "print", "both", "h1"])
        #expect(sheet.blocks[0].map(\.property) == [.color, .height])
        let messages = sheet.warnings.map { "\($0.line): \($0.message)" }
        #expect(messages.contains("1: unknown property 'colr' ignored"))
        #expect(messages.contains("1: invalid value for 'width': '-3px'; ignored"))
        #expect(messages.contains("1: invalid value for 'margin': '1px 2px 3px 4px 5px'; ignored"))
        #expect(messages.contains("6: @supports rule ignored"))
        #expect(messages.contains { $0.hasPrefix("7: @import ignored") })
    }

    @Test func inlineStyleDeclarations() {
        let (declarations, warnings) = CSSParser.parseInlineStyle("color: red; ; font-weight:bold !important; bogus; width: 10mm")
        #expect(declarations.map(\.property) == [.color, .fontWeight, .width])
        #expect(declarations[1].important)
        #expect(warnings.count == 1)
    }

    @Test func userAgentSheetParsesCleanly() {
        #expect(UserAgentStyleSheet.sheet.warnings.isEmpty)
        #expect(UserAgentStyleSheet.sheet.rules.count > 80)
    }

    @Test func namedColoursAreComplete() {
        #expect(NamedColors.table.count == 148)
        #expect(NamedColors.color(named: "rebeccapurple") == Color(red: 0x66 / 255, green: 0x33 / 255, blue: 0x99 / 255))
    }
}
