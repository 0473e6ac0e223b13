import Foundation
import HeraldCatalog
import HeraldCore
import Testing

/// Letters keep the print clear strip (18 mm on the left edge of every page) free: the loader
/// lays each letter template out, merged with placeholders, and refuses one that draws there.
@Suite("Letter clear strip (catalog)")
struct ClearStripCatalogTests {
    /// A LETTER code whose letter template has `style` in its `<style>` and `body` as its body.
    static func files(style: String = "", body: String, methods: String = #"["letter"]"#) -> [String: String] {
        [
            "LETTER/code.json": """
                {"code": "LETTER", "description": "test code", "methods": \(methods),
                 "defaultFields": ["FULLNAME", "ACCOUNTNUMBER"]}
                """,
            "LETTER/letter.en.html.mustache": """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Test</title>
                <style>@page { size: A4; margin: 20mm 20mm 20mm 25mm; } \(style)</style></head>
                <body>\(body)</body></html>
                """,
        ]
    }

    func issues(_ files: [String: String], strip: Double = CatalogLoader.defaultLetterClearStrip) throws -> [CatalogIssue] {
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        return CatalogLoader.check(dir.url, letterClearStrip: strip)
    }

    @Test("An absolutely positioned element 5 mm from the left edge is refused, at check and at load")
    func absoluteElement() throws {
        let files = Self.files(style: ".mark { position: absolute; top: 30mm; left: -20mm; }",
                               body: "<p>Dear {{FULLNAME}}</p><div class=\"mark\">{{ACCOUNTNUMBER}}</div>")
        let found = try issues(files)
        try #require(found.count == 1, "\(found)")
        #expect(found[0].isError)
        #expect(found[0].file == "LETTER/letter.en.html.mustache")
        #expect(found[0].message.hasPrefix(
            "draws into the 18 mm clear strip on the left edge of page 1 (text \"XXXXXXXX\" at 5.0 mm from the left edge, "),
            "\(found[0].message)")

        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        let error = try #require(throws: CatalogLoadError.self) { try CatalogLoader.load(from: dir.url) }
        #expect(error.description.contains("draws into the 18 mm clear strip"), "\(error.description)")
        // The strip is a loader option: 0 turns the check off, a narrower strip lets 5 mm pass.
        #expect(try CatalogLoader.load(from: dir.url, letterClearStrip: 0).codes.map(\.code) == ["LETTER"])
        #expect(try CatalogLoader.load(from: dir.url, letterClearStrip: 4).codes.map(\.code) == ["LETTER"])
    }

    @Test("A narrow page margin, a rule and a background in the strip are refused; the page is named")
    func otherItems() throws {
        let narrow = try issues(Self.files(style: "@page { margin-left: 10mm; }", body: "<p>Dear {{FULLNAME}}</p>"))
        #expect(narrow.map(\.message).first?.contains("page 1 (text \"Dear XXXXXXXX\" at 10.0 mm from the left edge") == true, "\(narrow)")

        let secondPage = try issues(Self.files(
            body: "<p>Dear {{FULLNAME}}</p><p style=\"break-before: page; margin-left: -15mm\">Page two</p>"))
        #expect(secondPage.map(\.message).first?.contains("of page 2 (text \"Page two\" at 10.0 mm") == true, "\(secondPage)")

        let rule = try issues(Self.files(body: "<p>Dear {{FULLNAME}}</p><hr style=\"margin-left: -20mm; border: 0; border-top: 1pt solid #000\">"))
        #expect(rule.map(\.message).first?.contains("(line at 5.0 mm") == true, "\(rule)")

        let box = try issues(Self.files(body: "<p>Dear {{FULLNAME}}</p><div style=\"margin-left: -20mm; height: 5mm; background: #0b3d91\"></div>"))
        #expect(box.map(\.message).first?.contains("(filled box at 5.0 mm") == true, "\(box)")
    }

    @Test("Letters clear of the strip pass: the default 25.4 mm margin, white backgrounds, the sample catalog")
    func clearLetters() throws {
        #expect(try issues(Self.files(style: "@page { margin: 1in; }", body: "<p>Dear {{FULLNAME}}</p>")) == [])
        #expect(try issues(Self.files(style: "@page { margin: 1in; }",
                                      body: "<div style=\"margin-left: -1in; background: #ffffff\"><p style=\"margin-left: 1in\">Dear {{FULLNAME}}</p></div>")) == [])
        // Sections of fields render (placeholders are non-empty), so their content is checked too.
        let section = try issues(Self.files(style: "@page { margin-left: 10mm; }", body: "{{#FULLNAME}}<p>{{FULLNAME}}</p>{{/FULLNAME}}"))
        #expect(section.count == 1)

        let sample = try TemporaryCatalog.sample()
        defer { sample.remove() }
        #expect(CatalogLoader.check(sample.url) == [])
    }

    @Test("Codes without the letter method are not laid out")
    func notLetters() throws {
        let found = try issues(Self.files(style: "@page { margin-left: 5mm; }", body: "<p>Dear</p>", methods: #"["sms"]"#)
            .merging(["LETTER/sms.en.mustache": "Hello"]) { $1 })
        #expect(!found.contains { $0.message.contains("clear strip") }, "\(found)")
    }
}
