/// Parses a selector list from a rule's prelude tokens.
struct SelectorParser {
    private let tokens: ArraySlice<CSSToken>
    private let source: [UInt8]
    private var i: Int
    private var error: String?
    /// `:not()` nesting level (bounds the recursion on hostile input).
    private let depth: Int
    static let maximumNesting = 4

    private init(tokens: ArraySlice<CSSToken>, source: [UInt8], depth: Int) {
        self.tokens = tokens
        self.source = source
        self.depth = depth
        i = tokens.startIndex
    }

    /// Parses each comma-separated selector on its own: an invalid or unsupported one is
    /// reported in `errors` (with its text) and dropped, the others are kept.
    static func parseList(_ tokens: ArraySlice<CSSToken>, source: [UInt8], depth: Int = 0) -> (selectors: [ComplexSelector], errors: [String]) {
        var selectors: [ComplexSelector] = []
        var errors: [String] = []
        var start = tokens.startIndex
        var nesting = 0
        var k = tokens.startIndex
        while k <= tokens.endIndex {
            let atEnd = k == tokens.endIndex
            if !atEnd {
                switch tokens[k].kind {
                case .function, .leftParen, .leftSquare: nesting += 1
                case .rightParen, .rightSquare: nesting -= 1
                default: break
                }
            }
            if atEnd || (tokens[k].kind == .comma && nesting == 0) {
                let part = tokens[start..<k]
                var parser = SelectorParser(tokens: part, source: source, depth: depth)
                if let selector = parser.parseComplex() {
                    selectors.append(selector)
                } else {
                    let text = SelectorParser.text(of: part, source: source)
                    errors.append("selector '\(text)' ignored: \(parser.error ?? "invalid selector")")
                }
                start = k + 1
            }
            k += 1
        }
        return (selectors, errors)
    }

    static func text(of tokens: ArraySlice<CSSToken>, source: [UInt8]) -> String {
        guard let first = tokens.first, let last = tokens.last else { return "" }
        let from = Int(first.start), to = Int(last.end)
        guard from >= 0, to <= source.count, from < to else { return "" }
        let limit = 120
        var text = String(decoding: source[from..<min(to, from + limit * 4)], as: UTF8.self)
        text = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        if text.count > limit { text = String(text.prefix(limit)) + "…" }
        return text
    }

    // MARK: Grammar

    private mutating func skipWhitespace() -> Bool {
        var skipped = false
        while i < tokens.endIndex, tokens[i].kind == .whitespace {
            i += 1
            skipped = true
        }
        return skipped
    }

    private mutating func fail(_ message: String) -> ComplexSelector? {
        if error == nil { error = message }
        return nil
    }

    private mutating func parseComplex() -> ComplexSelector? {
        var compounds: [CompoundSelector] = []
        var combinators: [ComplexSelector.Combinator] = []
        _ = skipWhitespace()
        while i < tokens.endIndex {
            if !compounds.isEmpty {
                let hadSpace = skipWhitespace()
                guard i < tokens.endIndex else { break }
                let t = tokens[i]
                if t.isDelim(">") || t.isDelim("+") || t.isDelim("~") {
                    combinators.append(t.isDelim(">") ? .child : t.isDelim("+") ? .adjacent : .sibling)
                    i += 1
                    _ = skipWhitespace()
                } else if hadSpace {
                    combinators.append(.descendant)
                } else {
                    return fail("unexpected '\(SelectorParser.text(of: tokens[i...i], source: source))'")
                }
            }
            guard let compound = parseCompound() else {
                return fail(error ?? "missing selector")
            }
            compounds.append(compound)
        }
        guard !compounds.isEmpty, combinators.count == compounds.count - 1 else {
            return fail(error ?? "empty selector")
        }
        guard compounds.count <= CompiledSelector.maximumCompounds else {
            return fail("more than \(CompiledSelector.maximumCompounds) compound selectors")
        }
        return ComplexSelector(compounds: compounds.reversed(), combinators: combinators.reversed())
    }

    private mutating func parseCompound() -> CompoundSelector? {
        var compound = CompoundSelector()
        var consumed = false
        if i < tokens.endIndex {
            let t = tokens[i]
            if t.kind == .ident {
                compound.tag = t.text.lowercasedASCII
                i += 1
                consumed = true
            } else if t.isDelim("*") {
                i += 1
                consumed = true
            }
            if i < tokens.endIndex, tokens[i].isDelim("|") {
                error = "namespaces are not supported"
                return nil
            }
        }
        loop: while i < tokens.endIndex {
            let t = tokens[i]
            switch t.kind {
            case .hash:
                guard t.isIDHash else {
                    error = "invalid id selector"
                    return nil
                }
                if let existing = compound.id, existing != t.text {
                    compound.pseudoClasses.append(.never)
                }
                compound.id = t.text
                i += 1
            case .delim where t.text == ".":
                guard i + 1 < tokens.endIndex, tokens[i + 1].kind == .ident else {
                    error = "invalid class selector"
                    return nil
                }
                compound.classes.append(tokens[i + 1].text)
                i += 2
            case .leftSquare:
                guard let attribute = parseAttribute() else { return nil }
                compound.attributes.append(attribute)
            case .colon:
                guard let pseudo = parsePseudo() else { return nil }
                compound.pseudoClasses.append(pseudo)
            default:
                break loop
            }
            consumed = true
        }
        if !consumed {
            if error == nil {
                error = i < tokens.endIndex ? "unexpected '\(SelectorParser.text(of: tokens[i...i], source: source))'" : "missing selector"
            }
            return nil
        }
        return compound
    }

    private mutating func parseAttribute() -> AttributeSelector? {
        i += 1 // [
        _ = skipWhitespace()
        guard i < tokens.endIndex, tokens[i].kind == .ident else {
            error = "invalid attribute selector"
            return nil
        }
        var selector = AttributeSelector(name: tokens[i].text.lowercasedASCII, op: .exists, value: "", caseInsensitive: false)
        i += 1
        _ = skipWhitespace()
        guard i < tokens.endIndex else {
            error = "unclosed attribute selector"
            return nil
        }
        if tokens[i].kind == .rightSquare {
            i += 1
            return selector
        }
        let t = tokens[i]
        if t.isDelim("=") {
            selector.op = .equals
            i += 1
        } else if t.kind == .delim, ["~", "|", "^", "$", "*"].contains(t.text),
                  i + 1 < tokens.endIndex, tokens[i + 1].isDelim("=") {
            switch t.text {
            case "~": selector.op = .includes
            case "|": selector.op = .dashMatch
            case "^": selector.op = .prefix
            case "$": selector.op = .suffix
            default: selector.op = .substring
            }
            i += 2
        } else {
            error = "invalid attribute selector"
            return nil
        }
        _ = skipWhitespace()
        guard i < tokens.endIndex, tokens[i].kind == .ident || tokens[i].kind == .string else {
            error = "invalid attribute selector value"
            return nil
        }
        selector.value = tokens[i].text
        i += 1
        _ = skipWhitespace()
        if i < tokens.endIndex, tokens[i].kind == .ident {
            switch tokens[i].text.lowercasedASCII {
            case "i": selector.caseInsensitive = true
            case "s": break
            default:
                error = "invalid attribute selector flag"
                return nil
            }
            i += 1
            _ = skipWhitespace()
        }
        guard i < tokens.endIndex, tokens[i].kind == .rightSquare else {
            error = "unclosed attribute selector"
            return nil
        }
        i += 1
        if selector.caseInsensitive { selector.value = selector.value.lowercased() }
        return selector
    }

    private mutating func parsePseudo() -> PseudoClass? {
        i += 1 // :
        guard i < tokens.endIndex else {
            error = "missing pseudo-class"
            return nil
        }
        let t = tokens[i]
        if t.kind == .colon {
            let name = i + 1 < tokens.endIndex ? tokens[i + 1].text : ""
            error = "pseudo-element '::\(name)' is not supported"
            return nil
        }
        if t.kind == .ident {
            i += 1
            switch t.text.lowercasedASCII {
            case "first-child": return .firstChild
            case "last-child": return .lastChild
            case "only-child": return .onlyChild
            case "first-of-type": return .firstOfType
            case "last-of-type": return .lastOfType
            case "only-of-type": return .onlyOfType
            case "root": return .root
            case "empty": return .empty
            case "link", "any-link": return .link
            case "visited", "hover", "active", "focus", "focus-within", "focus-visible", "target",
                 "checked", "disabled", "enabled", "indeterminate", "default", "required", "optional",
                 "invalid", "valid", "placeholder-shown", "read-only", "read-write", "fullscreen":
                return .never
            case "before", "after", "first-line", "first-letter", "marker", "selection", "placeholder":
                error = "pseudo-element ':\(t.text)' is not supported"
                return nil
            default:
                error = "unsupported pseudo-class ':\(t.text)'"
                return nil
            }
        }
        if t.kind == .function {
            let close = CSSComponent.matchingClose(tokens, from: i)
            let arguments = tokens[(i + 1)..<min(close, tokens.endIndex)]
            i = min(close + 1, tokens.endIndex)
            let name = t.text.lowercasedASCII
            switch name {
            case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
                guard let (a, b) = parseAnPlusB(arguments) else {
                    error = "invalid :\(name)() argument"
                    return nil
                }
                switch name {
                case "nth-child": return .nthChild(a: a, b: b)
                case "nth-last-child": return .nthLastChild(a: a, b: b)
                case "nth-of-type": return .nthOfType(a: a, b: b)
                default: return .nthLastOfType(a: a, b: b)
                }
            case "not":
                guard depth < SelectorParser.maximumNesting else {
                    error = ":not() nested too deeply"
                    return nil
                }
                var list: [CompoundSelector] = []
                let (selectors, errors) = SelectorParser.parseList(arguments, source: source, depth: depth + 1)
                guard errors.isEmpty, !selectors.isEmpty else {
                    error = "unsupported :not() argument"
                    return nil
                }
                for selector in selectors {
                    guard selector.compounds.count == 1 else {
                        error = "complex selectors inside :not() are not supported"
                        return nil
                    }
                    list.append(selector.compounds[0])
                }
                return .not(list)
            default:
                error = "unsupported pseudo-class ':\(t.text)()'"
                return nil
            }
        }
        error = "invalid pseudo-class"
        return nil
    }

    /// `odd`, `even`, `An+B` from the argument's source text.
    private func parseAnPlusB(_ arguments: ArraySlice<CSSToken>) -> (Int, Int)? {
        var bytes: [UInt8] = []
        for token in arguments where token.kind != .whitespace {
            let from = Int(token.start), to = Int(token.end)
            guard from >= 0, to <= source.count, from <= to else { return nil }
            for c in source[from..<to] {
                bytes.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "odd" { return (2, 1) }
        if text == "even" { return (2, 0) }
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count < 9 else { return nil }
            return Int(s)
        }
        if let nIndex = text.firstIndex(of: "n") {
            let aPart = text[text.startIndex..<nIndex]
            let a: Int
            switch aPart {
            case "", "+": a = 1
            case "-": a = -1
            default:
                guard let v = number(aPart) else { return nil }
                a = v
            }
            var bPart = text[text.index(after: nIndex)...]
            if bPart.isEmpty { return (a, 0) }
            if bPart.first == "+" { bPart = bPart.dropFirst() }
            else if bPart.first != "-" { return nil }
            guard let b = number(bPart), bPart.first != "+" else { return nil }
            return (a, b)
        }
        var bPart = Substring(text)
        if bPart.first == "+" { bPart = bPart.dropFirst() }
        guard let b = number(bPart) else { return nil }
        return (0, b)
    }
}
