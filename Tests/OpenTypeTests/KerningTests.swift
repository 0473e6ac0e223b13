import Foundation
import Testing
@testable import OpenType

/// Pair kerning compared with an independent fontTools walk of GPOS and of the `kern` table.
@Suite struct KerningTests {
    struct Reference: Decodable {
        /// Glyph ids of the sample characters.
        let glyphs: [Int]
        /// values[i][j]: kerning between glyphs[i] and glyphs[j].
        let gpos: [[Int]]
        let kernTable: [[Int]]
    }

    /// Characters whose pairs are compared: Latin, punctuation, Greek and Cyrillic.
    static let sample = "AVTWYLPFKRoaeyvw.,-\"'ΑΤΥΓΛοάАТГУЛоарDejaVu Kerning 1234"

    static let script = #"""
    import sys, json
    from fontTools.ttLib import TTFont
    f = TTFont(sys.argv[1])
    cmap = f.getBestCmap()
    order = f.getGlyphOrder()
    chars = list(dict.fromkeys(sys.argv[2]))
    names = [cmap[ord(c)] for c in chars]
    gpos = f['GPOS'].table
    features = gpos.FeatureList.FeatureRecord
    selected = set()
    for record in gpos.ScriptList.ScriptRecord:
        if record.ScriptTag in ('DFLT', 'latn', 'cyrl', 'grek') and record.Script.DefaultLangSys:
            for i in record.Script.DefaultLangSys.FeatureIndex:
                if features[i].FeatureTag == 'kern':
                    selected.update(features[i].Feature.LookupListIndex)
    lookups = []
    for index in sorted(selected):
        lookup = gpos.LookupList.Lookup[index]
        subtables = []
        for st in lookup.SubTable:
            if lookup.LookupType == 9:
                if st.ExtensionLookupType != 2: continue
                st = st.ExtSubTable
            elif lookup.LookupType != 2:
                continue
            subtables.append(st)
        lookups.append(subtables)
    def xadv(record):
        return getattr(record, 'XAdvance', 0) or 0 if record is not None else 0
    def gpos_value(a, b):
        total = 0
        for subtables in lookups:
            for st in subtables:
                if a not in st.Coverage.glyphs: continue
                if st.Format == 1:
                    pairs = st.PairSet[st.Coverage.glyphs.index(a)].PairValueRecord
                    match = [p for p in pairs if p.SecondGlyph == b]
                    if not match: continue
                    total += xadv(match[0].Value1)
                    break
                else:
                    c1 = st.ClassDef1.classDefs.get(a, 0)
                    c2 = st.ClassDef2.classDefs.get(b, 0)
                    total += xadv(st.Class1Record[c1].Class2Record[c2].Value1)
                    break
        return total
    kt = {}
    for sub in f['kern'].kernTables:
        if sub.format == 0 and sub.coverage & 7 == 1:
            for pair, value in sub.kernTable.items():
                kt[pair] = kt.get(pair, 0) + value
    print(json.dumps({
        'glyphs': [f.getGlyphID(n) for n in names],
        'gpos': [[gpos_value(a, b) for b in names] for a in names],
        'kernTable': [[kt.get((a, b), 0) for b in names] for a in names],
    }))
    """#

    static func reference(_ name: String) async throws -> Reference {
        try await FontTools.run(Self.script, arguments: [TestFonts.path(name), Self.sample], as: Reference.self)
    }

    @Test(arguments: ["DejaVuSans.ttf", "DejaVuSerif-Italic.ttf"])
    func gposKerningMatchesFontTools(name: String) async throws {
        let font = try OpenTypeFont(data: try TestFonts.bytes(name))
        let reference = try await Self.reference(name)
        #expect(font.pairKerning.source == .gpos)
        var mismatches: [String] = []
        var nonZero = 0
        for (i, left) in reference.glyphs.enumerated() {
            for (j, right) in reference.glyphs.enumerated() {
                let value = font.kerning(UInt16(left), UInt16(right))
                if value != 0 { nonZero += 1 }
                if value != reference.gpos[i][j] { mismatches.append("\(left)/\(right): \(value) != \(reference.gpos[i][j])") }
            }
        }
        #expect(mismatches.isEmpty, "GPOS mismatches: \(mismatches.prefix(10))")
        #expect(nonZero > 50)
    }

    @Test func knownDejaVuSansPairs() async throws {
        let font = try #require(TestFonts.sans)
        func kern(_ pair: String) -> Int {
            let scalars = Array(pair.unicodeScalars)
            return font.kerning(font.glyphID(for: scalars[0]), font.glyphID(for: scalars[1]))
        }
        #expect(kern("AV") < 0)
        #expect(kern("To") < 0)
        #expect(kern("VA") < 0)
        #expect(kern("oo") == 0)
        #expect(kern("HH") == 0)
        #expect(font.kerning(0, 0) == 0)
        #expect(font.kerning(UInt16.max, UInt16.max) == 0)
    }

    /// With GPOS hidden (its tag renamed), the legacy `kern` table is used.
    @Test func kernTableFallbackMatchesFontTools() async throws {
        var bytes = try TestFonts.bytes("DejaVuSans.ttf")
        let count = Int(bytes[4]) << 8 | Int(bytes[5])
        for index in 0 ..< count where bytes[12 + index * 16 ..< 16 + index * 16].elementsEqual("GPOS".utf8) {
            bytes[12 + index * 16] = UInt8(ascii: "X")
        }
        let font = try OpenTypeFont(data: bytes)
        #expect(font.pairKerning.source == .kernTable)
        let reference = try await Self.reference("DejaVuSans.ttf")
        var mismatches: [String] = []
        var nonZero = 0
        for (i, left) in reference.glyphs.enumerated() {
            for (j, right) in reference.glyphs.enumerated() {
                let value = font.kerning(UInt16(left), UInt16(right))
                if value != 0 { nonZero += 1 }
                if value != reference.kernTable[i][j] { mismatches.append("\(left)/\(right): \(value) != \(reference.kernTable[i][j])") }
            }
        }
        #expect(mismatches.isEmpty, "kern table mismatches: \(mismatches.prefix(10))")
        #expect(nonZero > 50)
        let a = font.glyphID(for: "A")
        let v = font.glyphID(for: "V")
        #expect(font.kerning(a, v) == -131)
    }

    /// Exercises the hot path over 100,000 characters (no timing assertion).
    @Test func layoutLoopOverManyCharacters() async throws {
        let font = try #require(TestFonts.sans)
        let text = Array("AVATAR Tomorrow, Héllo Ωμέγα Жизнь — Dunning letter № 42: please pay €1,234.56 \u{1D538}. ".unicodeScalars)
        var width = 0
        var kerned = 0
        var previous: UInt16 = 0
        for index in 0 ..< 100_000 {
            let glyph = font.glyphID(for: text[index % text.count])
            width += font.advanceWidth(glyph)
            let adjustment = font.kerning(previous, glyph)
            if adjustment != 0 { kerned += 1 }
            width += adjustment
            previous = glyph
        }
        #expect(width > 100_000 * 500)
        #expect(kerned > 1000)
    }
}
