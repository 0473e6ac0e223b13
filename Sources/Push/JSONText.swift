/// Small, allocation-light JSON writing and checking for payloads built once per push.
enum JSONText {
    /// Appends `text` as a JSON string (quoted, escaped) to `out`.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most text has nothing to escape: copied in one go.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Checks that `text` is exactly one JSON object and returns its members' bytes (between
    /// the braces, trimmed) and whether one of its top-level keys is `key` (written as is, not
    /// escaped); nil when it is not valid JSON or not an object.
    static func objectMembers(_ text: String, findingKey key: StaticString) -> (members: ArraySlice<UInt8>, hasKey: Bool)? {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        let open = parser.index
        guard let hasKey = parser.object(findingKey: key) else { return nil }
        let close = parser.index - 1
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { return nil }
        var lo = open + 1, hi = close
        while lo < hi, Parser.isSpace(parser.bytes[lo]) { lo += 1 }
        while hi > lo, Parser.isSpace(parser.bytes[hi - 1]) { hi -= 1 }
        return (parser.bytes[lo..<hi], hasKey)
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

        mutating func skipSpace() {
            while let b = peek, Self.isSpace(b) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// An object; whether one of its keys is `key` (its bytes as written), when one is given.
        mutating func object(findingKey key: StaticString? = nil) -> Bool? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { return nil }
            var found = false
            skipSpace()
            if expect(UInt8(ascii: "}")) { return found }
            while true {
                skipSpace()
                let keyStart = index
                guard string() else { return nil }
                if let key, !found { found = Self.equal(bytes[(keyStart + 1)..<(index - 1)], key) }
                skipSpace()
                guard expect(UInt8(ascii: ":")), value() else { return nil }
                skipSpace()
                if expect(UInt8(ascii: ",")) { continue }
                return expect(UInt8(ascii: "}")) ? found : nil
            }
        }

        static func equal(_ bytes: ArraySlice<UInt8>, _ text: StaticString) -> Bool {
            guard bytes.count == text.utf8CodeUnitCount else { return false }
            return bytes.withUnsafeBufferPointer { $0.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
        }

        mutating func array() -> Bool {
            guard expect(UInt8(ascii: "[")) else { return false }
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { return false }
            skipSpace()
            if expect(UInt8(ascii: "]")) { return true }
            while true {
                guard value() else { return false }
                skipSpace()
                if expect(UInt8(ascii: ",")) { continue }
                return expect(UInt8(ascii: "]"))
            }
        }

        mutating func value() -> Bool {
            skipSpace()
            switch peek {
            case UInt8(ascii: "{"): return object() != nil
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { return false }
            index += count
            return true
        }

        mutating func string() -> Bool {
            guard expect(UInt8(ascii: "\"")) else { return false }
            while let b = peek {
                index += 1
                switch b {
                case UInt8(ascii: "\""): return true
                case UInt8(ascii: "\\"):
                    guard let e = peek else { return false }
                    index += 1
                    if e == UInt8(ascii: "u") {
                        guard index + 4 <= bytes.count, bytes[index..<index + 4].allSatisfy({ isHex($0) }) else { return false }
                        index += 4
                    } else if !Array("\"\\/bfnrt".utf8).contains(e) {
                        return false
                    }
                case 0..<0x20: return false
                default: break
                }
            }
            return false
        }

        func isHex(_ b: UInt8) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
        }

        mutating func digits() -> Bool {
            let start = index
            while let b = peek, (0x30...0x39).contains(b) { index += 1 }
            return index > start
        }

        mutating func number() -> Bool {
            _ = expect(UInt8(ascii: "-"))
            if expect(UInt8(ascii: "0")) {
            } else if !digits() {
                return false
            }
            if expect(UInt8(ascii: ".")), !digits() { return false }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if !expect(UInt8(ascii: "+")) { _ = expect(UInt8(ascii: "-")) }
                if !digits() { return false }
            }
            return true
        }
    }
}
