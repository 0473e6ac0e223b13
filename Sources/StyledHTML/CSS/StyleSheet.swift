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
