/// Builds the ToUnicode CMap of a Type0 font with two-byte glyph-id codes: `bfrange` entries
/// for runs of consecutive glyphs mapping to consecutive BMP characters, `bfchar` otherwise,
/// destinations in UTF-16BE (surrogate pairs for characters outside the BMP).
enum ToUnicodeCMap {
    /// - Parameter mappings: glyph id and its text, sorted by glyph id; empty texts are skipped.
    static func build(_ mappings: [(glyph: UInt16, text: String)]) -> [UInt8] {
        var singles: [(UInt16, [UInt16])] = []
        var ranges: [(first: UInt16, last: UInt16, start: UInt16)] = []

        var units: [[UInt16]] = mappings.map { Array($0.text.utf16.prefix(256)) }
        var i = 0
        while i < mappings.count {
            let glyph = mappings[i].glyph
            guard !units[i].isEmpty else { i += 1; continue }
            // Extend a range: consecutive glyphs, single BMP (non-surrogate) units increasing by one,
            // same high byte in the source code, no overflow of the destination's last byte.
            var j = i
            if units[i].count == 1, !isSurrogate(units[i][0]) {
                while j + 1 < mappings.count,
                      mappings[j + 1].glyph == mappings[j].glyph &+ 1,
                      mappings[j + 1].glyph >> 8 == glyph >> 8,
                      units[j + 1].count == 1,
                      units[j + 1][0] == units[j][0] &+ 1,
                      units[j + 1][0] & 0xFF != 0,
                      !isSurrogate(units[j + 1][0]) {
                    j += 1
                }
            }
            if j > i {
                ranges.append((glyph, mappings[j].glyph, units[i][0]))
            } else {
                singles.append((glyph, units[i]))
            }
            i = j + 1
        }
        units.removeAll()

        var out = PDFBuffer(capacity: 512 + 24 * mappings.count)
        out.append("""
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """)
        var start = 0
        while start < singles.count {
            let end = min(start + 100, singles.count)
            out.append(int: end - start)
            out.append(" beginbfchar\n")
            for (glyph, text) in singles[start..<end] {
                out.append("<")
                out.append(hex16: glyph)
                out.append("> <")
                for unit in text { out.append(hex16: unit) }
                out.append(">\n")
            }
            out.append("endbfchar\n")
            start = end
        }
        start = 0
        while start < ranges.count {
            let end = min(start + 100, ranges.count)
            out.append(int: end - start)
            out.append(" beginbfrange\n")
            for range in ranges[start..<end] {
                out.append("<")
                out.append(hex16: range.first)
                out.append("> <")
                out.append(hex16: range.last)
                out.append("> <")
                out.append(hex16: range.start)
                out.append(">\n")
            }
            out.append("endbfrange\n")
            start = end
        }
        out.append("""
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end

            """)
        return out.bytes
    }

    @inline(__always)
    private static func isSurrogate(_ unit: UInt16) -> Bool {
        unit >= 0xD800 && unit <= 0xDFFF
    }
}
