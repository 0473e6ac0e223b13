/// Runs the cascade over a parsed document and builds the `StyledNode` tree.
///
/// Order of precedence, lowest first: default sheet, presentational attributes, author rules
/// (by specificity, then source order), `style=""`, author `!important`, `style=""
/// !important`, default-sheet `!important`.
final class StyleCascade {
    private struct Match {
        var key: UInt64
        var sheet: Int32
        var block: Int32
        var isAuthor: Bool { key >> 63 == 1 }
    }

    private let dom: DOMTree
    /// `sheets[0]` is the default style sheet, the rest are author sheets in document order.
    let sheets: [StyleSheet]
    var resolver = ComputedStyleResolver()
    private var matches: [Match] = []
    private var hints: [Declaration] = []
    private var inlineStyles: [String: [Declaration]] = [:]
    private(set) var warnings: WarningLog
    private var lines: LineCounter
    private(set) var rootFontSize = 12.0
    /// The root element's computed style (page contexts inherit from it).
    private(set) var rootStyle = ComputedStyle()

    init(dom: DOMTree, sheets: [StyleSheet], warnings: WarningLog, lines: LineCounter) {
        self.dom = dom
        self.sheets = sheets
        self.warnings = warnings
        self.lines = lines
        matches.reserveCapacity(32)
    }

    // MARK: Matching

    /// The last style computed among the children of one parent, with what it was computed
    /// from. A sibling with the same matched rules, no presentational hints and the same
    /// `style` attribute has the same computed style.
    struct SiblingCache {
        var keys: [UInt64] = []
        var inline: String?
        var style = ComputedStyle()
        var valid = false
    }

    /// The computed style of one element.
    func style(for element: Int32, parent: ComputedStyle, isRoot: Bool) -> ComputedStyle {
        var cache = SiblingCache()
        return style(for: element, parent: parent, isRoot: isRoot, cache: &cache)
    }

    func style(for element: Int32, parent: ComputedStyle, isRoot: Bool, cache: inout SiblingCache) -> ComputedStyle {
        matches.removeAll(keepingCapacity: true)
        let info = dom.info[Int(element)]
        for s in sheets.indices {
            let origin: UInt64 = s == 0 ? 0 : 1
            let ruleData = sheets[s].ruleData
            let compiled = sheets[s].compiled
            sheets[s].index.forEachCandidate(of: info, classAtoms: dom.classAtoms) { r in
                let rule = ruleData[Int(r)]
                if SelectorMatcher.matches(rule.selector, compiled, element: element, in: dom) {
                    let key = origin << 63 | UInt64(rule.specificity) << 32 | UInt64(min(s, 255)) << 24
                        | UInt64(min(rule.order, 0xFF_FFFF))
                    matches.append(Match(key: key, sheet: Int32(s), block: rule.block))
                }
            }
        }
        if matches.count > 1 { matches.sort { $0.key < $1.key } }

        hints.removeAll(keepingCapacity: true)
        if PresentationalHints.mayHaveHints(element, in: dom) {
            PresentationalHints.declarations(for: element, in: dom, into: &hints)
        }
        let inlineText = dom.attribute("style", of: element)
        let shareable = hints.isEmpty && !isRoot
        if shareable, cache.valid, cache.inline == inlineText, cache.keys.count == matches.count,
           zip(cache.keys, matches).allSatisfy({ $0 == $1.key }) {
            return cache.style
        }
        let inline = inlineText.map { inlineDeclarations($0, of: element) }

        // Normal declarations: default sheet, hints, author rules, style attribute.
        var hintsApplied = false
        for m in matches {
            if !hintsApplied, m.isAuthor {
                resolver.apply(hints, important: false)
                hintsApplied = true
            }
            resolver.apply(sheets[Int(m.sheet)].blocks[Int(m.block)], important: false)
        }
        if !hintsApplied { resolver.apply(hints, important: false) }
        if let inline { resolver.apply(inline, important: false) }
        // Important declarations: author, style attribute, then the default sheet.
        for m in matches where m.isAuthor {
            resolver.apply(sheets[Int(m.sheet)].blocks[Int(m.block)], important: true)
        }
        if let inline { resolver.apply(inline, important: true) }
        for m in matches where !m.isAuthor {
            resolver.apply(sheets[Int(m.sheet)].blocks[Int(m.block)], important: true)
        }
        let computed = resolver.resolve(parent: parent, rootFontSize: rootFontSize, isRoot: isRoot)
        cache.valid = shareable
        if shareable {
            cache.keys.removeAll(keepingCapacity: true)
            for m in matches { cache.keys.append(m.key) }
            cache.inline = inlineText
            cache.style = computed
        }
        return computed
    }

    /// The parsed `style` attribute, parsed once per distinct text per document; warnings are
    /// reported for the first occurrence.
    private func inlineDeclarations(_ text: String, of element: Int32) -> [Declaration] {
        if let cached = inlineStyles[text] { return cached }
        let (declarations, parseWarnings) = CSSParser.parseInlineStyle(text)
        if !parseWarnings.isEmpty {
            let line = lines.line(at: Int(dom[element].position))
            for w in parseWarnings {
                warnings.add(line: line + w.line - 1, "style attribute of <\(dom[element].name)>: \(w.message)")
            }
        }
        inlineStyles[text] = declarations
        return declarations
    }

    // MARK: Tree

    private struct Frame {
        let node: Int32
        let style: ComputedStyle
        var children: [StyledNode] = []
        var next: Int32
        let dropWhitespace: Bool
        let dropText: Bool
        var cache = SiblingCache()
    }

    /// Builds the styled tree without recursion (the depth is capped by the tree builder, but
    /// an explicit stack keeps this pass independent of that cap).
    func buildTree() -> StyledNode {
        let root: Int32 = 0
        rootFontSize = 12
        rootStyle = style(for: root, parent: ComputedStyle(), isRoot: true)
        rootFontSize = rootStyle.fontSize
        var stack: [Frame] = [Frame(node: root, style: rootStyle, next: dom[root].firstChild,
                                    dropWhitespace: dom[root].tag.dropsWhitespaceText, dropText: false)]
        while true {
            let top = stack.count - 1
            let childIndex = stack[top].next
            if childIndex < 0 {
                let frame = stack.removeLast()
                let element = StyledNode(kind: .element(tag: dom[frame.node].name,
                                                        attributes: attributeDictionary(dom[frame.node].attributes)),
                                         style: frame.style, children: frame.children)
                if stack.isEmpty { return element }
                stack[stack.count - 1].children.append(element)
                continue
            }
            stack[top].next = dom[childIndex].next
            if dom[childIndex].isText {
                if stack[top].dropText || (dom[childIndex].textIsWhitespace && stack[top].dropWhitespace) { continue }
                stack[top].children.append(StyledNode(kind: .text(dom[childIndex].text), style: stack[top].style, children: []))
            } else {
                let style = self.style(for: childIndex, parent: stack[top].style, isRoot: false, cache: &stack[top].cache)
                let tag = dom[childIndex].tag
                let dropText = stack[top].dropText || tag == .head || tag == .style || tag == .script || tag == .template
                stack.append(Frame(node: childIndex, style: style, next: dom[childIndex].firstChild,
                                   dropWhitespace: tag.dropsWhitespaceText, dropText: dropText))
            }
        }
    }

    private func attributeDictionary(_ attributes: [HTMLAttribute]) -> [String: String] {
        if attributes.isEmpty { return [:] }
        var result: [String: String] = [:]
        result.reserveCapacity(attributes.count)
        for a in attributes where result[a.name] == nil { result[a.name] = a.value }
        return result
    }
}
