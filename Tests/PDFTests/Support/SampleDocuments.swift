import Foundation
import OpenType
import PDF

/// Documents shared by several tests.
enum SampleDocuments {
    /// Latin with accents, Greek, Cyrillic and a character outside the BMP (U+1D538 𝔸).
    static let multilingualLines = [
        "Grüße aus Zürich: àéîõü ÆØÅ ŁŚŻ ñç",
        "Ελληνικά: Καλημέρα κόσμε",
        "Кириллица: Съешь же ещё этих булок",
        "Math 𝔸𝔹 and AVAWAY kerning",
    ]

    static let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)

    /// A one-page A4 document with the multilingual lines in DejaVu Sans.
    static func multilingual(options: PDFOptions = PDFOptions(creationDate: fixedDate)) throws -> [UInt8] {
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: options)
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 595.276, height: 841.89)
        for (i, line) in multilingualLines.enumerated() {
            let run = TestFonts.layout(line, font: font, size: 12)
            page.text(font: ref, size: 12, color: .black, x: 72, baseline: 100 + Double(i) * 24, glyphs: run.glyphs)
        }
        writer.end(page: page)
        return try writer.finish()
    }
}
