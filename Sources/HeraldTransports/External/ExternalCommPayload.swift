import Foundation
import HeraldCore

/// One external comm as webhooks and extract files carry it (docs/external-extract.md):
/// `requestId`, `distributionId`, `commsCode`, `system`, `method` (`external`), `target`,
/// `language`, `message` (the rendered external template), `fields` (the merge fields) and
/// `createdAt` (ISO 8601, UTC, milliseconds).
public struct ExternalCommPayload: Sendable, Hashable, Codable {
    public var requestId: String
    public var distributionId: String
    public var commsCode: String
    /// The external system (code.json `external.system`); nil when the code names none.
    public var system: String?
    public var method: String
    public var target: String
    public var language: String
    public var message: String
    public var fields: [String: String]
    public var createdAt: String

    /// The payload of `tx` for `system`.
    public init(_ tx: Transmission, system: String?) {
        requestId = tx.request.id
        distributionId = tx.distribution.id
        commsCode = tx.request.commsCode
        self.system = system
        method = tx.distribution.method.rawValue
        target = tx.distribution.target
        language = tx.distribution.language
        message = tx.distribution.message ?? ""
        fields = tx.distribution.fields
        createdAt = Self.timestamp(tx.distribution.createdAt)
    }

    /// The column order of JSON objects and CSV files.
    public static let columns = ["requestId", "distributionId", "commsCode", "system", "method", "target", "language",
                                 "message", "fields", "createdAt"]

    /// Compact JSON, keys sorted (the same comm always gives the same bytes): what
    /// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes, made by hand
    /// because it is on every webhook's path.
    public func json() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + message.utf8.count + fields.count * 32)
        func key(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        out.append(UInt8(ascii: "{"))
        key("commsCode", first: true); Self.appendString(commsCode, to: &out)
        key("createdAt"); Self.appendString(createdAt, to: &out)
        key("distributionId"); Self.appendString(distributionId, to: &out)
        key("fields")
        out.append(UInt8(ascii: "{"))
        for (i, name) in fields.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            Self.appendString(fields[name]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        key("language"); Self.appendString(language, to: &out)
        key("message"); Self.appendString(message, to: &out)
        key("method"); Self.appendString(method, to: &out)
        key("requestId"); Self.appendString(requestId, to: &out)
        if let system { key("system"); Self.appendString(system, to: &out) }
        key("target"); Self.appendString(target, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `fields` alone as compact JSON, keys sorted (the CSV column).
    public func fieldsJSON() -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, name) in fields.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            Self.appendString(fields[name]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`,
    /// everything else (`/`, non-ASCII) as is.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // The usual case, nothing to escape: the bytes in one copy.
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// `2026-12-07T09:45:46.123Z` (milliseconds rounded down; proleptic Gregorian, UTC).
    static func timestamp(_ date: Date) -> String { UTCTimestamp.string(date) }
}
