import HeraldCore
/// A small strict JSON reader that remembers the line of every value and key, so that catalog
/// problems can be reported as `WELCOME/code.json:7: error: ...`. Foundation's readers give
/// neither lines nor strictness (they accept trailing commas and silently drop duplicate keys).
struct CatalogJSON {
    /// A JSON value.
    indirect enum Value {
        case object([Member])
        case array([Node])
        case string(String)
        /// The number's literal text, as written.
        case number(String)
        case bool(Bool)
        case null

        /// How the value's type is named in messages.
        var typeName: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    /// A value and the line (1-based) it starts on.
    struct Node {
        var value: Value
        var line: Int
    }

    /// An object member: its key, the key's line and its value.
    struct Member {
        var key: String
        var line: Int
        var node: Node
    }

    /// Malformed JSON, with the line where reading stopped.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    /// Parses a whole document: exactly one value, surrounded by optional whitespace.
    static func parse(_ text: String) throws(SyntaxError) -> Node {
        var reader = CatalogJSON(bytes: Array(text.utf8))
        reader.skipWhitespace()
        let node = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else {
            throw reader.error("unexpected text after the JSON value")
        }
        return node
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(line: line, message: message)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let b = current {
            switch b {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private mutating func expect(_ char: Character) throws(SyntaxError) {
        guard let ascii = char.asciiValue, current == ascii else {
            throw error(current == nil ? "unexpected end of file, expected '\(char)'" : "expected '\(char)'")
        }
        index += 1
    }

    private mutating func readValue(depth: Int) throws(SyntaxError) -> Node {
        guard depth < 64 else { throw error("nesting too deep") }
        let startLine = line
        guard let b = current else { throw error("unexpected end of file, expected a value") }
        switch b {
        case UInt8(ascii: "{"): return Node(value: try readObject(depth: depth), line: startLine)
        case UInt8(ascii: "["): return Node(value: try readArray(depth: depth), line: startLine)
        case UInt8(ascii: "\""): return Node(value: .string(try readString()), line: startLine)
        case UInt8(ascii: "t"): try readLiteral("true"); return Node(value: .bool(true), line: startLine)
        case UInt8(ascii: "f"): try readLiteral("false"); return Node(value: .bool(false), line: startLine)
        case UInt8(ascii: "n"): try readLiteral("null"); return Node(value: .null, line: startLine)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Node(value: .number(try readNumber()), line: startLine)
        default:
            throw error("unexpected character '\(Character(Unicode.Scalar(b)))'")
        }
    }

    private mutating func readLiteral(_ word: String) throws(SyntaxError) {
        for ascii in word.utf8 {
            guard current == ascii else { throw error("invalid literal, expected '\(word)'") }
            index += 1
        }
    }

    private mutating func readObject(depth: Int) throws(SyntaxError) -> Value {
        try expect("{")
        var members: [Member] = []
        var seen: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let keyLine = line
            guard current == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let key = try readString()
            guard seen.insert(key).inserted else {
                throw SyntaxError(line: keyLine, message: "duplicate key \"\(key)\"")
            }
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            let node = try readValue(depth: depth + 1)
            members.append(Member(key: key, line: keyLine, node: node))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                if current == UInt8(ascii: "}") { throw error("trailing comma in object") }
                continue
            }
            try expect("}")
            return .object(members)
        }
    }

    private mutating func readArray(depth: Int) throws(SyntaxError) -> Value {
        try expect("[")
        var items: [Node] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try readValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw error("trailing comma in array") }
                continue
            }
            try expect("]")
            return .array(items)
        }
    }

    private mutating func readString() throws(SyntaxError) -> String {
        try expect("\"")
        index -= 1  // the literal reader starts at the quote
        var position = index
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONStringLiteral.Malformed) -> String in try JSONStringLiteral.read(buffer, at: &position) }
        }
        switch result {
        case .success(let text):
            index = position
            return text
        case .failure(let malformed):
            index = malformed.offset
            throw error(malformed.reason)
        }
    }

    private mutating func readNumber() throws(SyntaxError) -> String {
        let start = index
        func isDigit(_ b: UInt8?) -> Bool { b.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
        if current == UInt8(ascii: "-") { index += 1 }
        guard isDigit(current) else { throw error("invalid number") }
        if current == UInt8(ascii: "0") {
            index += 1
            if isDigit(current) { throw error("invalid number (leading zero)") }
        } else {
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard isDigit(current) else { throw error("invalid number") }
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw error("invalid number") }
            while isDigit(current) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
