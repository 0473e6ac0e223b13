/// A complex selector, stored right to left: `compounds[0]` is the subject, and
/// `combinators[k]` relates `compounds[k]` to `compounds[k + 1]`.
struct ComplexSelector: Sendable, Equatable {
    enum Combinator: Sendable, Equatable { case descendant, child, adjacent, sibling }

    var compounds: [CompoundSelector]
    var combinators: [Combinator]

    /// (ids, classes/attributes/pseudo-classes, types) packed as 10 bits each.
    var specificity: UInt32 {
        var ids = 0, classes = 0, types = 0
        for compound in compounds { compound.countSpecificity(&ids, &classes, &types) }
        return Self.pack(ids, classes, types)
    }

    static func pack(_ ids: Int, _ classes: Int, _ types: Int) -> UInt32 {
        UInt32(min(ids, 1023)) << 20 | UInt32(min(classes, 1023)) << 10 | UInt32(min(types, 1023))
    }
}
