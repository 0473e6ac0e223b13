/// A compound selector: type, id, classes, attributes and pseudo-classes of one element.
struct CompoundSelector: Sendable, Equatable {
    /// Lower-cased type, nil for `*` or none.
    var tag: String?
    var id: String?
    var classes: [String] = []
    var attributes: [AttributeSelector] = []
    var pseudoClasses: [PseudoClass] = []

    var isEmpty: Bool {
        tag == nil && id == nil && classes.isEmpty && attributes.isEmpty && pseudoClasses.isEmpty
    }

    func countSpecificity(_ ids: inout Int, _ classes: inout Int, _ types: inout Int) {
        if id != nil { ids += 1 }
        classes += self.classes.count + attributes.count
        if tag != nil { types += 1 }
        for pseudo in pseudoClasses {
            if case .not(let list) = pseudo {
                // The most specific argument counts.
                var best: (Int, Int, Int) = (0, 0, 0)
                for compound in list {
                    var i = 0, c = 0, t = 0
                    compound.countSpecificity(&i, &c, &t)
                    if (i, c, t) > best { best = (i, c, t) }
                }
                ids += best.0
                classes += best.1
                types += best.2
            } else {
                classes += 1
            }
        }
    }
}

struct AttributeSelector: Sendable, Equatable {
    enum Operator: Sendable, Equatable { case exists, equals, includes, dashMatch, prefix, suffix, substring }
    var name: String
    var op: Operator
    var value: String
    var caseInsensitive: Bool
}

enum PseudoClass: Sendable, Equatable {
    case firstChild, lastChild, onlyChild
    case nthChild(a: Int, b: Int), nthLastChild(a: Int, b: Int)
    case firstOfType, lastOfType, onlyOfType
    case nthOfType(a: Int, b: Int), nthLastOfType(a: Int, b: Int)
    case root, empty, link
    /// Dynamic states (`:hover`, `:visited`…) that never hold in print.
    case never
    case not([CompoundSelector])
}
