extension PairKerning {
    /// Scripts whose default language system selects the `kern` lookups.
    static let kerningScripts: Set<String> = ["DFLT", "latn", "cyrl", "grek"]

    /// The pair-adjustment lookups of the `kern` feature, in LookupList order.
    static func readGPOS(_ gpos: ByteReader, glyphCount: Int, canStart: inout [Bool]) throws(OpenTypeError) -> [[Subtable]] {
        let major = try gpos.u16(0)
        guard major == 1 else {
            throw .invalidValue(table: "GPOS", offset: 0, reason: "unknown major version \(major)")
        }
        let scriptList = Int(try gpos.u16(4))
        let featureList = Int(try gpos.u16(6))
        let lookupList = Int(try gpos.u16(8))

        // Features: tag per index, and the 'kern' ones.
        let featureCount = Int(try gpos.u16(featureList))
        try gpos.require(featureList + 2, featureCount * 6)
        var kernFeatures = Set<Int>()
        for index in 0 ..< featureCount {
            let record = featureList + 2 + index * 6
            if gpos.bytes[gpos.base + record ..< gpos.base + record + 4].elementsEqual("kern".utf8) {
                kernFeatures.insert(index)
            }
        }
        guard !kernFeatures.isEmpty else { return [] }

        // Features used by the default language systems of the kerning scripts.
        var selected = Set<Int>()
        var sawKerningScript = false
        let scriptCount = Int(try gpos.u16(scriptList))
        try gpos.require(scriptList + 2, scriptCount * 6)
        for index in 0 ..< scriptCount {
            let record = scriptList + 2 + index * 6
            let tag = TableDirectory.tagString(gpos.bytes[gpos.base + record ..< gpos.base + record + 4])
            guard kerningScripts.contains(tag) else { continue }
            sawKerningScript = true
            let script = scriptList + Int(gpos.uncheckedU16(record + 4))
            let defaultLangSys = Int(try gpos.u16(script))
            guard defaultLangSys != 0 else { continue }
            let langSys = script + defaultLangSys
            let required = Int(try gpos.u16(langSys + 2))
            if kernFeatures.contains(required) { selected.insert(required) }
            let count = Int(try gpos.u16(langSys + 4))
            try gpos.require(langSys + 6, count * 2)
            for feature in 0 ..< count {
                let featureIndex = Int(gpos.uncheckedU16(langSys + 6 + feature * 2))
                if kernFeatures.contains(featureIndex) { selected.insert(featureIndex) }
            }
        }
        if !sawKerningScript { selected = kernFeatures }

        var lookupIndices = Set<Int>()
        for featureIndex in selected {
            let feature = featureList + Int(try gpos.u16(featureList + 2 + featureIndex * 6 + 4))
            let count = Int(try gpos.u16(feature + 2))
            try gpos.require(feature + 4, count * 2)
            for index in 0 ..< count {
                lookupIndices.insert(Int(gpos.uncheckedU16(feature + 4 + index * 2)))
            }
        }

        let lookupCount = Int(try gpos.u16(lookupList))
        var lookups: [[Subtable]] = []
        for lookupIndex in lookupIndices.sorted() where lookupIndex < lookupCount {
            let lookup = lookupList + Int(try gpos.u16(lookupList + 2 + lookupIndex * 2))
            let type = try gpos.u16(lookup)
            let subtableCount = Int(try gpos.u16(lookup + 4))
            try gpos.require(lookup + 6, subtableCount * 2)
            var subtables: [Subtable] = []
            for index in 0 ..< subtableCount {
                var subtable = lookup + Int(gpos.uncheckedU16(lookup + 6 + index * 2))
                var subtableType = type
                if type == 9 {
                    guard try gpos.u16(subtable) == 1 else { continue }
                    subtableType = try gpos.u16(subtable + 2)
                    subtable += Int(try gpos.u32(subtable + 4))
                }
                guard subtableType == 2 else { continue }
                // A malformed subtable is skipped; the rest of the lookup still applies.
                if let parsed = try? readPairPos(gpos, at: subtable, glyphCount: glyphCount, canStart: &canStart) {
                    subtables.append(parsed)
                }
            }
            if !subtables.isEmpty { lookups.append(subtables) }
        }
        return lookups
    }

    /// One PairPos subtable (format 1 or 2), or nil when it carries no first-glyph XAdvance.
    private static func readPairPos(_ gpos: ByteReader, at offset: Int, glyphCount: Int, canStart: inout [Bool]) throws(OpenTypeError) -> Subtable? {
        let format = try gpos.u16(offset)
        let coverage = offset + Int(try gpos.u16(offset + 2))
        let format1 = try gpos.u16(offset + 4)
        let format2 = try gpos.u16(offset + 6)
        guard let advanceOffset = LayoutTables.xAdvanceOffset(format1) else { return nil }
        let recordSize = LayoutTables.valueRecordSize(format1) + LayoutTables.valueRecordSize(format2)
        switch format {
        case 1:
            let pairSetCount = Int(try gpos.u16(offset + 8))
            try gpos.require(offset + 10, pairSetCount * 2)
            var pairs: [UInt32: Int16] = [:]
            var failure: OpenTypeError?
            try LayoutTables.forEachCovered(gpos, at: coverage, glyphCount: glyphCount) { glyph, index in
                guard index < pairSetCount, failure == nil else { return }
                let pairSet = offset + Int(gpos.uncheckedU16(offset + 10 + index * 2))
                let count = Int(gpos.u16(pairSet, or: 0))
                let stride = 2 + recordSize
                guard gpos.contains(pairSet + 2, count * stride) else {
                    failure = .truncated(table: gpos.table, offset: pairSet + 2)
                    return
                }
                canStart[glyph] = canStart[glyph] || count > 0
                for pair in 0 ..< count {
                    let record = pairSet + 2 + pair * stride
                    let second = UInt32(gpos.uncheckedU16(record))
                    let value = Int16(bitPattern: gpos.uncheckedU16(record + 2 + advanceOffset))
                    let key = UInt32(glyph) << 16 | second
                    if pairs[key] == nil { pairs[key] = value }
                }
            }
            if let failure { throw failure }
            return .pairs(pairs)
        case 2:
            let classDef1 = offset + Int(try gpos.u16(offset + 8))
            let classDef2 = offset + Int(try gpos.u16(offset + 10))
            let class1Count = Int(try gpos.u16(offset + 12))
            let class2Count = Int(try gpos.u16(offset + 14))
            let records = offset + 16
            try gpos.require(records, class1Count * class2Count * recordSize)
            var values = [Int16](repeating: 0, count: class1Count * class2Count)
            for slot in 0 ..< values.count {
                values[slot] = Int16(bitPattern: gpos.uncheckedU16(records + slot * recordSize + advanceOffset))
            }
            let first = try LayoutTables.classArray(gpos, at: classDef1, glyphCount: glyphCount)
            let second = try LayoutTables.classArray(gpos, at: classDef2, glyphCount: glyphCount)
            var coveredLow = Int.max
            var coveredHigh = -1
            try LayoutTables.forEachCovered(gpos, at: coverage, glyphCount: glyphCount) { glyph, _ in
                coveredLow = min(coveredLow, glyph)
                coveredHigh = max(coveredHigh, glyph)
            }
            guard coveredHigh >= coveredLow else { return nil }
            var firstClasses = [UInt16](repeating: ClassPairs.uncovered, count: coveredHigh - coveredLow + 1)
            try LayoutTables.forEachCovered(gpos, at: coverage, glyphCount: glyphCount) { glyph, _ in
                let index = glyph - first.start
                let glyphClass = index >= 0 && index < first.classes.count ? first.classes[index] : 0
                if Int(glyphClass) < class1Count {
                    firstClasses[glyph - coveredLow] = glyphClass
                    canStart[glyph] = true
                }
            }
            return .classes(ClassPairs(
                firstStart: coveredLow, firstClasses: firstClasses,
                secondStart: second.start, secondClasses: second.classes,
                secondClassCount: class2Count, values: values))
        default:
            throw .invalidValue(table: gpos.table, offset: offset, reason: "unknown PairPos format \(format)")
        }
    }
}
