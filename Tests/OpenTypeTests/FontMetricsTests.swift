import Foundation
import Testing
@testable import OpenType

/// Names, metrics, advances and the character map compared with fontTools.
@Suite struct FontMetricsTests {
    struct Reference: Decodable {
        let postScriptName: String
        let familyName: String
        let unitsPerEm: Int
        let ascender: Int
        let descender: Int
        let lineGap: Int
        let capHeight: Int?
        let xHeight: Int?
        let capGlyphTop: Int
        let xGlyphTop: Int
        let italicAngle: Double
        let underlinePosition: Int
        let underlineThickness: Int
        let weightClass: Int
        let fsType: Int
        let fsSelection: Int
        let macStyle: Int
        let isFixedPitch: Bool
        let boundingBox: [Int]
        let glyphCount: Int
        let advances: [Int]
        /// [scalar, glyph id] for every entry of the best Unicode cmap.
        let cmap: [[Int]]
    }

    static let script = #"""
    import sys, json
    from fontTools.ttLib import TTFont
    f = TTFont(sys.argv[1])
    head, hhea, os2, post = f['head'], f['hhea'], f['OS/2'], f['post']
    if os2.fsSelection & 0x80:
        asc, desc, gap = os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap
    else:
        asc, desc, gap = hhea.ascent, hhea.descent, hhea.lineGap
    cmap = f.getBestCmap()
    order = f.getGlyphOrder()
    glyf = f['glyf']
    def top(ch):
        g = glyf[cmap[ord(ch)]]
        g.recalcBounds(glyf)
        return g.yMax
    name = f['name']
    print(json.dumps({
        'postScriptName': name.getDebugName(6),
        'familyName': name.getDebugName(16) or name.getDebugName(1),
        'unitsPerEm': head.unitsPerEm,
        'ascender': asc, 'descender': desc, 'lineGap': gap,
        'capHeight': getattr(os2, 'sCapHeight', None) if os2.version >= 2 else None,
        'xHeight': getattr(os2, 'sxHeight', None) if os2.version >= 2 else None,
        'capGlyphTop': top('H'), 'xGlyphTop': top('x'),
        'italicAngle': post.italicAngle,
        'underlinePosition': post.underlinePosition, 'underlineThickness': post.underlineThickness,
        'weightClass': os2.usWeightClass, 'fsType': os2.fsType, 'fsSelection': os2.fsSelection,
        'macStyle': head.macStyle, 'isFixedPitch': post.isFixedPitch != 0,
        'boundingBox': [head.xMin, head.yMin, head.xMax, head.yMax],
        'glyphCount': len(order),
        'advances': [f['hmtx'][n][0] for n in order],
        'cmap': [[c, f.getGlyphID(n)] for c, n in sorted(cmap.items())],
    }))
    """#

    @Test(arguments: TestFonts.allNames)
    func metricsMatchFontTools(name: String) async throws {
        let font = try OpenTypeFont(data: try TestFonts.bytes(name))
        let reference = try await FontTools.run(Self.script, arguments: [TestFonts.path(name)], as: Reference.self)

        #expect(font.postScriptName == reference.postScriptName)
        #expect(font.familyName == reference.familyName)
        #expect(font.unitsPerEm == reference.unitsPerEm)
        #expect(font.ascender == reference.ascender)
        #expect(font.descender == reference.descender)
        #expect(font.lineGap == reference.lineGap)
        #expect(font.capHeight == (reference.capHeight ?? reference.capGlyphTop))
        #expect(font.xHeight == (reference.xHeight ?? reference.xGlyphTop))
        #expect(font.italicAngle == reference.italicAngle)
        #expect(font.underlinePosition == reference.underlinePosition)
        #expect(font.underlineThickness == reference.underlineThickness)
        #expect(font.weightClass == reference.weightClass)
        #expect(font.embedding.rawValue == UInt16(reference.fsType))
        #expect(font.isItalic == (reference.fsSelection & 1 != 0 || reference.macStyle & 2 != 0 || reference.italicAngle != 0))
        #expect(font.isFixedPitch == reference.isFixedPitch)
        #expect(font.boundingBox == FontBoundingBox(
            xMin: reference.boundingBox[0], yMin: reference.boundingBox[1],
            xMax: reference.boundingBox[2], yMax: reference.boundingBox[3]))
        #expect(font.glyphCount == reference.glyphCount)

        // Every advance width, including glyphs past numberOfHMetrics.
        let advances = (0 ..< font.glyphCount).map { font.advanceWidth(UInt16($0)) }
        #expect(advances == reference.advances)
        #expect(font.advanceWidth(UInt16(font.glyphCount)) == 0)

        // The whole best cmap, BMP (format 4) and beyond (format 12).
        var mismatches: [String] = []
        for entry in reference.cmap {
            guard let scalar = Unicode.Scalar(entry[0]) else { continue }
            let glyph = font.glyphID(for: scalar)
            if Int(glyph) != entry[1] { mismatches.append("U+\(String(entry[0], radix: 16)): \(glyph) != \(entry[1])") }
        }
        #expect(mismatches.isEmpty, "cmap mismatches: \(mismatches.prefix(10))")
        var mappedCount = 0
        font.forEachMappedScalar { _, _ in mappedCount += 1 }
        #expect(mappedCount == reference.cmap.count)
        #expect(reference.cmap.contains { $0[0] > 0xFFFF })
    }

    @Test func dejaVuSansKnownValues() async throws {
        let font = try #require(TestFonts.sans)
        #expect(font.postScriptName == "DejaVuSans")
        #expect(font.familyName == "DejaVu Sans")
        #expect(font.unitsPerEm == 2048)
        #expect(font.ascender == 1901)
        #expect(font.descender == -483)
        #expect(font.capHeight == 1493) // OS/2 version 1: from the 'H' outline
        #expect(font.xHeight == 1120)
        #expect(font.embedding.isEmbeddable && font.embedding.allowsSubsetting)
        #expect(!font.isItalic && !font.isFixedPitch)
        #expect(font.glyphCount == 6253)
        // é Ω Ж and a non-BMP double-struck capital A (U+1D538, cmap format 12).
        #expect(font.glyphID(for: "é") == 171)
        #expect(font.glyphID(for: "Ω") == 830)
        #expect(font.glyphID(for: "Ж") == 939)
        #expect(font.glyphID(for: "\u{1D538}") == 5495)
        #expect(font.glyphID(for: "\u{1D400}") == 0) // not in DejaVu Sans
        #expect(font.glyphID(for: "\u{10FFFF}") == 0)
        #expect(font.advanceWidth(font.glyphID(for: "A")) == 1401)
        #expect(font.advanceWidth(font.glyphID(for: " ")) == 651)
    }

    @Test func obliqueAndBoldAreRecognised() async throws {
        let oblique = try OpenTypeFont(data: try TestFonts.bytes("DejaVuSans-BoldOblique.ttf"))
        #expect(oblique.isItalic)
        #expect(oblique.italicAngle < 0)
        #expect(oblique.weightClass == 700)
        #expect(oblique.postScriptName == "DejaVuSans-BoldOblique")
    }

    @Test func postScriptNamesAreSanitized() {
        #expect(NameTable.sanitizedPostScriptName("My Font (Bold)/x#1%") == "MyFontBoldx1")
        #expect(NameTable.sanitizedPostScriptName("Ünïcode-Name") == "ncode-Name")
        #expect(NameTable.sanitizedPostScriptName(String(repeating: "A", count: 100)).count == 63)
    }
}
