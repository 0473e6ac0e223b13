/// Pair kerning prepared for constant-time queries: GPOS pair adjustments of the `kern`
/// feature when the font has them, otherwise the legacy `kern` table.
///
/// The lookups keep their GPOS order and semantics: within one lookup the first subtable that
/// matches the pair wins; the values of several lookups add up. Only the first glyph's
/// XAdvance is used (horizontal kerning).
struct PairKerning: Sendable {
    /// One pair-adjustment subtable.
    enum Subtable: Sendable {
        /// Individual pairs (PairPos format 1, `kern` format 0), keyed by `left << 16 | right`.
        case pairs([UInt32: Int16])
        /// Class-based pairs (PairPos format 2).
        case classes(ClassPairs)
    }

    /// A PairPos format 2 subtable with dense class arrays.
    struct ClassPairs: Sendable {
        /// Glyph id of `firstClasses[0]`.
        let firstStart: Int
        /// Class of each covered first glyph from `firstStart`; `uncovered` when not covered.
        let firstClasses: [UInt16]
        /// Glyph id of `secondClasses[0]`.
        let secondStart: Int
        /// Class of each second glyph from `secondStart`; glyphs outside the array are class 0.
        let secondClasses: [UInt16]
        let secondClassCount: Int
        /// XAdvance of the first glyph for each (class1, class2), row-major.
        let values: [Int16]

        static let uncovered = UInt16.max

        /// The adjustment, or nil when the subtable does not apply to the pair.
        @inline(__always)
        func value(_ left: Int, _ right: Int) -> Int16? {
            let firstIndex = left - firstStart
            guard firstIndex >= 0, firstIndex < firstClasses.count else { return nil }
            let firstClass = firstClasses[firstIndex]
            guard firstClass != Self.uncovered else { return nil }
            let secondIndex = right - secondStart
            let secondClass = secondIndex >= 0 && secondIndex < secondClasses.count ? Int(secondClasses[secondIndex]) : 0
            guard secondClass < secondClassCount else { return nil }
            let slot = Int(firstClass) * secondClassCount + secondClass
            return slot < values.count ? values[slot] : nil
        }
    }

    /// Lookups in application order, each with its subtables in order.
    private let lookups: [[Subtable]]
    /// `canStart[g]` is true when glyph g is the first glyph of some pair.
    private let canStart: [Bool]

    /// Where the kerning data came from (for diagnostics and tests).
    enum Source: Sendable, Equatable {
        case none, gpos, kernTable
    }

    let source: Source

    /// No kerning.
    init() {
        lookups = []
        canStart = []
        source = .none
    }

    /// Builds the kerning from `GPOS` (preferred) or `kern`; malformed subtables are skipped.
    init(gpos: ByteReader?, kern: ByteReader?, glyphCount: Int) {
        var canStart = [Bool](repeating: false, count: glyphCount)
        if let gpos, let lookups = try? Self.readGPOS(gpos, glyphCount: glyphCount, canStart: &canStart), !lookups.isEmpty {
            self.lookups = lookups
            self.canStart = canStart
            source = .gpos
            return
        }
        canStart = [Bool](repeating: false, count: glyphCount)
        if let kern, let pairs = try? Self.readKernTable(kern, glyphCount: glyphCount, canStart: &canStart), !pairs.isEmpty {
            lookups = [[.pairs(pairs)]]
            self.canStart = canStart
            source = .kernTable
            return
        }
        lookups = []
        self.canStart = []
        source = .none
    }

    /// The horizontal adjustment in font units between `left` and `right`, 0 if none.
    @inline(__always)
    func value(_ left: UInt16, _ right: UInt16) -> Int {
        let first = Int(left)
        guard first < canStart.count, canStart[first] else { return 0 }
        let key = UInt32(left) << 16 | UInt32(right)
        var total = 0
        for lookup in lookups {
            for subtable in lookup {
                switch subtable {
                case .pairs(let pairs):
                    if let value = pairs[key] {
                        total += Int(value)
                    } else {
                        continue
                    }
                case .classes(let classes):
                    if let value = classes.value(first, Int(right)) {
                        total += Int(value)
                    } else {
                        continue
                    }
                }
                break
            }
        }
        return total
    }
}
