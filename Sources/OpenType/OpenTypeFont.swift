/// A parsed TrueType-outline (glyf) font: names, metrics, character map, kerning and subsetting.
///
/// Everything needed by text layout is decoded once in ``init(data:)`` into flat lookup tables,
/// so ``glyphID(for:)``, ``advanceWidth(_:)`` and ``kerning(_:_:)`` are constant-time and
/// allocation-free. Instances are immutable and may be shared between threads.
public final class OpenTypeFont: Sendable {
    /// The PostScript name (`name` id 6), restricted to characters safe in a PDF name.
    public let postScriptName: String
    /// The family name: typographic family (`name` id 16) when present, else `name` id 1.
    public let familyName: String
    /// Font units per em (`head`).
    public let unitsPerEm: Int
    /// Distance from the baseline to the top of the line, positive, in font units: the `OS/2`
    /// typographic ascender when USE_TYPO_METRICS is set, otherwise `hhea`.
    public let ascender: Int
    /// Distance from the baseline to the bottom of the line, negative, in font units.
    public let descender: Int
    /// Extra spacing between lines, in font units (never negative).
    public let lineGap: Int
    /// Height of capital letters: `OS/2` sCapHeight (version 2+), else the top of the 'H' glyph.
    public let capHeight: Int
    /// Height of lowercase letters: `OS/2` sxHeight (version 2+), else the top of the 'x' glyph.
    public let xHeight: Int
    /// Italic angle in degrees counter-clockwise from vertical (`post`), 0 for upright fonts.
    public let italicAngle: Double
    /// Position of the underline's top relative to the baseline (`post`), in font units.
    public let underlinePosition: Int
    /// Thickness of the underline (`post`), in font units.
    public let underlineThickness: Int
    /// Weight class (`OS/2` usWeightClass), 400 when unknown.
    public let weightClass: Int
    /// Whether the font is italic or oblique (`OS/2` fsSelection, `head` macStyle or a non-zero italic angle).
    public let isItalic: Bool
    /// Whether all glyphs have the same advance width (`post` isFixedPitch).
    public let isFixedPitch: Bool
    /// The union of all glyph bounding boxes (`head`).
    public let boundingBox: FontBoundingBox
    /// The embedding licence (`OS/2` fsType).
    public let embedding: EmbeddingPermissions
    /// Number of glyphs (`maxp`).
    public let glyphCount: Int

    /// The table directory over the original font file.
    let directory: TableDirectory
    /// Glyph locations in `glyf`.
    let glyphs: GlyphLocations
    /// Whether the source `loca` uses 32-bit offsets.
    let longLocaOffsets: Bool
    /// Number of long horizontal metrics in `hmtx`.
    let horizontalMetricsCount: Int
    /// Decoded `name` strings.
    let names: NameTable
    private let characterMap: CharacterMap
    private let advances: [UInt16]
    let pairKerning: PairKerning

    /// Parses a TrueType font file.
    ///
    /// - Throws: ``OpenTypeError`` naming the table and offset when the data is not a font this
    ///   module reads (CFF outlines, collections) or a required table is missing or malformed.
    public init(data: [UInt8]) throws {
        let directory = try TableDirectory(bytes: data)
        self.directory = directory

        // head
        let head = try directory.requiredTable("head")
        try head.require(0, 54)
        guard try head.u32(12) == 0x5F0F_3CF5 else {
            throw OpenTypeError.invalidValue(table: "head", offset: 12, reason: "wrong magic number")
        }
        let unitsPerEm = Int(try head.u16(18))
        guard (16 ... 16384).contains(unitsPerEm) else {
            throw OpenTypeError.invalidValue(table: "head", offset: 18, reason: "unitsPerEm \(unitsPerEm) outside 16...16384")
        }
        self.unitsPerEm = unitsPerEm
        boundingBox = FontBoundingBox(
            xMin: Int(try head.i16(36)), yMin: Int(try head.i16(38)),
            xMax: Int(try head.i16(40)), yMax: Int(try head.i16(42)))
        let macStyle = try head.u16(44)
        let locaFormat = try head.i16(50)
        guard locaFormat == 0 || locaFormat == 1 else {
            throw OpenTypeError.invalidValue(table: "head", offset: 50, reason: "indexToLocFormat \(locaFormat)")
        }
        longLocaOffsets = locaFormat == 1

        // maxp
        let maxp = try directory.requiredTable("maxp")
        let glyphCount = Int(try maxp.u16(4))
        guard glyphCount > 0 else {
            throw OpenTypeError.invalidValue(table: "maxp", offset: 4, reason: "the font has no glyphs")
        }
        self.glyphCount = glyphCount

        // hhea + hmtx
        let hhea = try directory.requiredTable("hhea")
        try hhea.require(0, 36)
        let metricsCount = min(Int(try hhea.u16(34)), glyphCount)
        guard metricsCount > 0 else {
            throw OpenTypeError.invalidValue(table: "hhea", offset: 34, reason: "numberOfHMetrics is 0")
        }
        horizontalMetricsCount = metricsCount
        let hmtx = try directory.requiredTable("hmtx")
        try hmtx.require(0, metricsCount * 4)
        var advances = [UInt16](repeating: 0, count: glyphCount)
        for glyph in 0 ..< metricsCount {
            advances[glyph] = hmtx.uncheckedU16(glyph * 4)
        }
        let lastAdvance = advances[metricsCount - 1]
        for glyph in metricsCount ..< glyphCount {
            advances[glyph] = lastAdvance
        }
        self.advances = advances

        // OS/2 (optional; every field read only when present)
        let os2 = directory.table("OS/2")
        let os2Version = os2.map { $0.u16(0, or: 0) } ?? 0
        weightClass = Int(os2.map { $0.u16(4, or: 400) } ?? 400)
        embedding = EmbeddingPermissions(rawValue: os2.map { $0.u16(8, or: 0) } ?? 0)
        let fsSelection = os2.map { $0.u16(62, or: 0) } ?? 0
        func signed(_ table: ByteReader?, _ offset: Int) -> Int? {
            guard let table, table.contains(offset, 2) else { return nil }
            return Int(Int16(bitPattern: table.uncheckedU16(offset)))
        }

        // post (optional)
        let post = directory.table("post")
        if let post, post.contains(0, 16) {
            italicAngle = Double(Int32(bitPattern: try post.u32(4))) / 65536
            underlinePosition = Int(try post.i16(8))
            underlineThickness = Int(try post.i16(10))
            isFixedPitch = try post.u32(12) != 0
        } else {
            italicAngle = 0
            underlinePosition = -unitsPerEm / 10
            underlineThickness = unitsPerEm / 20
            isFixedPitch = false
        }
        isItalic = fsSelection & 0x0001 != 0 || macStyle & 0x0002 != 0 || italicAngle != 0

        // Vertical metrics.
        let hheaAscent = Int(try hhea.i16(4))
        let hheaDescent = Int(try hhea.i16(6))
        let hheaLineGap = Int(try hhea.i16(8))
        let typo = (signed(os2, 68), signed(os2, 70), signed(os2, 72))
        var metrics: (Int, Int, Int)
        if fsSelection & 0x0080 != 0, let ascent = typo.0, let descent = typo.1, let gap = typo.2 {
            metrics = (ascent, descent, gap)
        } else {
            metrics = (hheaAscent, hheaDescent, hheaLineGap)
        }
        if metrics.0 == 0, metrics.1 == 0 {
            if let ascent = typo.0, let descent = typo.1, ascent != 0 || descent != 0 {
                metrics = (ascent, descent, typo.2 ?? 0)
            } else {
                metrics = (boundingBox.yMax, boundingBox.yMin, 0)
            }
        }
        ascender = abs(metrics.0)
        descender = -abs(metrics.1)
        lineGap = max(0, metrics.2)

        // name (optional; a malformed table only loses the names)
        var names = NameTable()
        if let table = directory.table("name"), let parsed = try? NameTable(table) {
            names = parsed
        }
        self.names = names
        let family = names[16] ?? names[1]
        familyName = family ?? names[6] ?? "Unnamed"
        let postScript = NameTable.sanitizedPostScriptName(names[6] ?? "")
        if !postScript.isEmpty {
            postScriptName = postScript
        } else {
            let fallback = NameTable.sanitizedPostScriptName(familyName)
            postScriptName = fallback.isEmpty ? "Unnamed" : fallback
        }

        // cmap, loca/glyf, kerning
        // A font without `cmap` (such as a subset made by ``subset(keeping:)``) maps nothing.
        if let cmap = directory.table("cmap") {
            characterMap = try CharacterMap.parse(cmap, glyphCount: glyphCount)
        } else {
            characterMap = CharacterMap()
        }
        glyphs = try GlyphLocations(
            loca: try directory.requiredTable("loca"), glyf: try directory.requiredTable("glyf"),
            longOffsets: longLocaOffsets, glyphCount: glyphCount)
        pairKerning = PairKerning(gpos: directory.table("GPOS"), kern: directory.table("kern"), glyphCount: glyphCount)

        // Cap height and x-height, estimated from glyph outlines before OS/2 version 2.
        let os2CapHeight = os2Version >= 2 ? signed(os2, 88) ?? 0 : 0
        let os2XHeight = os2Version >= 2 ? signed(os2, 86) ?? 0 : 0
        let capGlyph = Int(characterMap.glyph(for: 0x48)) // H
        let xGlyph = Int(characterMap.glyph(for: 0x78)) // x
        if os2CapHeight > 0 {
            capHeight = os2CapHeight
        } else if capGlyph != 0, let top = glyphs.yMax(of: capGlyph), top > 0 {
            capHeight = top
        } else {
            capHeight = ascender * 7 / 10
        }
        if os2XHeight > 0 {
            xHeight = os2XHeight
        } else if xGlyph != 0, let top = glyphs.yMax(of: xGlyph), top > 0 {
            xHeight = top
        } else {
            xHeight = ascender / 2
        }
    }

    /// The glyph for `scalar` from the best Unicode `cmap` subtable, 0 (.notdef) when missing.
    @inline(__always)
    public func glyphID(for scalar: Unicode.Scalar) -> UInt16 {
        characterMap.glyph(for: scalar.value)
    }

    /// The advance width of `glyph` in font units (`hmtx`); 0 for glyph ids outside the font.
    @inline(__always)
    public func advanceWidth(_ glyph: UInt16) -> Int {
        let index = Int(glyph)
        return index < advances.count ? Int(advances[index]) : 0
    }

    /// The kerning adjustment between two adjacent glyphs in font units (usually negative), 0 if none.
    ///
    /// Uses the GPOS `kern` feature (pair adjustment lookups, formats 1 and 2, also inside
    /// extension lookups) of the DFLT/latn/cyrl/grek default language systems; fonts without
    /// GPOS kerning use the legacy `kern` table (format 0).
    @inline(__always)
    public func kerning(_ left: UInt16, _ right: UInt16) -> Int {
        pairKerning.value(left, right)
    }

    /// Every Unicode scalar the font maps, with its glyph, in scalar order.
    func forEachMappedScalar(_ body: (UInt32, UInt16) -> Void) {
        characterMap.forEachMapping(body)
    }
}
