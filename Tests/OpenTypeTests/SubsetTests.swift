import Foundation
import Testing
@testable import OpenType

/// Subsetting: glyph ids kept, composites closed, valid file read back by this module and by fontTools.
@Suite struct SubsetTests {
    /// Text of a letter: accented Latin, Greek, Cyrillic, a non-BMP letter (U+1D538), й (composite)
    /// and Ǆ (composite whose component Ž is itself composite).
    static let text = "Héllo Ωμέγα Жизнь \u{1D538} й Ǆ"

    struct Reference: Decodable {
        let numGlyphs: Int
        let numberOfHMetrics: Int
        let locaLength: Int
        let tables: [String]
        let checksumsValid: Bool
        let fileChecksum: Int
        let mismatchedGlyphs: [Int]
        let nonEmptyGlyphs: [Int]
        /// Component glyph ids of each kept composite glyph, keyed by glyph id.
        let components: [String: [Int]]
        let advancesMatch: Bool
        let recompiles: Bool
    }

    static let script = #"""
    import sys, json, io
    from fontTools.ttLib import TTFont, TTLibError
    original = TTFont(sys.argv[1])
    kept = [int(g) for g in sys.argv[3].split(',')]
    try:
        TTFont(sys.argv[2], checkChecksums=2).ensureDecompiled()
        checksums = True
    except TTLibError:
        checksums = False
    subset = TTFont(sys.argv[2])
    data = open(sys.argv[2], 'rb').read()
    total = 0
    for i in range(0, len(data), 4):
        total = (total + int.from_bytes(data[i:i+4].ljust(4, b'\0'), 'big')) & 0xFFFFFFFF
    oorder, sorder = original.getGlyphOrder(), subset.getGlyphOrder()
    oglyf, sglyf = original['glyf'], subset['glyf']
    mismatched, components = [], {}
    for gid in kept:
        a, b = oglyf.glyphs[oorder[gid]], sglyf.glyphs[sorder[gid]]
        araw, braw = getattr(a, 'data', b''), getattr(b, 'data', b'')
        if braw[:len(araw)] != araw or braw[len(araw):].strip(b'\0'):
            mismatched.append(gid)
    nonempty = []
    for gid, name in enumerate(sorder):
        g = sglyf[name]
        if g.numberOfContours != 0:
            nonempty.append(gid)
        if g.isComposite():
            components[str(gid)] = [subset.getGlyphID(c.glyphName) for c in g.components]
    advances = all(subset['hmtx'][sorder[g]] == original['hmtx'][oorder[g]] for g in kept)
    try:
        subset.save(io.BytesIO())
        recompiles = True
    except Exception:
        recompiles = False
    print(json.dumps({
        'numGlyphs': subset['maxp'].numGlyphs,
        'numberOfHMetrics': subset['hhea'].numberOfHMetrics,
        'locaLength': len(subset['loca']),
        'tables': sorted(subset.reader.keys()),
        'checksumsValid': checksums,
        'fileChecksum': total,
        'mismatchedGlyphs': mismatched,
        'nonEmptyGlyphs': nonempty,
        'components': components,
        'advancesMatch': advances,
        'recompiles': recompiles,
    }))
    """#

    static func glyphs(of text: String, in font: OpenTypeFont) -> Set<UInt16> {
        Set(text.unicodeScalars.map { font.glyphID(for: $0) })
    }

    @Test func subsetKeepsGlyphIDsAndComponents() async throws {
        let font = try #require(TestFonts.sans)
        let requested = Self.glyphs(of: Self.text, in: font)
        #expect(!requested.contains(0), "every test character exists in DejaVu Sans")
        let eacute = font.glyphID(for: "é")
        let e = font.glyphID(for: "e")
        // é is composite in DejaVu Sans: e + acute; й is и + breve; Ǆ is D + Ž, and Ž is Z + caron.
        let eacuteComponents = try font.glyphs.components(of: Int(eacute))
        #expect(eacuteComponents.count == 2)
        #expect(eacuteComponents.contains(e))
        let dzcaron = font.glyphID(for: "Ǆ")
        let zcaron = font.glyphID(for: "Ž")
        #expect(try font.glyphs.components(of: Int(dzcaron)).contains(zcaron))
        let nested = try font.glyphs.components(of: Int(zcaron))
        #expect(nested.contains(font.glyphID(for: "Z")))
        #expect(!requested.contains(zcaron) && !requested.contains(font.glyphID(for: "Z")))

        let subsetBytes = try font.subset(keeping: requested)
        #expect(subsetBytes.count < TestFonts.sansBytes.count / 10, "subset is \(subsetBytes.count) bytes")

        // Expected kept set: requested + .notdef + components, recursively.
        var expected = requested.union([0])
        var pending = Array(expected)
        while let glyph = pending.popLast() {
            for component in try font.glyphs.components(of: Int(glyph)) where expected.insert(component).inserted {
                pending.append(component)
            }
        }
        #expect(expected.isSuperset(of: eacuteComponents + nested))
        let highest = Int(try #require(expected.max()))

        // Read back with this module.
        let reread = try OpenTypeFont(data: subsetBytes)
        #expect(reread.glyphCount == highest + 1)
        #expect(reread.unitsPerEm == font.unitsPerEm)
        #expect(reread.postScriptName == font.postScriptName)
        #expect(reread.familyName == font.familyName)
        #expect(reread.ascender == font.ascender && reread.descender == font.descender)
        for glyph in 0 ..< reread.glyphCount {
            let original = TestFonts.sansBytes[font.glyphs.range(of: glyph)]
            let copied = subsetBytes[reread.glyphs.range(of: glyph)]
            if expected.contains(UInt16(glyph)) {
                #expect(reread.advanceWidth(UInt16(glyph)) == font.advanceWidth(UInt16(glyph)))
                #expect(copied.prefix(original.count).elementsEqual(original), "glyph \(glyph) differs")
                #expect(copied.count == (original.count + 3) / 4 * 4)
            } else {
                #expect(copied.isEmpty, "glyph \(glyph) should be empty")
            }
        }
        try await Self.checkChecksums(subsetBytes)

        // Read back with fontTools.
        let path = try TestFonts.temporaryFile(subsetBytes, name: "subset.ttf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let kept = expected.sorted().map(String.init).joined(separator: ",")
        let reference = try await FontTools.run(
            Self.script, arguments: [TestFonts.path("DejaVuSans.ttf"), path, kept], as: Reference.self)
        #expect(reference.numGlyphs == highest + 1)
        #expect(reference.locaLength == highest + 2)
        #expect(reference.numberOfHMetrics <= highest + 1)
        #expect(reference.checksumsValid)
        #expect(reference.fileChecksum == 0xB1B0_AFBA)
        #expect(reference.mismatchedGlyphs.isEmpty)
        #expect(reference.advancesMatch)
        #expect(reference.recompiles)
        for tag in ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm", "prep", "post"] {
            #expect(reference.tables.contains(tag), "missing \(tag)")
        }
        // Kept glyphs with outlines are exactly the non-empty ones (the space has no outline).
        let outlined = expected.filter { !font.glyphs.range(of: Int($0)).isEmpty }
        #expect(Set(reference.nonEmptyGlyphs.map(UInt16.init)) == outlined)
        // Every component of every composite glyph in the subset is present.
        #expect(reference.components[String(eacute)].map(Set.init) == Set(eacuteComponents.map(Int.init)))
        #expect(reference.components[String(zcaron)] != nil)
        for (_, components) in reference.components {
            for component in components {
                #expect(reference.nonEmptyGlyphs.contains(component), "component \(component) missing")
            }
        }
    }

    @Test func subsetOfNotdefOnlyUsesShortLoca() async throws {
        let font = try #require(TestFonts.sans)
        let bytes = try font.subset(keeping: [])
        let reread = try OpenTypeFont(data: bytes)
        #expect(reread.glyphCount == 1)
        let head = try #require(TestFonts.tableLocation("head", in: bytes))
        #expect(bytes[head.offset + 50] == 0 && bytes[head.offset + 51] == 0) // short loca
        try await Self.checkChecksums(bytes)
        // Glyph ids past the font are ignored.
        #expect(try font.subset(keeping: [UInt16.max, 9999]) == bytes)
    }

    @Test func largeSubsetUsesLongLoca() async throws {
        let font = try #require(TestFonts.sans)
        let all = Set((0 ..< UInt16(font.glyphCount)))
        let bytes = try font.subset(keeping: all)
        let reread = try OpenTypeFont(data: bytes)
        #expect(reread.glyphCount == font.glyphCount)
        let head = try #require(TestFonts.tableLocation("head", in: bytes))
        #expect(bytes[head.offset + 51] == 1) // long loca
        #expect(reread.glyphID(for: "A") == 0) // no cmap in a subset
        try await Self.checkChecksums(bytes)
    }

    /// Glyphs past numberOfHMetrics share the last long advance, which must survive subsetting.
    @Test func trailingGlyphsKeepTheSharedAdvance() async throws {
        let font = try #require(TestFonts.sans)
        let last = UInt16(font.glyphCount - 1)
        #expect(font.horizontalMetricsCount < font.glyphCount)
        let reread = try OpenTypeFont(data: try font.subset(keeping: [last]))
        #expect(reread.glyphCount == font.glyphCount)
        #expect(reread.advanceWidth(last) == font.advanceWidth(last))
        #expect(reread.advanceWidth(last) > 0)
        #expect(reread.advanceWidth(36) == 0) // not kept: zeroed
    }

    @Test(arguments: TestFonts.allNames)
    func everyDejaVuFontSubsets(name: String) async throws {
        let font = try OpenTypeFont(data: try TestFonts.bytes(name))
        let bytes = try font.subset(keeping: Self.glyphs(of: Self.text + "Dunning letter 0123456789 €", in: font))
        let reread = try OpenTypeFont(data: bytes)
        #expect(reread.glyphCount > 1)
        try await Self.checkChecksums(bytes)
    }

    /// Table directory sorted and aligned, table checksums right, whole file sums to 0xB1B0AFBA.
    static func checkChecksums(_ bytes: [UInt8]) async throws {
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func sum(_ range: Range<Int>) -> UInt32 {
            var total: UInt32 = 0
            var index = range.lowerBound
            while index < range.upperBound {
                var word: UInt32 = 0
                for k in 0 ..< 4 { word = word << 8 | UInt32(index + k < range.upperBound ? bytes[index + k] : 0) }
                total &+= word
                index += 4
            }
            return total
        }
        let count = u16(4)
        #expect(u16(6) == (1 << (Int.bitWidth - 1 - count.leadingZeroBitCount)) * 16)
        var previous: [UInt8] = []
        for index in 0 ..< count {
            let record = 12 + index * 16
            let tag = Array(bytes[record ..< record + 4])
            #expect(previous.lexicographicallyPrecedes(tag), "directory not sorted")
            previous = tag
            let stored = UInt32(u16(record + 4)) << 16 | UInt32(u16(record + 6))
            let offset = u16(record + 8) << 16 | u16(record + 10)
            let length = u16(record + 12) << 16 | u16(record + 14)
            #expect(offset % 4 == 0)
            var computed = sum(offset ..< offset + length)
            if tag.elementsEqual("head".utf8) {
                computed &-= UInt32(u16(offset + 8)) << 16 | UInt32(u16(offset + 10))
            }
            #expect(stored == computed, "checksum of \(String(decoding: tag, as: UTF8.self))")
        }
        #expect(sum(0 ..< bytes.count) == 0xB1B0_AFBA)
    }
}
