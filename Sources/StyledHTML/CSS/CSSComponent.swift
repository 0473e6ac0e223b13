/// A component value: a token, or a function / simple block with its own components.
/// Whitespace is dropped (the property grammars here do not need it).
struct CSSComponent: Sendable {
    var token: CSSToken
    /// Arguments of a function, or the content of a `(`/`[`/`{` block.
    var arguments: [CSSComponent] = []

    var kind: CSSToken.Kind { token.kind }

    /// The lower-cased identifier, or nil when this is not an identifier.
    var keyword: String? { token.kind == .ident ? token.text.lowercasedASCII : nil }

    func isDelim(_ c: Character) -> Bool { token.isDelim(c) }

    /// Functions and blocks nested deeper than this keep no arguments (bounds the recursion).
    static let maximumNesting = 32

    /// Splits a token range into component values.
    static func parse(_ tokens: ArraySlice<CSSToken>, depth: Int = 0) -> [CSSComponent] {
        var result: [CSSComponent] = []
        var i = tokens.startIndex
        let end = tokens.endIndex
        while i < end {
            let token = tokens[i]
            switch token.kind {
            case .whitespace:
                i += 1
            case .function, .leftParen, .leftSquare, .leftCurly:
                let close = matchingClose(tokens, from: i)
                let inner = tokens[(i + 1)..<min(close, end)]
                let arguments = depth < maximumNesting ? parse(inner, depth: depth + 1) : []
                result.append(CSSComponent(token: token, arguments: arguments))
                i = close + 1
            default:
                result.append(CSSComponent(token: token))
                i += 1
            }
        }
        return result
    }

    /// The index of the token closing the block or function opened at `start` (or the end).
    static func matchingClose(_ tokens: ArraySlice<CSSToken>, from start: Int) -> Int {
        var stack: [CSSToken.Kind] = []
        var i = start
        while i < tokens.endIndex {
            switch tokens[i].kind {
            case .function, .leftParen: stack.append(.rightParen)
            case .leftSquare: stack.append(.rightSquare)
            case .leftCurly: stack.append(.rightCurly)
            case .rightParen, .rightSquare, .rightCurly:
                if stack.last == tokens[i].kind {
                    stack.removeLast()
                    if stack.isEmpty { return i }
                }
            default:
                break
            }
            i += 1
        }
        return tokens.endIndex
    }
}
