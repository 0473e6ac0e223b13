import OpenType
import StyledHTML

/// Per-layout font bookkeeping: face selection per (family, weight, style), per-character
/// fallback (looked up once per face and scalar), and the faces' metrics in a compact form.
///
/// `OpenTypeFont` itself answers glyph, advance and kerning queries from arrays, so only the
/// environment's (possibly slow) matching and fallback answers are cached here.
final class FontCache {
    /// One face in use.
    final class Face {
        let id: FontID
        let font: OpenTypeFont
        /// 1 / unitsPerEm.
        let scale: Double
        /// Ascender, descender (positive, below the baseline) and line gap, in font units.
        let ascent: Double
        let descent: Double
        let lineGap: Double

        init(id: FontID, font: OpenTypeFont) {
            self.id = id
            self.font = font
            let units = font.unitsPerEm > 0 ? Double(font.unitsPerEm) : 1000
            scale = 1 / units
            var ascent = Double(font.ascender)
            var descent = -Double(font.descender)
            if ascent + descent <= 0 {
                ascent = 0.8 * units
                descent = 0.2 * units
            }
            self.ascent = ascent
            self.descent = descent
            lineGap = max(0, Double(font.lineGap))
        }

        /// Advance of `glyph` in font units.
        @inline(__always)
        func advance(_ glyph: UInt16) -> Int {
            max(0, font.advanceWidth(glyph))
        }

        /// Kerning between two glyphs of this face, font units.
        @inline(__always)
        func kern(_ left: UInt16, _ right: UInt16) -> Int {
            font.kerning(left, right)
        }
    }

    let environment: any LayoutEnvironment
    private(set) var faces: [Face] = []
    private var slotByFontIndex: [Int: Int] = [:]
    private var selection: [SelectionKey: Int] = [:]
    /// Fallback answers: (preferred slot, scalar) -> (slot + 1) << 16 | glyph.
    private var fallbacks: [UInt64: UInt32] = [:]

    private struct SelectionKey: Hashable {
        var family: [String]
        var weight: Int
        var italic: Bool
    }

    init(environment: any LayoutEnvironment) {
        self.environment = environment
    }

    /// The slot of the face for a font id (registering it on first use).
    func slot(for id: FontID) -> Int {
        if let slot = slotByFontIndex[id.index] { return slot }
        let face = Face(id: id, font: environment.face(id))
        faces.append(face)
        slotByFontIndex[id.index] = faces.count - 1
        return faces.count - 1
    }

    /// The slot of the face CSS font matching picks for a style.
    func slot(for style: ComputedStyle) -> Int {
        let key = SelectionKey(family: style.fontFamily, weight: style.fontWeight, italic: style.fontStyle == .italic)
        if let slot = selection[key] { return slot }
        let id = environment.font(family: style.fontFamily, weight: style.fontWeight, style: style.fontStyle)
        let result = slot(for: id)
        selection[key] = result
        return result
    }

    /// The face slot and glyph for `scalar`, preferring the face in `slot` and falling back
    /// through the environment when it has no glyph (.notdef of the preferred face when no
    /// face has one).
    @inline(__always)
    func glyph(for scalar: Unicode.Scalar, preferring slot: Int) -> (slot: Int, glyph: UInt16) {
        let glyph = faces[slot].font.glyphID(for: scalar)
        if glyph != 0 { return (slot, glyph) }
        return fallback(for: scalar, preferring: slot)
    }

    /// The environment's fallback for a scalar the preferred face lacks (cached).
    func fallback(for scalar: Unicode.Scalar, preferring slot: Int) -> (slot: Int, glyph: UInt16) {
        let key = UInt64(slot) << 32 | UInt64(scalar.value)
        if let cached = fallbacks[key] { return (Int(cached >> 16) - 1, UInt16(truncatingIfNeeded: cached)) }
        var resolved = UInt32(slot + 1) << 16
        if let fallback = environment.font(for: scalar, preferred: faces[slot].id), fallback != faces[slot].id {
            let fallbackSlot = self.slot(for: fallback)
            let fallbackGlyph = faces[fallbackSlot].font.glyphID(for: scalar)
            if fallbackGlyph != 0 { resolved = UInt32(fallbackSlot + 1) << 16 | UInt32(fallbackGlyph) }
        }
        fallbacks[key] = resolved
        return (Int(resolved >> 16) - 1, UInt16(truncatingIfNeeded: resolved))
    }
}
