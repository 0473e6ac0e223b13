/// Readers for the common OpenType layout structures (Coverage, ClassDef, ValueRecord).
enum LayoutTables {
    /// Caps the entries a malicious range-based table with overlapping ranges can produce.
    static let rangeBudget = 4 * 65_536

    /// Calls `body(glyph, coverageIndex)` for each glyph (below `glyphCount`) of the Coverage table at `offset`.
    static func forEachCovered(
        _ table: ByteReader, at offset: Int, glyphCount: Int, _ body: (Int, Int) -> Void
    ) throws(OpenTypeError) {
        let format = try table.u16(offset)
        let count = Int(try table.u16(offset + 2))
        switch format {
        case 1:
            try table.require(offset + 4, count * 2)
            for index in 0 ..< count {
                let glyph = Int(table.uncheckedU16(offset + 4 + index * 2))
                if glyph < glyphCount { body(glyph, index) }
            }
        case 2:
            try table.require(offset + 4, count * 6)
            var budget = rangeBudget
            for range in 0 ..< count {
                let record = offset + 4 + range * 6
                let start = Int(table.uncheckedU16(record))
                let end = min(Int(table.uncheckedU16(record + 2)), glyphCount - 1)
                let startIndex = Int(table.uncheckedU16(record + 4))
                guard start <= end else { continue }
                budget -= end - start + 1
                guard budget >= 0 else { return }
                for glyph in start ... end {
                    body(glyph, startIndex + glyph - start)
                }
            }
        default:
            throw .invalidValue(table: table.table, offset: offset, reason: "unknown Coverage format \(format)")
        }
    }

    /// The ClassDef table at `offset` as a dense array starting at glyph `start`
    /// (glyphs outside the array are class 0).
    static func classArray(_ table: ByteReader, at offset: Int, glyphCount: Int) throws(OpenTypeError) -> (start: Int, classes: [UInt16]) {
        let format = try table.u16(offset)
        switch format {
        case 1:
            let start = Int(try table.u16(offset + 2))
            let count = Int(try table.u16(offset + 4))
            try table.require(offset + 6, count * 2)
            let usable = max(0, min(count, glyphCount - start))
            var classes = [UInt16](repeating: 0, count: usable)
            for index in 0 ..< usable {
                classes[index] = table.uncheckedU16(offset + 6 + index * 2)
            }
            return (start, classes)
        case 2:
            let count = Int(try table.u16(offset + 2))
            try table.require(offset + 4, count * 6)
            var low = Int.max
            var high = -1
            for range in 0 ..< count {
                let record = offset + 4 + range * 6
                let start = Int(table.uncheckedU16(record))
                let end = min(Int(table.uncheckedU16(record + 2)), glyphCount - 1)
                guard start <= end else { continue }
                low = min(low, start)
                high = max(high, end)
            }
            guard high >= low else { return (0, []) }
            var classes = [UInt16](repeating: 0, count: high - low + 1)
            var budget = rangeBudget
            for range in 0 ..< count {
                let record = offset + 4 + range * 6
                let start = Int(table.uncheckedU16(record))
                let end = min(Int(table.uncheckedU16(record + 2)), glyphCount - 1)
                let value = table.uncheckedU16(record + 4)
                guard start <= end else { continue }
                budget -= end - start + 1
                guard budget >= 0 else { break }
                for glyph in start ... end {
                    classes[glyph - low] = value
                }
            }
            return (low, classes)
        default:
            throw .invalidValue(table: table.table, offset: offset, reason: "unknown ClassDef format \(format)")
        }
    }

    /// Size in bytes of a ValueRecord with `format`.
    static func valueRecordSize(_ format: UInt16) -> Int {
        (format & 0xFF).nonzeroBitCount * 2
    }

    /// Offset of XAdvance inside a ValueRecord with `format`, nil when the record has none.
    static func xAdvanceOffset(_ format: UInt16) -> Int? {
        guard format & 0x0004 != 0 else { return nil }
        return (format & 0x0003).nonzeroBitCount * 2
    }
}
