/// The `loca` offsets of every glyph into `glyf`, plus access to glyph headers and components.
struct GlyphLocations: Sendable {
    /// Offsets into `glyf`: glyph g occupies `starts[g] ..< ends[g]` of the table.
    private let starts: [UInt32]
    private let ends: [UInt32]
    /// The `glyf` table.
    let glyf: ByteReader

    /// Reads `loca` (format from `head.indexToLocFormat`) for `glyphCount` glyphs. Offsets past
    /// the end of `glyf` or running backwards make a glyph empty rather than failing the font.
    init(loca: ByteReader, glyf: ByteReader, longOffsets: Bool, glyphCount: Int) throws(OpenTypeError) {
        let entrySize = longOffsets ? 4 : 2
        try loca.require(0, (glyphCount + 1) * entrySize)
        var starts = [UInt32](repeating: 0, count: glyphCount)
        var ends = [UInt32](repeating: 0, count: glyphCount)
        func offset(_ index: Int) -> Int {
            longOffsets
                ? Int(loca.uncheckedU16(index * 4)) << 16 | Int(loca.uncheckedU16(index * 4 + 2))
                : Int(loca.uncheckedU16(index * 2)) * 2
        }
        var current = offset(0)
        for glyph in 0 ..< glyphCount {
            let next = offset(glyph + 1)
            if current <= next, next <= glyf.count {
                starts[glyph] = UInt32(current)
                ends[glyph] = UInt32(next)
            }
            current = next
        }
        self.starts = starts
        self.ends = ends
        self.glyf = glyf
    }

    /// Number of glyphs.
    var count: Int { starts.count }

    /// The absolute byte range of `glyph` in the font file (empty for glyphs without outline).
    @inline(__always)
    func range(of glyph: Int) -> Range<Int> {
        glyf.base + Int(starts[glyph]) ..< glyf.base + Int(ends[glyph])
    }

    /// The glyph header's yMax, nil for an empty or unreadable glyph.
    func yMax(of glyph: Int) -> Int? {
        guard glyph < count else { return nil }
        let range = range(of: glyph)
        guard range.count >= 10 else { return nil }
        let bytes = glyf.bytes
        return Int(Int16(bitPattern: UInt16(bytes[range.lowerBound + 8]) << 8 | UInt16(bytes[range.lowerBound + 9])))
    }

    /// The component glyph ids of a composite glyph (empty for simple or empty glyphs).
    func components(of glyph: Int) throws(OpenTypeError) -> [UInt16] {
        let range = range(of: glyph)
        guard range.count >= 10 else { return [] }
        let reader = ByteReader(bytes: glyf.bytes, base: range.lowerBound, count: range.count, table: "glyf")
        let contours = try reader.i16(0)
        guard contours < 0 else { return [] }
        var components: [UInt16] = []
        var position = 10
        while true {
            let flags = try reader.u16(position)
            components.append(try reader.u16(position + 2))
            position += 4
            position += flags & 0x0001 != 0 ? 4 : 2 // ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008 != 0 { position += 2 } // WE_HAVE_A_SCALE
            else if flags & 0x0040 != 0 { position += 4 } // WE_HAVE_AN_X_AND_Y_SCALE
            else if flags & 0x0080 != 0 { position += 8 } // WE_HAVE_A_TWO_BY_TWO
            guard flags & 0x0020 != 0 else { break } // MORE_COMPONENTS
            guard components.count < 1024 else {
                throw .invalidValue(table: "glyf", offset: range.lowerBound - glyf.base, reason: "glyph \(glyph) has too many components")
            }
        }
        return components
    }
}
