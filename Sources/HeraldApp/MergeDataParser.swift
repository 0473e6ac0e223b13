/// Parses one JSON value into the plain Swift values Mustache renders (`[String: Any]`,
/// `[Any]`, `String`, `Int`, `Double`, `Bool`; `null` renders empty). A single pass over the
/// UTF-8 bytes: `herald render letter` parses a data line per letter, and `JSONDecoder` into a
/// recursive enum cost more than rendering the letter's styles.
struct MergeDataParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
    static func parse(_ bytes: [UInt8]) throws -> Any {
        var parser = MergeDataParser(bytes: bytes)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ message: String) -> Failure { Failure(description: "\(message) at byte \(index + 1)") }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value() throws -> Any {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        case UInt8(ascii: "n"): try literal("null"); return ""
        default: return try number()
        }
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw failure("invalid literal, expected \(word)") }
            index += 1
        }
    }

    private mutating func nested<T>(_ body: (inout MergeDataParser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 256 else { throw failure("nested deeper than 256 levels") }
        return try body(&self)
    }

    private mutating func object() throws -> [String: Any] {
        try nested { p in
            p.index += 1
            var members: [String: Any] = [:]
            p.skipSpace()
            if p.index < p.bytes.count, p.bytes[p.index] == UInt8(ascii: "}") { p.index += 1; return members }
            while true {
                p.skipSpace()
                guard p.index < p.bytes.count, p.bytes[p.index] == UInt8(ascii: "\"") else { throw p.failure("expected a member name") }
                let key = try p.string()
                p.skipSpace()
                guard p.index < p.bytes.count, p.bytes[p.index] == UInt8(ascii: ":") else { throw p.failure("expected ':'") }
                p.index += 1
                members[key] = try p.value()
                p.skipSpace()
                guard p.index < p.bytes.count else { throw p.failure("unterminated object") }
                if p.bytes[p.index] == UInt8(ascii: ",") { p.index += 1; continue }
                guard p.bytes[p.index] == UInt8(ascii: "}") else { throw p.failure("expected ',' or '}'") }
                p.index += 1
                return members
            }
        }
    }

    private mutating func array() throws -> [Any] {
        try nested { p in
            p.index += 1
            var items: [Any] = []
            p.skipSpace()
            if p.index < p.bytes.count, p.bytes[p.index] == UInt8(ascii: "]") { p.index += 1; return items }
            while true {
                items.append(try p.value())
                p.skipSpace()
                guard p.index < p.bytes.count else { throw p.failure("unterminated array") }
                if p.bytes[p.index] == UInt8(ascii: ",") { p.index += 1; continue }
                guard p.bytes[p.index] == UInt8(ascii: "]") else { throw p.failure("expected ',' or ']'") }
                p.index += 1
                return items
            }
        }
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw failure("control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard byte >= 0x20 else { throw failure("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw failure("unpaired surrogate")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let value = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(value)).utf8))
            default: throw failure("invalid escape")
            }
        }
        throw failure("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func number() throws -> Any {
        let start = index
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                integral = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int(text) { return value }
        guard !text.isEmpty, let value = Double(text) else {
            index = start
            throw failure("invalid value")
        }
        return value
    }
}
