/// JSON text for a flat string map (`{"NAME":"value",…}`), the shape of every merge-field
/// column: written with sorted keys, read strictly (any valid JSON object of strings, with
/// whitespace and every escape, `\u` surrogate pairs included). The claim and commit paths
/// read and write thousands of these a second; Foundation's `JSONDecoder`/`JSONEncoder` were
/// a twentieth of the email path's CPU.
public enum StringMapJSON {
    /// What is wrong with a text that is not a JSON object of strings.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public var offset: Int
        public var reason: String
        public var description: String { "not a JSON object of strings at byte \(offset): \(reason)" }
    }

    /// `{"key":"value",…}` with keys in sorted order; `{}` when empty.
    public static func encode(_ map: [String: String]) -> String {
        if map.isEmpty { return "{}" }
        var out: [UInt8] = []
        out.reserveCapacity(map.count * 32)
        out.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(map[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `["a","b"]`: a flat array of strings, escaped alike (the ids of an idempotency key).
    public static func encode(array values: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(values.count * 40 + 2)
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32: out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Reads a JSON object whose values are all strings. Duplicate keys: the last wins (as
    /// `JSONDecoder` does).
    public static func decode(_ text: String) throws -> [String: String] {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return try reader.object()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String) -> Malformed { Malformed(offset: i, reason: reason) }

        mutating func skipBlanks() {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            skipBlanks()
            guard i < bytes.count, bytes[i] == byte else { throw fail("expected \(what)") }
            i += 1
        }

        mutating func object() throws -> [String: String] {
            try expect(UInt8(ascii: "{"), "{")
            var map: [String: String] = [:]
            skipBlanks()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipBlanks()
                    let key = try string()
                    try expect(UInt8(ascii: ":"), ":")
                    skipBlanks()
                    map[key] = try string()
                    skipBlanks()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw fail("expected , or }")
                }
            }
            skipBlanks()
            guard i == bytes.count else { throw fail("text after the object") }
            return map
        }

        mutating func string() throws -> String {
            do {
                return try JSONStringLiteral.read(bytes, at: &i)
            } catch {
                throw Malformed(offset: error.offset, reason: error.reason)
            }
        }
    }
}
