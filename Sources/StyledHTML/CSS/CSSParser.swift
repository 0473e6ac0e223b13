/// Parses style sheets and `style=""` declaration lists (CSS Syntax Level 3 error recovery:
/// a bad declaration or rule is skipped, the rest is kept).
struct CSSParser {
    private let source: [UInt8]
    private let tokens: [CSSToken]
    private var i = 0
    /// Parsing stops at this token index (the end of the enclosing block).
    private var limit: Int
    private var sheet = StyleSheet()
    private var order: UInt32 = 0

    /// Nested `@media` deeper than this is skipped.
    static let maximumNesting = 16

    init(_ text: String) {
        source = Array(text.utf8)
        var tokenizer = CSSTokenizer(bytes: source)
        tokens = tokenizer.all()
        limit = tokens.count
    }

    /// Parses a whole style sheet (the content of a `<style>` element).
    static func parseStyleSheet(_ text: String) -> StyleSheet {
        var parser = CSSParser(text)
        parser.consumeRuleList(depth: 0)
        parser.sheet.buildIndex()
        return parser.sheet
    }

    /// Parses the declarations of a `style` attribute.
    static func parseInlineStyle(_ text: String) -> (declarations: [Declaration], warnings: [StyleSheet.Warning]) {
        var parser = CSSParser(text)
        let (raw, atRules) = parser.consumeDeclarationList()
        for rule in atRules {
            parser.warn(rule.line, "@\(rule.name) inside a style attribute ignored")
        }
        let declarations = parser.typed(raw, context: .style)
        return (declarations, parser.sheet.warnings)
    }

    // MARK: Warnings

    private mutating func warn(_ line: Int32, _ message: String) {
        sheet.warnings.append(StyleSheet.Warning(line: Int(line), message: message))
    }

    private func text(_ range: Range<Int>) -> String {
        SelectorParser.text(of: tokens[range], source: source)
    }

    private func line(at index: Int) -> Int32 {
        index < tokens.count ? tokens[index].line : (tokens.last?.line ?? 1)
    }

    // MARK: Blocks

    /// The index of the `}` closing the block opened at `open` (or `limit`).
    private func close(of open: Int) -> Int {
        min(CSSComponent.matchingClose(tokens[..<limit], from: open), limit)
    }

    /// Runs `body` with parsing confined to the tokens between `open` and its closing brace,
    /// then continues after the brace.
    private mutating func inBlock(opening open: Int, _ body: (inout CSSParser) -> Void) {
        let end = close(of: open)
        let savedLimit = limit
        i = open + 1
        limit = end
        body(&self)
        limit = savedLimit
        i = min(end + 1, limit)
    }

    /// Skips the function or block starting at `i`.
    private mutating func skipComponent() {
        switch tokens[i].kind {
        case .function, .leftParen, .leftSquare, .leftCurly:
            i = min(close(of: i) + 1, limit)
        default:
            i += 1
        }
    }

    // MARK: Rules

    private mutating func consumeRuleList(depth: Int) {
        while i < limit {
            switch tokens[i].kind {
            case .whitespace, .cdo, .cdc, .semicolon:
                i += 1
            case .rightCurly:
                warn(tokens[i].line, "unexpected '}' ignored")
                i += 1
            case .atKeyword:
                consumeAtRule(depth: depth)
            default:
                consumeQualifiedRule()
            }
        }
    }

    private mutating func consumeQualifiedRule() {
        let start = i
        while i < limit, tokens[i].kind != .leftCurly {
            skipComponent()
        }
        guard i < limit else {
            warn(line(at: start), "rule without a block ignored: '\(text(start..<limit))'")
            return
        }
        let prelude = start..<i
        let open = i
        var raw: [RawDeclaration] = []
        inBlock(opening: open) { parser in
            let (declarations, atRules) = parser.consumeDeclarationList()
            raw = declarations
            for rule in atRules {
                parser.warn(rule.line, "@\(rule.name) nested in a style rule ignored")
            }
        }
        let (selectors, errors) = SelectorParser.parseList(tokens[prelude], source: source)
        let selectorLine = line(at: start)
        for error in errors { warn(selectorLine, error) }
        guard !selectors.isEmpty else { return }
        let declarations = typed(raw, context: .style)
        guard !declarations.isEmpty else { return }
        let block = Int32(sheet.blocks.count)
        sheet.blocks.append(declarations)
        for selector in selectors {
            sheet.rules.append(StyleSheet.Rule(selector: selector, specificity: selector.specificity,
                                               order: order, block: block))
            order &+= 1
        }
    }

    /// An at-rule's name, prelude and block.
    private struct RawAtRule {
        var name: String
        var prelude: Range<Int>
        /// Index of the `{`, or nil for a statement.
        var open: Int?
        var line: Int32
    }

    /// Reads an at-rule header at `i`; leaves `i` on its `{` (block) or after its `;`.
    private mutating func readAtRule() -> RawAtRule {
        let name = tokens[i].text.lowercasedASCII
        let line = tokens[i].line
        i += 1
        let start = i
        while i < limit {
            switch tokens[i].kind {
            case .semicolon:
                let rule = RawAtRule(name: name, prelude: start..<i, open: nil, line: line)
                i += 1
                return rule
            case .leftCurly:
                return RawAtRule(name: name, prelude: start..<i, open: i, line: line)
            default:
                skipComponent()
            }
        }
        return RawAtRule(name: name, prelude: start..<i, open: nil, line: line)
    }

    private mutating func skipBlock(_ rule: RawAtRule) {
        if let open = rule.open { i = min(close(of: open) + 1, limit) }
    }

    private mutating func consumeAtRule(depth: Int) {
        let rule = readAtRule()
        switch rule.name {
        case "charset":
            skipBlock(rule)
        case "import":
            warn(rule.line, "@import ignored: external style sheets are not loaded")
            skipBlock(rule)
        case "media":
            guard let open = rule.open else { return }
            if depth < CSSParser.maximumNesting, mediaApplies(rule.prelude) {
                inBlock(opening: open) { $0.consumeRuleList(depth: depth + 1) }
            } else {
                if depth >= CSSParser.maximumNesting { warn(rule.line, "@media nested too deeply ignored") }
                skipBlock(rule)
            }
        case "page":
            guard let open = rule.open else { return }
            consumePageRule(rule, open: open)
        case "font-face":
            guard let open = rule.open else { return }
            var raw: [RawDeclaration] = []
            inBlock(opening: open) { raw = $0.consumeDeclarationList().declarations }
            consumeFontFace(raw, line: rule.line)
        default:
            warn(rule.line, "@\(rule.name) rule ignored")
            skipBlock(rule)
        }
    }

    /// `print` and `all` apply, other media types do not; media features are assumed to hold.
    private func mediaApplies(_ prelude: Range<Int>) -> Bool {
        var queries: [[CSSToken]] = [[]]
        for token in tokens[prelude] {
            if token.kind == .comma {
                queries.append([])
            } else if token.kind != .whitespace {
                queries[queries.count - 1].append(token)
            }
        }
        if queries.count == 1, queries[0].isEmpty { return true }
        for query in queries where !query.isEmpty {
            var k = 0
            var negated = false
            if query[k].isIdent("not") {
                negated = true
                k += 1
            } else if query[k].isIdent("only") {
                k += 1
            }
            var typeMatches = true
            if k < query.count, query[k].kind == .ident {
                let type = query[k].text.lowercasedASCII
                typeMatches = type == "print" || type == "all"
            }
            if typeMatches != negated { return true }
        }
        return false
    }

    // MARK: @page

    private mutating func consumePageRule(_ rule: RawAtRule, open: Int) {
        let selector = tokens[rule.prelude].filter { $0.kind != .whitespace }
        var isFirst = false
        var supported = true
        if selector.isEmpty {
        } else if selector.count == 2, selector[0].kind == .colon, selector[1].isIdent("first") {
            isFirst = true
        } else {
            supported = false
            warn(rule.line, "@page \(text(rule.prelude)) ignored: only @page and @page :first are supported")
        }
        guard supported else {
            skipBlock(rule)
            return
        }
        var raw: [RawDeclaration] = []
        var nested: [RawAtRule] = []
        inBlock(opening: open) { parser in
            (raw, nested) = parser.consumeDeclarationList()
        }
        let after = i
        var pageRule = StyleSheet.PageRule(isFirst: isFirst, declarations: typed(raw, context: .page), marginBoxes: [])
        for box in nested {
            guard let position = MarginBoxPosition(rawValue: box.name) else {
                warn(box.line, "@\(box.name) margin box not supported")
                continue
            }
            guard let boxOpen = box.open else { continue }
            let savedLimit = limit
            limit = close(of: boxOpen)
            i = boxOpen + 1
            let boxRaw = consumeDeclarationList().declarations
            limit = savedLimit
            pageRule.marginBoxes.append((position, typed(boxRaw, context: .marginBox)))
        }
        i = after
        sheet.pageRules.append(pageRule)
    }

    // MARK: @font-face

    private mutating func consumeFontFace(_ raw: [RawDeclaration], line: Int32) {
        var family: String?
        var source: String?
        var weight = 400
        var style = ComputedStyle.FontStyle.normal
        for declaration in raw {
            let c = CSSComponent.parse(tokens[declaration.value])
            switch declaration.name {
            case "font-family":
                family = PropertyParser.fontFamilies(c[...])?.first
                if family == nil { warn(declaration.line, "@font-face: invalid font-family") }
            case "src":
                for part in c {
                    if part.kind == .url {
                        source = part.token.text
                    } else if part.kind == .function, part.token.text.lowercasedASCII == "url",
                              let argument = part.arguments.first, argument.kind == .string {
                        source = argument.token.text
                    }
                    if source != nil { break }
                }
                if source == nil { warn(declaration.line, "@font-face: src without url() ignored") }
            case "font-weight":
                if let first = c.first, case .absolute(let w)? = PropertyParser.fontWeight(first) {
                    weight = ComputedStyleResolver.roundWeight(w)
                } else {
                    warn(declaration.line, "@font-face: invalid font-weight '\(text(declaration.value))'")
                }
            case "font-style":
                switch c.first?.keyword {
                case "normal": style = .normal
                case "italic", "oblique": style = .italic
                default: warn(declaration.line, "@font-face: invalid font-style '\(text(declaration.value))'")
                }
            case "font-display", "unicode-range", "font-stretch", "font-variant", "font-feature-settings":
                break
            default:
                warn(declaration.line, "@font-face: unknown descriptor '\(declaration.name)' ignored")
            }
        }
        guard let family, let source else {
            warn(line, "@font-face without font-family or src ignored")
            return
        }
        sheet.fontFaces.append(FontFace(family: family, weight: weight, style: style, source: source))
    }

    // MARK: Declarations

    private struct RawDeclaration {
        var name: String
        var value: Range<Int>
        var important: Bool
        var line: Int32
    }

    /// Reads declarations (and nested at-rules) until `limit`.
    private mutating func consumeDeclarationList() -> (declarations: [RawDeclaration], atRules: [RawAtRule]) {
        var declarations: [RawDeclaration] = []
        var atRules: [RawAtRule] = []
        while i < limit {
            let t = tokens[i]
            switch t.kind {
            case .whitespace, .semicolon:
                i += 1
            case .atKeyword:
                let rule = readAtRule()
                atRules.append(rule)
                skipBlock(rule)
            case .ident:
                let name = t.text.lowercasedASCII
                i += 1
                while i < limit, tokens[i].kind == .whitespace { i += 1 }
                guard i < limit, tokens[i].kind == .colon else {
                    warn(t.line, "expected ':' after '\(t.text)'; declaration ignored")
                    skipToDeclarationEnd()
                    continue
                }
                i += 1
                let valueStart = i
                while i < limit, tokens[i].kind != .semicolon {
                    if tokens[i].kind == .leftCurly {
                        break
                    }
                    skipComponent()
                }
                var end = i
                if i < limit, tokens[i].kind == .leftCurly {
                    warn(t.line, "unexpected block in the value of '\(name)'; declaration ignored")
                    skipComponent()
                    continue
                }
                var start = valueStart
                while start < end, tokens[start].kind == .whitespace { start += 1 }
                while end > start, tokens[end - 1].kind == .whitespace { end -= 1 }
                var important = false
                if end > start, tokens[end - 1].isIdent("important") {
                    var k = end - 2
                    while k >= start, tokens[k].kind == .whitespace { k -= 1 }
                    if k >= start, tokens[k].isDelim("!") {
                        important = true
                        end = k
                        while end > start, tokens[end - 1].kind == .whitespace { end -= 1 }
                    }
                }
                declarations.append(RawDeclaration(name: name, value: start..<end, important: important, line: t.line))
            default:
                warn(t.line, "unexpected '\(text(i..<(i + 1)))' in a declaration list; skipped")
                skipToDeclarationEnd()
            }
        }
        return (declarations, atRules)
    }

    /// Error recovery: skip to after the next `;` (or past a `{…}` block).
    private mutating func skipToDeclarationEnd() {
        while i < limit {
            let kind = tokens[i].kind
            if kind == .semicolon {
                i += 1
                return
            }
            if kind == .leftCurly {
                skipComponent()
                return
            }
            skipComponent()
        }
    }

    /// Converts raw declarations to typed longhands, warning about what is dropped.
    private mutating func typed(_ raw: [RawDeclaration], context: PropertyParser.Context) -> [Declaration] {
        var out: [Declaration] = []
        out.reserveCapacity(raw.count)
        for declaration in raw {
            let components = CSSComponent.parse(tokens[declaration.value])
            let outcome = PropertyParser.parse(name: declaration.name, components: components,
                                               important: declaration.important, context: context, into: &out)
            switch outcome {
            case .ok:
                break
            case .partial(let note):
                warn(declaration.line, "'\(declaration.name)': \(note)")
            case .invalid:
                warn(declaration.line, "invalid value for '\(declaration.name)': '\(text(declaration.value))'; ignored")
            case .unsupportedValue(let note):
                warn(declaration.line, "'\(declaration.name): \(text(declaration.value))' ignored: \(note)")
            case .unknownProperty:
                warn(declaration.line, "unknown property '\(declaration.name)' ignored")
            case .unsupportedProperty:
                warn(declaration.line, "unsupported property '\(declaration.name)' ignored")
            case .misplaced(let note):
                warn(declaration.line, "\(note); ignored")
            }
        }
        return out
    }
}
