import OpenType
import StyledHTML

/// Per-layout caches over the environment's fonts: face selection per (family, weight, style),
/// glyph lookup per scalar with fallback, advances per glyph and kerning per pair.
///
/// Everything is looked up at most once per document; the inner loops then index arrays.
final class FontCache {
    /// One face in use, with its lazily filled tables.
    final class Face {
        let id: FontID
        let font: OpenTypeFont
        /// 1 / unitsPerEm.
        let scale: Double
        /// Advance widths in font units, -1 until looked up.
        var advances: [Int32]
        /// Resolved glyphs for scalars below `directLimit`: 0 = not looked up, else
        /// `(faceSlot + 1) << 16 | glyph`.
        var direct: [UInt32]
        var other: [UInt32: UInt32] = [:]
        var kerning: [UInt32: Int32] = [:]
        /// Ascender, descender (positive, below the baseline) and line gap, in font units.
        let ascent: Double
        let descent: Double
        let lineGap: Double

        init(id: FontID, font: OpenTypeFont) {
            self.id = id
            self.font = font
            let units = font.unitsPerEm > 0 ? Double(font.unitsPerEm) : 1000
            scale = 1 / units
            advances = [Int32](repeating: -1, count: max(0, min(Int(font.glyphCount), 65_536)))
            direct = [UInt32](repeating: 0, count: FontCache.directLimit)
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
        func advance(_ glyph: UInt16) -> Int32 {
            let index = Int(glyph)
            if index < advances.count {
                let cached = advances[index]
                if cached >= 0 { return cached }
                let value = Int32(clamping: max(0, font.advanceWidth(glyph)))
                advances[index] = value
                return value
            }
            return Int32(clamping: max(0, font.advanceWidth(glyph)))
        }

        /// Kerning between two glyphs of this face, font units.
        @inline(__always)
        func kern(_ left: UInt16, _ right: UInt16) -> Int32 {
            let key = UInt32(left) << 16 | UInt32(right)
            if let cached = kerning[key] { return cached }
            let value = Int32(clamping: font.kerning(left, right))
            kerning[key] = value
            return value
        }
    }

    static let directLimit = 0x0530

    let environment: any LayoutEnvironment
    private(set) var faces: [Face] = []
    private var slotByFontIndex: [Int: Int] = [:]
    private var selection: [SelectionKey: Int] = [:]

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
    /// through the environment when it has no glyph.
    @inline(__always)
    func glyph(for scalar: Unicode.Scalar, preferring slot: Int) -> (slot: Int, glyph: UInt16) {
        let face = faces[slot]
        let value = scalar.value
        if value < UInt32(FontCache.directLimit) {
            let cached = face.direct[Int(value)]
            if cached != 0 { return (Int(cached >> 16) - 1, UInt16(truncatingIfNeeded: cached)) }
            let resolved = resolve(scalar, face: face, slot: slot)
            face.direct[Int(value)] = resolved
            return (Int(resolved >> 16) - 1, UInt16(truncatingIfNeeded: resolved))
        }
        if let cached = face.other[value] { return (Int(cached >> 16) - 1, UInt16(truncatingIfNeeded: cached)) }
        let resolved = resolve(scalar, face: face, slot: slot)
        face.other[value] = resolved
        return (Int(resolved >> 16) - 1, UInt16(truncatingIfNeeded: resolved))
    }

    private func resolve(_ scalar: Unicode.Scalar, face: Face, slot: Int) -> UInt32 {
        let glyph = face.font.glyphID(for: scalar)
        if glyph != 0 { return UInt32(slot + 1) << 16 | UInt32(glyph) }
        if let fallback = environment.font(for: scalar, preferred: face.id), fallback != face.id {
            let fallbackSlot = self.slot(for: fallback)
            let fallbackGlyph = faces[fallbackSlot].font.glyphID(for: scalar)
            if fallbackGlyph != 0 { return UInt32(fallbackSlot + 1) << 16 | UInt32(fallbackGlyph) }
        }
        return UInt32(slot + 1) << 16
    }
}
