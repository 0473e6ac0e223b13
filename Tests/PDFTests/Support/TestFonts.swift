import Foundation
import OpenType
import PDF

/// The DejaVu fonts shipped with Letterpress, loaded once.
enum TestFonts {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // PDFTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Sources/Letterpress/Resources/Fonts")

    static func load(_ file: String) throws -> OpenTypeFont {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        return try OpenTypeFont(data: [UInt8](data))
    }

    static let sans: Result<OpenTypeFont, any Error> = Result { try load("DejaVuSans.ttf") }
    static let serif: Result<OpenTypeFont, any Error> = Result { try load("DejaVuSerif.ttf") }

    /// Lays out `text` with advances and pair kerning: glyphs positioned from the run start.
    static func layout(_ text: String, font: OpenTypeFont, size: Double, extraSpace: Double = 0) -> (glyphs: [PDFGlyph], width: Double) {
        let scale = size / Double(font.unitsPerEm)
        var glyphs: [PDFGlyph] = []
        var x = 0.0
        var previous: UInt16? = nil
        for character in text {
            guard let scalar = character.unicodeScalars.first else { continue }
            let id = font.glyphID(for: scalar)
            if let previous { x += Double(font.kerning(previous, id)) * scale }
            glyphs.append(PDFGlyph(id: id, x: x, text: String(character)))
            x += Double(font.advanceWidth(id)) * scale
            if character == " " { x += extraSpace }
            previous = id
        }
        return (glyphs, x)
    }
}
