import OpenType

extension PDFDocument {
    /// Writes every font that a page used: FontFile2 (the subset), FontDescriptor, CIDFontType2
    /// descendant with its `W` array, ToUnicode CMap and the Type0 font itself.
    func writeFonts() throws {
        for font in fonts {
            guard let type0 = font.object else { continue }
            try writeFont(font, type0: type0)
        }
    }

    private func writeFont(_ font: EmbeddedFont, type0: Int) throws {
        let source = font.font
        let postScriptName = source.postScriptName.isEmpty ? "Font\(font.index + 1)" : source.postScriptName
        let glyphs = font.usedGlyphs
        let subsets = source.embedding.allowsSubsetting
        let keep: Set<UInt16> = subsets
            ? Set(glyphs)
            : Set((0..<font.glyphCount).map { UInt16(truncatingIfNeeded: $0) })
        // The subset program, deflated (once per glyph set when a stream cache is shared).
        let makeProgram = { () throws -> (payload: [UInt8], length1: Int) in
            let program: [UInt8]
            do {
                program = try source.subset(keeping: keep)
            } catch {
                throw PDFError.fontSubsetFailed(font: postScriptName, reason: "\(error)")
            }
            return (try self.compressed(program, name: "font file of \(postScriptName)"), program.count)
        }
        let program: (payload: [UInt8], length1: Int)
        if let cache = options.streamCache {
            var key: [UInt8] = []
            key.reserveCapacity(glyphs.count * 2 + 1)
            key.append(subsets ? 1 : 0)
            for glyph in glyphs { key.append(UInt8(glyph >> 8)); key.append(UInt8(glyph & 0xFF)) }
            program = try cache.stream(kind: 1, font: source, level: options.compressionLevel, content: key, make: makeProgram)
        } else {
            program = try makeProgram()
        }
        let baseFont = subsets
            ? SubsetTag.make(postScriptName: postScriptName, index: font.index, glyphs: glyphs) + "+" + postScriptName
            : postScriptName

        let cidFont = allocateObject()
        let descriptor = allocateObject()
        let fontFile = allocateObject()
        let toUnicode = allocateObject()

        try writeStream(fontFile, data: program.payload, filter: compresses ? .alreadyFlate : .none,
                        name: "font file of \(postScriptName)") { out in
            out.append(" /Length1 ")
            out.append(int: program.length1)
        }

        writeObject(descriptor) { out in
            out.append("<< /Type /FontDescriptor /FontName ")
            out.append(name: baseFont)
            out.append(" /Flags ")
            out.append(int: Self.flags(of: source))
            let box = source.boundingBox
            out.append(" /FontBBox [")
            for value in [box.xMin, box.yMin, box.xMax, box.yMax] {
                out.append(int: font.scaled(value))
                out.append(" ")
            }
            out.bytes.removeLast()
            out.append("] /ItalicAngle ")
            out.append(number: source.italicAngle)
            out.append(" /Ascent ")
            out.append(int: font.scaled(source.ascender))
            out.append(" /Descent ")
            out.append(int: font.scaled(source.descender))
            out.append(" /CapHeight ")
            out.append(int: font.scaled(source.capHeight > 0 ? source.capHeight : source.ascender))
            if source.xHeight > 0 {
                out.append(" /XHeight ")
                out.append(int: font.scaled(source.xHeight))
            }
            out.append(" /StemV ")
            out.append(int: Self.stemV(weightClass: source.weightClass))
            out.append(" /FontFile2 ")
            out.append(reference: fontFile)
            out.append(" >>")
        }

        writeObject(cidFont) { out in
            out.append("<< /Type /Font /Subtype /CIDFontType2 /BaseFont ")
            out.append(name: baseFont)
            out.append(" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ")
            out.append(reference: descriptor)
            out.append(" /CIDToGIDMap /Identity /W ")
            Self.appendWidths(of: font, glyphs: glyphs, to: &out)
            out.append(" >>")
        }

        let mappings = font.texts.keys.sorted().map { (glyph: $0, text: font.texts[$0] ?? "") }
        let cmap = ToUnicodeCMap.build(mappings)
        let cmapName = "ToUnicode CMap of \(postScriptName)"
        let cmapPayload = try options.streamCache.map { cache in
            try cache.stream(kind: 2, font: source, level: options.compressionLevel, content: cmap) {
                (try self.compressed(cmap, name: cmapName), cmap.count)
            }.payload
        } ?? (try compressed(cmap, name: cmapName))
        try writeStream(toUnicode, data: cmapPayload, filter: compresses ? .alreadyFlate : .none, name: cmapName)

        writeObject(type0) { out in
            out.append("<< /Type /Font /Subtype /Type0 /BaseFont ")
            out.append(name: baseFont)
            out.append(" /Encoding /Identity-H /DescendantFonts [")
            out.append(reference: cidFont)
            out.append("] /ToUnicode ")
            out.append(reference: toUnicode)
            out.append(" >>")
        }
    }

    /// `W` array with one `first [w1 w2 …]` entry per run of consecutive glyph ids; widths in
    /// glyph-space units with up to three decimals.
    static func appendWidths(of font: EmbeddedFont, glyphs: [UInt16], to out: inout PDFBuffer) {
        out.append("[")
        var previous: Int = -2
        for glyph in glyphs {
            if Int(glyph) != previous + 1 {
                if previous >= 0 { out.append("] ") }
                out.append(int: Int(glyph))
                out.append(" [")
            } else {
                out.append(" ")
            }
            out.append(number: Double(font.width(glyph)) / 1000)
            previous = Int(glyph)
        }
        if previous >= 0 { out.append("]") }
        out.append("]")
    }

    /// Font descriptor flags: FixedPitch (1), Serif (2), Symbolic (4: glyphs are addressed by id,
    /// not through the standard Latin character set), Italic (64).
    static func flags(of font: OpenTypeFont) -> Int {
        var flags = 4
        if font.isFixedPitch { flags |= 1 }
        let family = font.familyName.lowercased()
        if family.contains("serif"), !family.contains("sans") { flags |= 2 }
        if font.isItalic || font.italicAngle != 0 { flags |= 64 }
        return flags
    }

    /// Dominant vertical stem width estimated from the OS/2 weight class (≈ 88 for 400, 166 for 700).
    static func stemV(weightClass: Int) -> Int {
        let weight = Double(min(max(weightClass, 1), 1000))
        return 50 + Int((weight / 65) * (weight / 65))
    }
}
