/// A token of CSS Syntax Level 3.
struct CSSToken: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case ident, function, atKeyword, hash, string, badString, url, badURL, delim, number
        case percentage, dimension, whitespace, cdo, cdc, colon, semicolon, comma
        case leftSquare, rightSquare, leftParen, rightParen, leftCurly, rightCurly
    }

    var kind: Kind
    /// Name for ident/function/at-keyword/hash, value for string/url, unit for dimension,
    /// the character for delim.
    var text: String = ""
    var number: Double = 0
    var isInteger = false
    /// For hash tokens: the value is a valid identifier (usable as an `#id` selector).
    var isIDHash = false
    /// 1-based line in the style sheet.
    var line: Int32 = 1
    /// Byte range in the source.
    var start: Int32 = 0
    var end: Int32 = 0

    func isDelim(_ c: Character) -> Bool { kind == .delim && text.count == 1 && text.first == c }

    func isIdent(_ name: String) -> Bool {
        kind == .ident && text.lowercasedASCII == name
    }
}
