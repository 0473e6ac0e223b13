import Foundation
import HeraldCore

/// A JSON object parsed by hand when it is flat: its values strings, integers, `null`, or
/// objects of strings (free-form `fields`). For the trigger path, where `JSONDecoder` was about
/// 2% of `herald serve`'s CPU. Anything else — another value type, a number that is not a plain
/// integer, a duplicate key, an escape that is not well-formed, invalid JSON — is nil, and the
/// body goes to `JSONDecoder`, which decodes it or gives its error, so answers never differ.
enum FlatJSON {
    enum Value: Equatable {
        case string(String)
        case int(Int)
        case null
        case strings([String: String])
    }

    /// The members of a flat object, or nil.
    static func parse(_ data: Data) -> [String: Value]? {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // Valid UTF-8 as a whole (the decoder refuses anything else), so strings are read
            // by ``JSONStringLiteral`` without its repairs ever applying.
            guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
            var parser = Parser(bytes: bytes)
            guard let object = parser.object(nested: false), parser.atEnd() else { return nil }
            return object
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipBlanks() {
            while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        mutating func atEnd() -> Bool {
            skipBlanks()
            return i == bytes.count
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipBlanks()
            guard peek() == byte else { return false }
            i += 1
            return true
        }

        /// `{…}`: at the top, members of any flat value; nested, members of strings only.
        mutating func object(nested: Bool) -> [String: Value]? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var members: [String: Value] = [:]
            if expect(UInt8(ascii: "}")) { return members }
            repeat {
                skipBlanks()
                guard let key = string(), members[key] == nil, expect(UInt8(ascii: ":")) else { return nil }
                skipBlanks()
                guard let value = value(nested: nested) else { return nil }
                members[key] = value
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}")) ? members : nil
        }

        mutating func value(nested: Bool) -> Value? {
            switch peek() {
            case UInt8(ascii: "\"")?:
                return string().map(Value.string)
            case _ where nested:
                return nil
            case UInt8(ascii: "{")?:
                guard let inner = object(nested: true) else { return nil }
                var strings: [String: String] = [:]
                for (key, value) in inner {
                    guard case .string(let text) = value else { return nil }
                    strings[key] = text
                }
                return .strings(strings)
            case UInt8(ascii: "n")?:
                guard bytes.count - i >= 4, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "l"),
                      bytes[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                return .null
            default:
                return integer().map(Value.int)
            }
        }

        /// `-?(0|[1-9][0-9]*)` followed by a delimiter, within `Int`; nil for anything else.
        mutating func integer() -> Int? {
            let start = i
            if peek() == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while let b = peek(), b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { i += 1 }
            guard i > digits, i - digits == 1 || bytes[digits] != UInt8(ascii: "0") else { return nil }
            if let b = peek(), b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { return nil }
            return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
        }

        /// A string at its opening quote, escapes decoded; nil when not well-formed.
        mutating func string() -> String? {
            try? JSONStringLiteral.read(bytes, at: &i)
        }
    }
}

/// An input the trigger path decodes from a ``FlatJSON`` object when it can.
protocol FlatJSONDecodable {
    /// The value, or nil when a member has another type than the input's (the decoder then
    /// gives the error).
    init?(flat members: [String: FlatJSON.Value])
}

extension FlatJSON.Value {
    /// A string member: .some(text), .some(nil) for null or absent, nil for another type.
    static func optionalString(_ value: Self?) -> String?? {
        switch value {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }
}

extension CommsRequestInput: FlatJSONDecodable {
    init?(flat m: [String: FlatJSON.Value]) {
        guard let commsCode = FlatJSON.Value.optionalString(m["commsCode"]),
              let customerId = FlatJSON.Value.optionalString(m["customerId"]),
              let accountId = FlatJSON.Value.optionalString(m["accountId"]),
              let subscriptionId = FlatJSON.Value.optionalString(m["subscriptionId"]),
              let deliveryMethod = FlatJSON.Value.optionalString(m["deliveryMethod"]),
              let copyOf = FlatJSON.Value.optionalString(m["copyOf"]) else { return nil }
        var priority: Int?
        switch m["priority"] {
        case nil, .null?: priority = nil
        case .int(let value)?: priority = value
        default: return nil
        }
        var fields: [String: String]?
        switch m["fields"] {
        case nil, .null?: fields = nil
        case .strings(let value)?: fields = value
        default: return nil
        }
        self.init(commsCode: commsCode, customerId: customerId, accountId: accountId, subscriptionId: subscriptionId,
                  priority: priority, deliveryMethod: deliveryMethod, fields: fields, copyOf: copyOf)
    }
}
