/// A parsed style sheet: style rules indexed for matching, `@page` and `@font-face` rules,
/// and the warnings found while parsing (line numbers relative to the sheet).
struct StyleSheet: Sendable {
    struct Rule: Sendable {
        var selector: ComplexSelector
        var specificity: UInt32
        /// Source order within the sheet.
        var order: UInt32
        /// Index into `blocks`.
        var block: Int32
    }

    /// One `@page` rule.
    struct PageRule: Sendable {
        var isFirst: Bool
        var declarations: [Declaration]
        var marginBoxes: [(position: MarginBoxPosition, declarations: [Declaration])]
    }

    struct Warning: Sendable, Equatable {
        var line: Int
        var message: String
    }

    var rules: [Rule] = []
    var blocks: [[Declaration]] = []
    var pageRules: [PageRule] = []
    var fontFaces: [FontFace] = []
    var warnings: [Warning] = []
    var index = RuleIndex()
    /// Per rule, in `rules` order: the compiled selector and what the cascade needs.
    var ruleData: [RuleData] = []
    var compiled = CompiledSelectors()

    /// Reference-free per-rule data for the matching loop.
    struct RuleData: Sendable {
        var selector: CompiledSelector
        var specificity: UInt32
        var order: UInt32
        var block: Int32
    }

    mutating func buildIndex() {
        index = RuleIndex(rules: rules)
        compiled = CompiledSelectors()
        ruleData = rules.map { rule in
            RuleData(selector: compiled.compile(rule.selector), specificity: rule.specificity, order: rule.order, block: rule.block)
        }
    }
}

/// Rules bucketed by the most selective part of their subject compound, so an element is only
/// tested against rules that can match it.
struct RuleIndex: Sendable {
    var byID: [UInt64: [Int32]] = [:]
    var byClass: [UInt64: [Int32]] = [:]
    var byTag: [UInt64: [Int32]] = [:]
    var universal: [Int32] = []

    init() {}

    init(rules: [StyleSheet.Rule]) {
        for (k, rule) in rules.enumerated() {
            let subject = rule.selector.compounds[0]
            let index = Int32(k)
            if let id = subject.id {
                byID[Atom.of(id), default: []].append(index)
            } else if let firstClass = subject.classes.first {
                byClass[Atom.of(firstClass), default: []].append(index)
            } else if let tag = subject.tag {
                byTag[Atom.of(tag), default: []].append(index)
            } else {
                universal.append(index)
            }
        }
    }

    /// Calls `body` with every rule that may match the element.
    @inline(__always)
    func forEachCandidate(of element: ElementInfo, classAtoms: [UInt64], _ body: (Int32) -> Void) {
        if element.id != 0, !byID.isEmpty, let list = byID[element.id] { list.forEach(body) }
        if element.classCount > 0, !byClass.isEmpty {
            for k in Int(element.classStart)..<Int(element.classStart + element.classCount) {
                if let list = byClass[classAtoms[k]] { list.forEach(body) }
            }
        }
        if let list = byTag[element.name] { list.forEach(body) }
        universal.forEach(body)
    }
}
