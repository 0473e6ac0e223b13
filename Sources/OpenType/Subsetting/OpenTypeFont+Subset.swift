extension OpenTypeFont {
    /// A TrueType font program containing only `glyphs` (plus .notdef and the components of
    /// kept composite glyphs), for embedding as a PDF `FontFile2` of a CIDFontType2 font.
    ///
    /// Glyph ids are preserved (CID = GID with an Identity map): glyphs that are not kept become
    /// empty `loca` entries, and glyphs after the highest kept id are dropped, so the subset's
    /// `numGlyphs` is the highest kept glyph id + 1. The program holds `head`, `hhea`, `maxp`,
    /// `hmtx` (original metrics of kept glyphs, zeros for the others), `loca`, `glyf`, `cvt `/`fpgm`/`prep` when present, `OS/2`,
    /// `post` (format 3) and a small `name` table; it has no `cmap`.
    ///
    /// - Returns: the subset, or the whole original font when its licence forbids subsetting.
    /// - Throws: ``OpenTypeError/embeddingNotPermitted(fsType:)`` when the licence forbids
    ///   embedding; ``OpenTypeError`` naming `glyf` when a composite glyph is malformed.
    public func subset(keeping glyphs: Set<UInt16>) throws -> [UInt8] {
        guard embedding.isEmbeddable else {
            throw OpenTypeError.embeddingNotPermitted(fsType: embedding.rawValue)
        }
        guard embedding.allowsSubsetting else { return directory.bytes }
        let bytes = directory.bytes

        // Kept glyphs, closed over composite components.
        var kept = [Bool](repeating: false, count: glyphCount)
        kept[0] = true
        var pending: [Int] = [0]
        for glyph in glyphs where Int(glyph) < glyphCount && !kept[Int(glyph)] {
            kept[Int(glyph)] = true
            pending.append(Int(glyph))
        }
        var highest = 0
        while let glyph = pending.popLast() {
            highest = max(highest, glyph)
            for component in try self.glyphs.components(of: glyph) {
                let index = Int(component)
                guard index < glyphCount, !kept[index] else { continue }
                kept[index] = true
                pending.append(index)
            }
        }
        let newCount = highest + 1

        // glyf and loca.
        var glyfSize = 0
        for glyph in 0 ..< newCount where kept[glyph] {
            glyfSize += FontFileWriter.padded(self.glyphs.range(of: glyph).count)
        }
        let shortLoca = glyfSize <= 0x1FFFE
        var glyf: [UInt8] = []
        glyf.reserveCapacity(glyfSize)
        var loca: [UInt8] = []
        loca.reserveCapacity((newCount + 1) * (shortLoca ? 2 : 4))
        func appendLocation(_ offset: Int) {
            if shortLoca {
                FontFileWriter.append16(&loca, offset / 2)
            } else {
                FontFileWriter.append32(&loca, UInt32(offset))
            }
        }
        for glyph in 0 ..< newCount {
            appendLocation(glyf.count)
            guard kept[glyph] else { continue }
            let range = self.glyphs.range(of: glyph)
            glyf.append(contentsOf: bytes[range])
            glyf.append(contentsOf: repeatElement(0, count: FontFileWriter.padded(range.count) - range.count))
        }
        appendLocation(glyf.count)

        // Metrics: a prefix of the original hmtx covers the first newCount glyphs; the entries of
        // glyphs not kept are zeroed so that the stream compresses well.
        let metricsCount = min(horizontalMetricsCount, newCount)
        let hmtxLength = metricsCount * 4 + (newCount - metricsCount) * 2
        let hmtxSource = try directory.requiredTable("hmtx")
        var hmtx = Array(hmtxSource.slice.prefix(hmtxLength))
        hmtx.append(contentsOf: repeatElement(0, count: hmtxLength - hmtx.count))
        // (The last long metric is kept: later glyphs share its advance width.)
        for glyph in 0 ..< newCount where !kept[glyph] && glyph != metricsCount - 1 {
            let entry = glyph < metricsCount ? glyph * 4 : metricsCount * 4 + (glyph - metricsCount) * 2
            for index in entry ..< entry + (glyph < metricsCount ? 4 : 2) {
                hmtx[index] = 0
            }
        }

        var head = Array(try directory.requiredTable("head").slice)
        head.replaceSubrange(8 ..< 12, with: [0, 0, 0, 0])
        FontFileWriter.put16(&head, at: 50, shortLoca ? 0 : 1)
        var hhea = Array(try directory.requiredTable("hhea").slice)
        FontFileWriter.put16(&hhea, at: 34, metricsCount)
        var maxp = Array(try directory.requiredTable("maxp").slice)
        FontFileWriter.put16(&maxp, at: 4, newCount)

        var writer = FontFileWriter()
        writer.add("head", head)
        writer.add("hhea", hhea)
        writer.add("maxp", maxp)
        writer.add("hmtx", hmtx)
        writer.add("loca", loca)
        writer.add("glyf", glyf)
        for tag in ["cvt ", "fpgm", "prep", "OS/2"] {
            if let table = directory.table(tag) { writer.add(tag, Array(table.slice)) }
        }
        writer.add("post", postFormat3())
        writer.add("name", minimalNameTable())
        return writer.assemble()
    }

    /// A `post` table of format 3 (no glyph names), keeping the original header values.
    private func postFormat3() -> [UInt8] {
        var post = [UInt8](repeating: 0, count: 32)
        if let source = directory.table("post"), source.count >= 32 {
            post = Array(source.slice.prefix(32))
        } else {
            FontFileWriter.put16(&post, at: 8, underlinePosition)
            FontFileWriter.put16(&post, at: 10, underlineThickness)
        }
        post.replaceSubrange(0 ..< 4, with: [0, 3, 0, 0])
        return post
    }

    /// A `name` table with family (1), subfamily (2), full name (4) and PostScript name (6) as
    /// Windows Unicode English records.
    private func minimalNameTable() -> [UInt8] {
        let family = names[1] ?? familyName
        let subfamily = names[2] ?? "Regular"
        let records: [(UInt16, String)] = [
            (1, family), (2, subfamily), (4, names[4] ?? family), (6, postScriptName),
        ]
        let encoded = records.map { record in
            record.1.utf16.prefix(1024).flatMap { [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)] }
        }
        var table: [UInt8] = []
        FontFileWriter.append16(&table, 0)
        FontFileWriter.append16(&table, records.count)
        FontFileWriter.append16(&table, 6 + records.count * 12)
        var offset = 0
        for (index, record) in records.enumerated() {
            for value in [3, 1, 0x0409, Int(record.0), encoded[index].count, offset] {
                FontFileWriter.append16(&table, value)
            }
            offset += encoded[index].count
        }
        for string in encoded { table.append(contentsOf: string) }
        return table
    }
}
