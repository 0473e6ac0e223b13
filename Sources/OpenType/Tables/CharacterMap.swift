/// A constant-time Unicode scalar to glyph id lookup built from the font's `cmap` table.
///
/// The mapping is stored as a two-level page table: `pageIndex[scalar >> 8]` names a 256-entry
/// page of `pages` (page 0 is all zeros and shared by every unmapped block).
struct CharacterMap: Sendable {
    private var pageIndex: [UInt16]
    private var pages: [UInt16]
    /// How many scalars map to a glyph.
    private(set) var mappedCount = 0

    private static let scalarLimit = 0x11_0000
    /// Caps the work a malicious table with overlapping ranges can cause.
    private static let assignmentBudget = 0x11_0000 * 2

    /// An empty map.
    init() {
        pageIndex = [UInt16](repeating: 0, count: Self.scalarLimit >> 8)
        pages = [UInt16](repeating: 0, count: 256)
    }

    /// The glyph for `scalar`, 0 when unmapped.
    @inline(__always)
    func glyph(for scalar: UInt32) -> UInt16 {
        guard scalar < UInt32(Self.scalarLimit) else { return 0 }
        let page = Int(pageIndex[Int(scalar >> 8)])
        return pages[page << 8 | Int(scalar & 0xFF)]
    }

    /// Every mapped scalar with its glyph, in scalar order.
    func forEachMapping(_ body: (UInt32, UInt16) -> Void) {
        for block in 0 ..< pageIndex.count where pageIndex[block] != 0 {
            let page = Int(pageIndex[block]) << 8
            for low in 0 ..< 256 where pages[page + low] != 0 {
                body(UInt32(block << 8 | low), pages[page + low])
            }
        }
    }

    /// Maps `scalar` to `glyph` unless it is already mapped.
    private mutating func assign(_ scalar: Int, _ glyph: UInt16) {
        guard glyph != 0, scalar >= 0, scalar < Self.scalarLimit else { return }
        let block = scalar >> 8
        var page = Int(pageIndex[block])
        if page == 0 {
            page = pages.count >> 8
            guard page <= Int(UInt16.max) else { return }
            pages.append(contentsOf: repeatElement(0, count: 256))
            pageIndex[block] = UInt16(page)
        }
        let slot = page << 8 | (scalar & 0xFF)
        if pages[slot] == 0 {
            pages[slot] = glyph
            mappedCount += 1
        }
    }

    /// Parses the best Unicode subtable of `cmap`: (3,10), (0,6), (0,4), then (3,1), (0,3)..(0,0),
    /// then (3,0) symbol; formats 4 and 12 are read. Glyph ids at or past `glyphCount` are dropped.
    static func parse(_ cmap: ByteReader, glyphCount: Int) throws(OpenTypeError) -> CharacterMap {
        let tableCount = Int(try cmap.u16(2))
        try cmap.require(4, tableCount * 8)
        var candidates: [(rank: Int, offset: Int)] = []
        for index in 0 ..< tableCount {
            let record = 4 + index * 8
            let platform = cmap.uncheckedU16(record)
            let encoding = cmap.uncheckedU16(record + 2)
            let offset = Int(try cmap.u32(record + 4))
            let rank: Int
            switch (platform, encoding) {
            case (3, 10): rank = 0
            case (0, 6): rank = 1
            case (0, 4): rank = 2
            case (3, 1): rank = 3
            case (0, 3): rank = 4
            case (0, 0), (0, 1), (0, 2): rank = 5
            case (3, 0): rank = 6
            default: continue
            }
            candidates.append((rank, offset))
        }
        candidates.sort { $0.rank < $1.rank }
        var firstError: OpenTypeError?
        for candidate in candidates {
            do throws(OpenTypeError) {
                var map = CharacterMap()
                let format = try cmap.u16(candidate.offset)
                switch format {
                case 4: try map.readFormat4(cmap, at: candidate.offset, glyphCount: glyphCount)
                case 12: try map.readFormat12(cmap, at: candidate.offset, glyphCount: glyphCount)
                default: continue
                }
                if map.mappedCount > 0 { return map }
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return CharacterMap()
    }

    /// Segment mapping to delta values (BMP only).
    private mutating func readFormat4(_ cmap: ByteReader, at offset: Int, glyphCount: Int) throws(OpenTypeError) {
        let segCount = Int(try cmap.u16(offset + 6)) / 2
        let endCodes = offset + 14
        let startCodes = endCodes + segCount * 2 + 2
        let deltas = startCodes + segCount * 2
        let rangeOffsets = deltas + segCount * 2
        try cmap.require(endCodes, segCount * 8 + 2)
        var budget = Self.assignmentBudget
        for segment in 0 ..< segCount {
            let end = Int(cmap.uncheckedU16(endCodes + segment * 2))
            let start = Int(cmap.uncheckedU16(startCodes + segment * 2))
            let delta = Int(cmap.uncheckedU16(deltas + segment * 2))
            let rangeOffsetPosition = rangeOffsets + segment * 2
            let rangeOffset = Int(cmap.uncheckedU16(rangeOffsetPosition))
            guard start <= end, start != 0xFFFF else { continue }
            budget -= end - start + 1
            guard budget >= 0 else { return }
            for code in start ... end {
                var glyph: Int
                if rangeOffset == 0 {
                    glyph = (code + delta) & 0xFFFF
                } else {
                    let position = rangeOffsetPosition + rangeOffset + (code - start) * 2
                    glyph = Int(cmap.u16(position, or: 0))
                    if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                }
                if glyph < glyphCount { assign(code, UInt16(glyph)) }
            }
        }
    }

    /// Segmented coverage (full Unicode range).
    private mutating func readFormat12(_ cmap: ByteReader, at offset: Int, glyphCount: Int) throws(OpenTypeError) {
        let groupCount = Int(try cmap.u32(offset + 12))
        let groups = offset + 16
        guard groupCount <= (cmap.count - groups) / 12 else {
            throw .truncated(table: cmap.table, offset: groups + groupCount * 12)
        }
        var budget = Self.assignmentBudget
        for group in 0 ..< groupCount {
            let record = groups + group * 12
            let start = Int(try cmap.u32(record))
            let end = min(Int(try cmap.u32(record + 4)), Self.scalarLimit - 1)
            let firstGlyph = Int(try cmap.u32(record + 8))
            guard start <= end else { continue }
            budget -= end - start + 1
            guard budget >= 0 else { return }
            for code in start ... end {
                let glyph = firstGlyph + (code - start)
                guard glyph < glyphCount else { break }
                assign(code, UInt16(glyph))
            }
        }
    }
}
