/// Tokenizes CSS per CSS Syntax Level 3 (comments dropped, escapes resolved).
struct CSSTokenizer {
    private let bytes: [UInt8]
    private var i = 0
    private var line: Int32 = 1
    private var buffer: [UInt8] = []

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// All tokens of the input.
    static func tokenize(_ source: String) -> [CSSToken] {
        var tokenizer = CSSTokenizer(source)
        return tokenizer.all()
    }

    mutating func all() -> [CSSToken] {
        var tokens: [CSSToken] = []
        tokens.reserveCapacity(bytes.count / 3)
        while let token = next() { tokens.append(token) }
        return tokens
    }

    // MARK: Character classes

    @inline(__always) private func byte(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : 0xFF }
    @inline(__always) private func isEOF(_ k: Int) -> Bool { k >= bytes.count }
    @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
    @inline(__always) private static func isNewline(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D || c == 0x0C }
    @inline(__always) private static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || isNewline(c) }
    @inline(__always) private static func isNameStart(_ c: UInt8) -> Bool {
        ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == 0x5F || (c >= 0x80 && c != 0xFF)
    }
    @inline(__always) private static func isName(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) || c == 0x2D }

    /// `\` followed by something other than a newline (and not at EOF).
    private func isValidEscape(_ k: Int) -> Bool {
        byte(k) == 0x5C && !isEOF(k + 1) && !CSSTokenizer.isNewline(byte(k + 1))
    }

    private func startsIdentifier(_ k: Int) -> Bool {
        let c = byte(k)
        if c == 0x2D {
            let d = byte(k + 1)
            return (!isEOF(k + 1) && CSSTokenizer.isNameStart(d)) || d == 0x2D || isValidEscape(k + 1)
        }
        if CSSTokenizer.isNameStart(c) && !isEOF(k) { return true }
        return isValidEscape(k)
    }

    private func startsNumber(_ k: Int) -> Bool {
        let c = byte(k)
        if c == 0x2B || c == 0x2D {
            if CSSTokenizer.isDigit(byte(k + 1)) { return true }
            return byte(k + 1) == 0x2E && CSSTokenizer.isDigit(byte(k + 2))
        }
        if c == 0x2E { return CSSTokenizer.isDigit(byte(k + 1)) }
        return CSSTokenizer.isDigit(c)
    }

    // MARK: Tokens

    private mutating func make(_ kind: CSSToken.Kind, _ start: Int, text: String = "") -> CSSToken {
        CSSToken(kind: kind, text: text, line: line, start: Int32(clamping: start), end: Int32(clamping: i))
    }

    private mutating func countNewlines(_ from: Int, _ to: Int) {
        var k = from
        while k < to {
            if bytes[k] == 0x0A || bytes[k] == 0x0C || (bytes[k] == 0x0D && byte(k + 1) != 0x0A) { line += 1 }
            k += 1
        }
    }

    mutating func next() -> CSSToken? {
        // Comments.
        while byte(i) == 0x2F && byte(i + 1) == 0x2A {
            let from = i
            i += 2
            while !isEOF(i) && !(bytes[i] == 0x2A && byte(i + 1) == 0x2F) { i += 1 }
            i = min(i + 2, bytes.count)
            countNewlines(from, i)
        }
        guard !isEOF(i) else { return nil }
        let start = i
        let startLine = line
        let c = bytes[i]
        var token: CSSToken
        switch c {
        case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
            while !isEOF(i), CSSTokenizer.isWhitespace(bytes[i]) { i += 1 }
            countNewlines(start, i)
            token = make(.whitespace, start)
        case 0x22, 0x27:
            token = consumeString(quote: c)
        case 0x23:
            if CSSTokenizer.isName(byte(i + 1)) && !isEOF(i + 1) || isValidEscape(i + 1) {
                i += 1
                let isID = startsIdentifier(i)
                let name = consumeName()
                token = make(.hash, start, text: name)
                token.isIDHash = isID
            } else {
                i += 1
                token = make(.delim, start, text: "#")
            }
        case 0x28: i += 1; token = make(.leftParen, start)
        case 0x29: i += 1; token = make(.rightParen, start)
        case 0x2C: i += 1; token = make(.comma, start)
        case 0x3A: i += 1; token = make(.colon, start)
        case 0x3B: i += 1; token = make(.semicolon, start)
        case 0x5B: i += 1; token = make(.leftSquare, start)
        case 0x5D: i += 1; token = make(.rightSquare, start)
        case 0x7B: i += 1; token = make(.leftCurly, start)
        case 0x7D: i += 1; token = make(.rightCurly, start)
        case 0x2B, 0x2E:
            if startsNumber(i) {
                token = consumeNumeric()
            } else {
                i += 1
                token = make(.delim, start, text: c == 0x2B ? "+" : ".")
            }
        case 0x2D:
            if startsNumber(i) {
                token = consumeNumeric()
            } else if byte(i + 1) == 0x2D, byte(i + 2) == 0x3E {
                i += 3
                token = make(.cdc, start)
            } else if startsIdentifier(i) {
                token = consumeIdentLike()
            } else {
                i += 1
                token = make(.delim, start, text: "-")
            }
        case 0x3C:
            if byte(i + 1) == 0x21, byte(i + 2) == 0x2D, byte(i + 3) == 0x2D {
                i += 4
                token = make(.cdo, start)
            } else {
                i += 1
                token = make(.delim, start, text: "<")
            }
        case 0x40:
            if startsIdentifier(i + 1) {
                i += 1
                let name = consumeName()
                token = make(.atKeyword, start, text: name)
            } else {
                i += 1
                token = make(.delim, start, text: "@")
            }
        case 0x5C:
            if isValidEscape(i) {
                token = consumeIdentLike()
            } else {
                i += 1
                token = make(.delim, start, text: "\\")
            }
        default:
            if CSSTokenizer.isDigit(c) {
                token = consumeNumeric()
            } else if CSSTokenizer.isNameStart(c) {
                token = consumeIdentLike()
            } else {
                i += 1
                token = make(.delim, start, text: String(UnicodeScalar(c)))
            }
        }
        token.line = startLine
        token.start = Int32(clamping: start)
        token.end = Int32(clamping: i)
        return token
    }

    /// Consumes an escape (after the backslash) and appends the code point as UTF-8.
    private mutating func consumeEscape() {
        guard !isEOF(i) else {
            HTMLEntities.appendUTF8(0xFFFD, to: &buffer)
            return
        }
        if CSSTokenizer.isHex(bytes[i]) {
            var value: UInt32 = 0
            var count = 0
            while count < 6, !isEOF(i), CSSTokenizer.isHex(bytes[i]) {
                let h = bytes[i]
                value = value * 16 + UInt32(CSSTokenizer.isDigit(h) ? h - 0x30 : (h | 0x20) - 0x61 + 10)
                i += 1
                count += 1
            }
            if !isEOF(i), CSSTokenizer.isWhitespace(bytes[i]) {
                if bytes[i] == 0x0D, byte(i + 1) == 0x0A { i += 1 }
                if CSSTokenizer.isNewline(bytes[i]) { line += 1 }
                i += 1
            }
            if value == 0 { value = 0xFFFD }
            HTMLEntities.appendUTF8(value, to: &buffer)
        } else {
            buffer.append(bytes[i])
            i += 1
        }
    }

    private mutating func consumeName() -> String {
        buffer.removeAll(keepingCapacity: true)
        var runStart = i
        while !isEOF(i) {
            let c = bytes[i]
            if CSSTokenizer.isName(c) {
                i += 1
            } else if isValidEscape(i) {
                buffer.append(contentsOf: bytes[runStart..<i])
                i += 1
                consumeEscape()
                runStart = i
            } else {
                break
            }
        }
        buffer.append(contentsOf: bytes[runStart..<i])
        for k in buffer.indices where buffer[k] == 0 { buffer[k] = 0x3F }
        return String(decoding: buffer, as: UTF8.self)
    }

    private mutating func consumeString(quote: UInt8) -> CSSToken {
        let start = i
        i += 1
        buffer.removeAll(keepingCapacity: true)
        while true {
            guard !isEOF(i) else { break }
            let c = bytes[i]
            if c == quote {
                i += 1
                break
            }
            if CSSTokenizer.isNewline(c) {
                return make(.badString, start)
            }
            if c == 0x5C {
                if isEOF(i + 1) {
                    i += 1
                    continue
                }
                if CSSTokenizer.isNewline(bytes[i + 1]) {
                    i += 2
                    if bytes[i - 1] == 0x0D, byte(i) == 0x0A { i += 1 }
                    line += 1
                    continue
                }
                i += 1
                consumeEscape()
                continue
            }
            buffer.append(c == 0 ? 0x3F : c)
            i += 1
        }
        return make(.string, start, text: String(decoding: buffer, as: UTF8.self))
    }

    private mutating func consumeNumeric() -> CSSToken {
        let start = i
        var sign = 1.0
        if bytes[i] == 0x2B || bytes[i] == 0x2D {
            if bytes[i] == 0x2D { sign = -1 }
            i += 1
        }
        var value = 0.0
        var isInteger = true
        while !isEOF(i), CSSTokenizer.isDigit(bytes[i]) {
            value = value * 10 + Double(bytes[i] - 0x30)
            i += 1
        }
        if byte(i) == 0x2E, CSSTokenizer.isDigit(byte(i + 1)) {
            isInteger = false
            i += 1
            var scale = 0.1
            while !isEOF(i), CSSTokenizer.isDigit(bytes[i]) {
                value += Double(bytes[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        if (byte(i) | 0x20) == 0x65 {
            var k = i + 1
            var expSign = 1.0
            if byte(k) == 0x2B || byte(k) == 0x2D {
                if byte(k) == 0x2D { expSign = -1 }
                k += 1
            }
            if CSSTokenizer.isDigit(byte(k)) {
                isInteger = false
                var exponent = 0.0
                while !isEOF(k), CSSTokenizer.isDigit(bytes[k]) {
                    exponent = min(exponent * 10 + Double(bytes[k] - 0x30), 400)
                    k += 1
                }
                i = k
                value *= pow10(expSign * exponent)
            }
        }
        value *= sign
        if !value.isFinite { value = 0 }
        if startsIdentifier(i) {
            let unit = consumeName()
            var token = make(.dimension, start, text: unit)
            token.number = value
            token.isInteger = isInteger
            return token
        }
        if byte(i) == 0x25 {
            i += 1
            var token = make(.percentage, start)
            token.number = value
            return token
        }
        var token = make(.number, start)
        token.number = value
        token.isInteger = isInteger
        return token
    }

    private func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        var e = abs(exponent)
        var base = 10.0
        while e >= 1 {
            if e.truncatingRemainder(dividingBy: 2) >= 1 { result *= base }
            base *= base
            e = (e / 2).rounded(.down)
        }
        return exponent < 0 ? 1 / result : result
    }

    private mutating func consumeIdentLike() -> CSSToken {
        let start = i
        let name = consumeName()
        if byte(i) == 0x28 {
            if name.lowercasedASCII == "url" {
                i += 1
                var k = i
                while !isEOF(k), CSSTokenizer.isWhitespace(bytes[k]) { k += 1 }
                if byte(k) == 0x22 || byte(k) == 0x27 {
                    return make(.function, start, text: name)
                }
                return consumeURL(start)
            }
            i += 1
            return make(.function, start, text: name)
        }
        return make(.ident, start, text: name)
    }

    private mutating func consumeURL(_ start: Int) -> CSSToken {
        while !isEOF(i), CSSTokenizer.isWhitespace(bytes[i]) {
            if CSSTokenizer.isNewline(bytes[i]) { line += 1 }
            i += 1
        }
        buffer.removeAll(keepingCapacity: true)
        while !isEOF(i) {
            let c = bytes[i]
            if c == 0x29 {
                i += 1
                return make(.url, start, text: String(decoding: buffer, as: UTF8.self))
            }
            if CSSTokenizer.isWhitespace(c) {
                while !isEOF(i), CSSTokenizer.isWhitespace(bytes[i]) { i += 1 }
                if byte(i) == 0x29 || isEOF(i) {
                    if !isEOF(i) { i += 1 }
                    return make(.url, start, text: String(decoding: buffer, as: UTF8.self))
                }
                return consumeBadURL(start)
            }
            if c == 0x22 || c == 0x27 || c == 0x28 {
                return consumeBadURL(start)
            }
            if c == 0x5C {
                if isValidEscape(i) {
                    i += 1
                    consumeEscape()
                    continue
                }
                return consumeBadURL(start)
            }
            buffer.append(c)
            i += 1
        }
        return make(.url, start, text: String(decoding: buffer, as: UTF8.self))
    }

    private mutating func consumeBadURL(_ start: Int) -> CSSToken {
        while !isEOF(i), bytes[i] != 0x29 {
            if isValidEscape(i) { i += 1 }
            i += 1
        }
        i = min(i + 1, bytes.count)
        return make(.badURL, start)
    }
}
