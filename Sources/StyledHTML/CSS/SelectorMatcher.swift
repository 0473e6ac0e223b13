/// Matches selectors against elements of a `DOMTree`, right to left.
enum SelectorMatcher {
    private enum Result { case matched, notMatched, notMatchedForAnyAncestor }

    static func matches(_ selector: ComplexSelector, element: Int32, in dom: DOMTree) -> Bool {
        match(selector, 0, element, dom) == .matched
    }

    // MARK: Compiled selectors (the cascade's fast path)

    static func matches(_ selector: CompiledSelector, _ compiled: CompiledSelectors, element: Int32, in dom: DOMTree) -> Bool {
        match(selector, 0, compiled, element, dom) == .matched
    }

    private static func match(_ selector: CompiledSelector, _ k: Int, _ compiled: CompiledSelectors,
                              _ element: Int32, _ dom: DOMTree) -> Result {
        guard matches(compiled.compounds[Int(selector.first) + k], compiled, element, dom) else { return .notMatched }
        guard k + 1 < Int(selector.count) else { return .matched }
        switch selector.combinator(k) {
        case 1:
            let parent = dom.info[Int(element)].parent
            guard parent >= 0 else { return .notMatchedForAnyAncestor }
            return match(selector, k + 1, compiled, parent, dom)
        case 0:
            var ancestor = dom.info[Int(element)].parent
            while ancestor >= 0 {
                let r = match(selector, k + 1, compiled, ancestor, dom)
                if r != .notMatched { return r }
                ancestor = dom.info[Int(ancestor)].parent
            }
            return .notMatchedForAnyAncestor
        case 2:
            let sibling = dom.info[Int(element)].previousElement
            guard sibling >= 0 else { return .notMatched }
            return match(selector, k + 1, compiled, sibling, dom) == .matched ? .matched : .notMatched
        default:
            var sibling = dom.info[Int(element)].previousElement
            while sibling >= 0 {
                if match(selector, k + 1, compiled, sibling, dom) == .matched { return .matched }
                sibling = dom.info[Int(sibling)].previousElement
            }
            return .notMatched
        }
    }

    @inline(__always)
    private static func matches(_ c: CompiledCompound, _ compiled: CompiledSelectors, _ element: Int32, _ dom: DOMTree) -> Bool {
        let e = dom.info[Int(element)]
        if c.tag != 0, c.tag != e.name { return false }
        if c.id != 0, c.id != e.id { return false }
        if c.classCount > 0 {
            let end = Int(e.classStart + e.classCount)
            for k in Int(c.classStart)..<Int(c.classStart + c.classCount) {
                let wanted = compiled.classAtoms[k]
                var found = false
                var j = Int(e.classStart)
                while j < end {
                    if dom.classAtoms[j] == wanted {
                        found = true
                        break
                    }
                    j += 1
                }
                if !found { return false }
            }
        }
        if c.flags != 0 {
            let isRoot = e.parent < 0
            let siblings = isRoot ? 1 : dom.info[Int(e.parent)].elementChildCount
            let index = isRoot ? 1 : e.elementIndex
            if c.flags & CompiledCompound.never != 0 { return false }
            if c.flags & CompiledCompound.firstChild != 0, index != 1 { return false }
            if c.flags & CompiledCompound.lastChild != 0, index != siblings { return false }
            if c.flags & CompiledCompound.onlyChild != 0, siblings != 1 { return false }
            if c.flags & CompiledCompound.root != 0, !isRoot { return false }
            if c.flags & CompiledCompound.empty != 0, e.hasChildren { return false }
            if c.flags & CompiledCompound.nth != 0, !nth(Int(c.nthA), Int(c.nthB), Int(index)) { return false }
            if c.flags & CompiledCompound.slow != 0, !matches(compiled.slow[Int(c.slowIndex)], element: element, in: dom) {
                return false
            }
        }
        return true
    }

    /// Matching with the classic early exit: once the rest of a selector fails for every
    /// ancestor of some element, it fails for every higher ancestor too, which keeps
    /// descendant combinators linear in the depth.
    private static func match(_ selector: ComplexSelector, _ k: Int, _ element: Int32, _ dom: DOMTree) -> Result {
        guard matches(selector.compounds[k], element: element, in: dom) else { return .notMatched }
        guard k < selector.combinators.count else { return .matched }
        switch selector.combinators[k] {
        case .child:
            let parent = parentElement(element, dom)
            guard parent >= 0 else { return .notMatchedForAnyAncestor }
            return match(selector, k + 1, parent, dom)
        case .descendant:
            var ancestor = parentElement(element, dom)
            while ancestor >= 0 {
                let r = match(selector, k + 1, ancestor, dom)
                if r != .notMatched { return r }
                ancestor = parentElement(ancestor, dom)
            }
            return .notMatchedForAnyAncestor
        case .adjacent:
            let sibling = dom[element].previousElement
            guard sibling >= 0 else { return .notMatched }
            return match(selector, k + 1, sibling, dom) == .matched ? .matched : .notMatched
        case .sibling:
            var sibling = dom[element].previousElement
            while sibling >= 0 {
                if match(selector, k + 1, sibling, dom) == .matched { return .matched }
                sibling = dom[sibling].previousElement
            }
            return .notMatched
        }
    }

    @inline(__always)
    private static func parentElement(_ element: Int32, _ dom: DOMTree) -> Int32 {
        dom[element].parent
    }

    static func matches(_ compound: CompoundSelector, element: Int32, in dom: DOMTree) -> Bool {
        if let tag = compound.tag, tag != dom[element].name { return false }
        if let id = compound.id, id != dom[element].id { return false }
        if !compound.classes.isEmpty {
            for c in compound.classes where !dom[element].classes.contains(c) { return false }
        }
        if !compound.attributes.isEmpty {
            for attribute in compound.attributes where !matches(attribute, element, dom) { return false }
        }
        if !compound.pseudoClasses.isEmpty {
            for pseudo in compound.pseudoClasses where !matches(pseudo, element, dom) { return false }
        }
        return true
    }

    private static func matches(_ selector: AttributeSelector, _ element: Int32, _ dom: DOMTree) -> Bool {
        guard let attribute = dom[element].attributes.first(where: { $0.name == selector.name }) else { return false }
        if selector.op == .exists { return true }
        let actual = selector.caseInsensitive ? attribute.value.lowercased() : attribute.value
        let expected = selector.value
        switch selector.op {
        case .exists: return true
        case .equals: return actual == expected
        case .includes:
            guard !expected.isEmpty else { return false }
            return actual.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains { $0 == expected }
        case .dashMatch: return actual == expected || actual.hasPrefix(expected + "-")
        case .prefix: return !expected.isEmpty && actual.hasPrefix(expected)
        case .suffix: return !expected.isEmpty && actual.hasSuffix(expected)
        case .substring: return !expected.isEmpty && actual.contains(expected)
        }
    }

    private static func matches(_ pseudo: PseudoClass, _ element: Int32, _ dom: DOMTree) -> Bool {
        let parent = dom[element].parent
        let isRoot = parent < 0
        let index = dom[element].elementIndex
        switch pseudo {
        case .firstChild: return isRoot || index == 1
        case .lastChild: return isRoot || index == dom[parent].elementChildCount
        case .onlyChild: return isRoot || dom[parent].elementChildCount == 1
        case .nthChild(let a, let b):
            return nth(a, b, isRoot ? 1 : Int(index))
        case .nthLastChild(let a, let b):
            return nth(a, b, isRoot ? 1 : Int(dom[parent].elementChildCount - index + 1))
        case .firstOfType: return typeIndex(element, dom, forward: false) == 1
        case .lastOfType: return typeIndex(element, dom, forward: true) == 1
        case .onlyOfType: return typeIndex(element, dom, forward: false) == 1 && typeIndex(element, dom, forward: true) == 1
        case .nthOfType(let a, let b): return nth(a, b, typeIndex(element, dom, forward: false))
        case .nthLastOfType(let a, let b): return nth(a, b, typeIndex(element, dom, forward: true))
        case .root: return isRoot
        case .empty: return dom[element].firstChild < 0
        case .link: return dom[element].tag == .a && dom[element].attributes.contains { $0.name == "href" }
        case .never: return false
        case .not(let list):
            for compound in list where matches(compound, element: element, in: dom) { return false }
            return true
        }
    }

    /// 1-based position among siblings of the same type, counted from the start or the end.
    private static func typeIndex(_ element: Int32, _ dom: DOMTree, forward: Bool) -> Int {
        let name = dom[element].name
        var index = 1
        var sibling = forward ? dom[element].nextElement : dom[element].previousElement
        while sibling >= 0 {
            if dom[sibling].name == name { index += 1 }
            sibling = forward ? dom[sibling].nextElement : dom[sibling].previousElement
        }
        return index
    }

    /// Whether `index` = a·n + b for some n ≥ 0.
    static func nth(_ a: Int, _ b: Int, _ index: Int) -> Bool {
        if a == 0 { return index == b }
        let diff = index - b
        return diff % a == 0 && diff / a >= 0
    }
}
