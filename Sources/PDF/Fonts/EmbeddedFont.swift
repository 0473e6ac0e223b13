import OpenType

/// A registered font and what the document has used of it: glyph ids, their widths and the
/// first text seen for each glyph.
///
/// Widths are kept in thousandths of PDF glyph-space units (1/1,000,000 em) and written to the
/// `W` array with three decimals, so the viewer's pen follows the font's exact advances and
/// `TJ` adjustments are only needed for real kerning and spacing, not for rounding.
final class EmbeddedFont {
    let font: OpenTypeFont
    let index: Int
    /// Resource name without the slash, e.g. `F1`.
    let resourceName: String
    /// The Type0 font object, allocated when a page first uses the font.
    var object: Int?

    let glyphCount: Int
    private let scale: Double
    /// Width in 1/1,000,000 em per glyph id; `Int32.min` = not computed yet.
    // Hot per-glyph state: no overlapping accesses exist, so the dynamic exclusivity checks
    // (a measurable share of text() time) are switched off.
    @exclusivity(unchecked) private var widths: [Int32]
    @exclusivity(unchecked) private(set) var used: [Bool]
    @exclusivity(unchecked) private var hasText: [Bool]
    private(set) var texts: [UInt16: String] = [:]

    init(font: OpenTypeFont, index: Int) {
        self.font = font
        self.index = index
        resourceName = "F\(index + 1)"
        glyphCount = max(1, min(font.glyphCount, 65536))
        scale = font.unitsPerEm > 0 ? 1000 / Double(font.unitsPerEm) : 1
        widths = Array(repeating: Int32.min, count: glyphCount)
        used = Array(repeating: false, count: glyphCount)
        hasText = Array(repeating: false, count: glyphCount)
        used[0] = true  // .notdef is always kept
    }

    /// Maps ids beyond the font's glyph count to `.notdef`.
    @inline(__always)
    func validGlyph(_ id: UInt16) -> UInt16 {
        Int(id) < glyphCount ? id : 0
    }

    /// The advance of a (valid) glyph in 1/1,000,000 em (thousandths of a glyph-space unit),
    /// exactly as written to the `W` array.
    @inline(__always)
    func width(_ glyph: UInt16) -> Int32 {
        let cached = widths[Int(glyph)]
        if cached != Int32.min { return cached }
        let value = Int32(clamping: Int((Double(font.advanceWidth(glyph)) * scale * 1000).rounded()))
        widths[Int(glyph)] = value
        return value
    }

    /// Marks a (valid) glyph as used and records its text if none is known yet.
    @inline(__always)
    func use(_ glyph: UInt16, text: String) {
        let slot = Int(glyph)
        used[slot] = true
        if !hasText[slot], !text.isEmpty {
            hasText[slot] = true
            texts[glyph] = text
        }
    }

    /// A font-unit value scaled to 1/1000 em.
    func scaled(_ value: Int) -> Int {
        Int((Double(value) * scale).rounded())
    }

    /// Used glyph ids in ascending order (always including `.notdef`).
    var usedGlyphs: [UInt16] {
        var result: [UInt16] = []
        for slot in 0..<glyphCount where used[slot] { result.append(UInt16(slot)) }
        return result
    }
}
