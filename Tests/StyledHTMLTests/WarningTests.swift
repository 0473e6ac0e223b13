import Testing
@testable import StyledHTML

@Suite("Warnings")
struct WarningTests {
    @Test func cssWarningsCarryDocumentLineNumbers() {
        let html = """
        <html>
        <head>
        <style>
        p { color: red;
            colour: blue;
            width: banana }
        </style>
        </head>
        <body><p style="font-weight: heavy">x</p>
        <div style="color: red;
                    bogus-prop: 1">y</div></body>
        """
        let warnings = StyledDocument(html: html).warnings
        #expect(warnings.contains("line 5: unknown property 'colour' ignored"))
        #expect(warnings.contains("line 6: invalid value for 'width': 'banana'; ignored"))
        #expect(warnings.contains("line 9: style attribute of <p>: invalid value for 'font-weight': 'heavy'; ignored"))
        #expect(warnings.contains("line 11: style attribute of <div>: unknown property 'bogus-prop' ignored"))
    }

    @Test func unsupportedPropertiesAndSelectors() {
        let warnings = StyledDocument(html: "<style>p { float: left } a:hover { color: red } p::after { content: 'x' } @keyframes k { from { color: red } }</style>").warnings
        #expect(warnings.contains("line 1: unsupported property 'float' ignored"))
        #expect(warnings.contains { $0.contains("selector 'p::after' ignored") })
        #expect(warnings.contains("line 1: @keyframes rule ignored"))
        #expect(!warnings.contains { $0.contains("hover") })
    }

    @Test func misnestingWarnings() {
        let warnings = StyledDocument(html: "<p>\n<b><i>x</b></i>\n</span>").warnings
        #expect(warnings.contains("line 2: misnested </b> repaired"))
        #expect(warnings.contains("line 3: stray end tag </span> ignored"))
    }

    @Test func repeatedInlineStylesWarnOnce() {
        let rows = String(repeating: "<tr><td style='colr: red'>x</td></tr>", count: 50)
        let warnings = StyledDocument(html: "<table>\(rows)</table>").warnings
        #expect(warnings.filter { $0.contains("colr") }.count == 1)
    }

    @Test func warningsAreCapped() {
        let html = String(repeating: "</span>", count: 5000)
        let warnings = StyledDocument(html: html).warnings
        #expect(warnings.count == WarningLog.limit + 1)
        #expect(warnings.last == "\(5000 - WarningLog.limit) more warnings suppressed")
    }
}
