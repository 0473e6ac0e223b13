/// A parsed PDF object, as much as ``PDFStamper`` needs: dictionaries keep their key order and
/// strings and numbers keep their original bytes, so an object written back reads as it was.
indirect enum PDFValue: Equatable {
    case null
    case bool(Bool)
    /// A number's original spelling (`12`, `-3.5`, `.5`).
    case number([UInt8])
    /// A name without its slash, in its original spelling (`#xx` escapes kept).
    case name([UInt8])
    /// A literal `( … )` or hex `< … >` string, delimiters included, exactly as it was.
    case string([UInt8])
    case array([PDFValue])
    /// Entries in their original order; keys are names without the slash.
    case dictionary([(key: [UInt8], value: PDFValue)])
    case reference(number: Int, generation: Int)

    static func == (lhs: PDFValue, rhs: PDFValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)), (.name(let a), .name(let b)), (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.dictionary(let a), .dictionary(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.reference(let a, let g), .reference(let b, let h)): a == b && g == h
        default: false
        }
    }

    /// The value of `key` in a dictionary (`nil` when absent or not a dictionary).
    subscript(key: String) -> PDFValue? {
        guard case .dictionary(let entries) = self else { return nil }
        let bytes = Array(key.utf8)
        return entries.first { $0.key == bytes }?.value
    }

    /// A copy of a dictionary with `key` set to `value` (replaced in place, or appended).
    func setting(_ key: String, to value: PDFValue) -> PDFValue {
        guard case .dictionary(var entries) = self else { return self }
        let bytes = Array(key.utf8)
        if let index = entries.firstIndex(where: { $0.key == bytes }) {
            entries[index].value = value
        } else {
            entries.append((bytes, value))
        }
        return .dictionary(entries)
    }

    /// Whether the value is the name `name` (without its slash).
    func isName(_ name: String) -> Bool {
        if case .name(let bytes) = self { bytes == Array(name.utf8) } else { false }
    }

    /// The value as an integer, when it is one.
    var integer: Int? {
        guard case .number(let bytes) = self, !bytes.isEmpty else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self))
    }

    /// The value as a real number, when it is a number.
    var real: Double? {
        guard case .number(let bytes) = self else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasPrefix("-.") { text = "-0" + text.dropFirst() }
        if text.hasPrefix("+") { text.removeFirst() }
        return Double(text)
    }

    /// Writes the value in PDF syntax.
    func write(to out: inout PDFBuffer) {
        switch self {
        case .null: out.append("null")
        case .bool(let value): out.append(value ? "true" : "false")
        case .number(let bytes), .string(let bytes): out.append(bytes: bytes)
        case .name(let bytes):
            out.append(UInt8(ascii: "/"))
            out.append(bytes: bytes)
        case .array(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(" ") }
                item.write(to: &out)
            }
            out.append("]")
        case .dictionary(let entries):
            out.append("<<")
            for (key, value) in entries {
                out.append(" /")
                out.append(bytes: key)
                out.append(" ")
                value.write(to: &out)
            }
            out.append(" >>")
        case .reference(let number, let generation):
            out.append(int: number)
            out.append(" ")
            out.append(int: generation)
            out.append(" R")
        }
    }
}

/// A small tokenizer and parser of PDF object syntax (ISO 32000-1 §7.2–7.3) over a byte array.
/// It reads dictionaries, arrays, names, numbers, strings, references and keywords; stream data
/// is never read (the stamper only needs dictionaries).
struct PDFObjectParser {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], at position: Int) {
        self.bytes = bytes
        self.position = position
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }

    static func isRegular(_ byte: UInt8) -> Bool {
        !isWhitespace(byte) && !PDFBuffer.isDelimiter(byte)
    }

    /// Skips white space and comments.
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// Reads a run of regular characters (a keyword or number) without consuming anything else.
    mutating func regularToken() -> [UInt8] {
        skipWhitespace()
        let start = position
        while position < bytes.count, Self.isRegular(bytes[position]) { position += 1 }
        return Array(bytes[start..<position])
    }

    /// Reads the keyword `word` or throws.
    mutating func expectKeyword(_ word: String, context: @autoclosure () -> String) throws(PDFStampError) {
        let token = regularToken()
        guard token == Array(word.utf8) else {
            throw .malformed(reason: "expected '\(word)' \(context()), found '\(String(decoding: token.prefix(20), as: UTF8.self))'")
        }
    }

    /// Reads a non-negative integer or throws.
    mutating func expectInteger(context: @autoclosure () -> String) throws(PDFStampError) -> Int {
        let token = regularToken()
        guard !token.isEmpty, token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), token.count < 19,
              let value = Int(String(decoding: token, as: UTF8.self)) else {
            throw .malformed(reason: "expected a number \(context()), found '\(String(decoding: token.prefix(20), as: UTF8.self))'")
        }
        return value
    }

    /// Reads one object; `n g R` sequences become references.
    mutating func parseValue(depth: Int = 0) throws(PDFStampError) -> PDFValue {
        guard depth < 64 else { throw .malformed(reason: "objects nested too deeply at byte \(position)") }
        skipWhitespace()
        guard position < bytes.count else { throw .malformed(reason: "unexpected end of file") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "/"):
            position += 1
            let start = position
            while position < bytes.count, Self.isRegular(bytes[position]) { position += 1 }
            return .name(Array(bytes[start..<position]))
        case UInt8(ascii: "("):
            return .string(try literalString())
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                var entries: [(key: [UInt8], value: PDFValue)] = []
                while true {
                    skipWhitespace()
                    guard position + 1 < bytes.count else { throw .malformed(reason: "unterminated dictionary") }
                    if bytes[position] == UInt8(ascii: ">"), bytes[position + 1] == UInt8(ascii: ">") {
                        position += 2
                        return .dictionary(entries)
                    }
                    guard case .name(let key) = try parseValue(depth: depth + 1) else {
                        throw .malformed(reason: "dictionary key is not a name at byte \(position)")
                    }
                    entries.append((key, try parseValue(depth: depth + 1)))
                }
            }
            let start = position
            guard let end = bytes[position...].firstIndex(of: UInt8(ascii: ">")) else {
                throw .malformed(reason: "unterminated hex string")
            }
            position = end + 1
            return .string(Array(bytes[start..<position]))
        case UInt8(ascii: "["):
            position += 1
            var items: [PDFValue] = []
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw .malformed(reason: "unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                items.append(try parseValue(depth: depth + 1))
            }
        default:
            let token = regularToken()
            switch String(decoding: token, as: UTF8.self) {
            case "": throw .malformed(reason: "unexpected '\(Character(Unicode.Scalar(byte)))' at byte \(position)")
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
            guard token.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }) else {
                throw .malformed(reason: "unexpected keyword '\(String(decoding: token.prefix(20), as: UTF8.self))' at byte \(position)")
            }
            // `n g R`: look ahead for a second integer and the R keyword.
            if token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), token.count < 19 {
                let saved = position
                let generation = regularToken()
                if !generation.isEmpty, generation.count < 6, generation.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                   regularToken() == [UInt8(ascii: "R")],
                   let number = Int(String(decoding: token, as: UTF8.self)),
                   let gen = Int(String(decoding: generation, as: UTF8.self)) {
                    return .reference(number: number, generation: gen)
                }
                position = saved
            }
            return .number(token)
        }
    }

    /// A literal string with balanced parentheses and backslash escapes, returned as written.
    private mutating func literalString() throws(PDFStampError) -> [UInt8] {
        let start = position
        var depth = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\\"): position += 1
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return Array(bytes[start..<position]) }
            default: break
            }
        }
        throw .malformed(reason: "unterminated string starting at byte \(start)")
    }
}
