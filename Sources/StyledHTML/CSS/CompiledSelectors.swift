/// A compound selector in a flat, reference-free form.
struct CompiledCompound: Sendable {
    static let firstChild: UInt16 = 1, lastChild: UInt16 = 2, onlyChild: UInt16 = 4, root: UInt16 = 8
    static let empty: UInt16 = 16, never: UInt16 = 32, nth: UInt16 = 64, slow: UInt16 = 128

    /// 0 = any.
    var tag: UInt64 = 0
    /// 0 = none.
    var id: UInt64 = 0
    var classStart: Int32 = 0
    var classCount: Int32 = 0
    var flags: UInt16 = 0
    var nthA: Int32 = 0
    var nthB: Int32 = 0
    /// Index into `CompiledSelectors.slow` (attribute selectors and rarer pseudo-classes).
    var slowIndex: Int32 = -1
}

/// A complex selector as a range of compiled compounds (subject first) and 2-bit combinators.
struct CompiledSelector: Sendable {
    var first: Int32
    var count: Int32
    /// Combinator k (between compound k and k+1) in bits 2k…2k+1: 0 descendant, 1 child,
    /// 2 adjacent sibling, 3 general sibling.
    var combinators: UInt64

    static let maximumCompounds = 32

    func combinator(_ k: Int) -> UInt64 { (combinators >> UInt64(2 * k)) & 3 }
}

/// All compiled selectors of a style sheet.
struct CompiledSelectors: Sendable {
    var compounds: [CompiledCompound] = []
    var classAtoms: [UInt64] = []
    var slow: [CompoundSelector] = []

    mutating func compile(_ selector: ComplexSelector) -> CompiledSelector {
        let first = Int32(compounds.count)
        var combinators: UInt64 = 0
        for (k, compound) in selector.compounds.enumerated() {
            compounds.append(compile(compound))
            if k < selector.combinators.count {
                let bits: UInt64
                switch selector.combinators[k] {
                case .descendant: bits = 0
                case .child: bits = 1
                case .adjacent: bits = 2
                case .sibling: bits = 3
                }
                combinators |= bits << UInt64(2 * k)
            }
        }
        return CompiledSelector(first: first, count: Int32(selector.compounds.count), combinators: combinators)
    }

    private mutating func compile(_ compound: CompoundSelector) -> CompiledCompound {
        var c = CompiledCompound()
        if let tag = compound.tag { c.tag = Atom.of(tag) }
        if let id = compound.id { c.id = Atom.of(id) }
        c.classStart = Int32(classAtoms.count)
        c.classCount = Int32(compound.classes.count)
        for name in compound.classes { classAtoms.append(Atom.of(name)) }
        var slow = !compound.attributes.isEmpty
        for pseudo in compound.pseudoClasses {
            switch pseudo {
            case .firstChild: c.flags |= CompiledCompound.firstChild
            case .lastChild: c.flags |= CompiledCompound.lastChild
            case .onlyChild: c.flags |= CompiledCompound.onlyChild
            case .root: c.flags |= CompiledCompound.root
            case .empty: c.flags |= CompiledCompound.empty
            case .never: c.flags |= CompiledCompound.never
            case .nthChild(let a, let b) where c.flags & CompiledCompound.nth == 0:
                c.flags |= CompiledCompound.nth
                c.nthA = Int32(clamping: a)
                c.nthB = Int32(clamping: b)
            default:
                slow = true
            }
        }
        if slow {
            c.flags |= CompiledCompound.slow
            c.slowIndex = Int32(self.slow.count)
            self.slow.append(compound)
        }
        return c
    }
}
