import Crypto
import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird

/// Reads request bodies: collects them up to the size limit (413 beyond), parses JSON (400
/// naming the field where the decoder knows it), and refuses unknown keys (422 naming the key).
struct BodyReader: Sendable {
    let maxBytes: Int

    /// The body bytes, at most ``maxBytes``.
    func collect(_ request: Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw tooLarge
        }
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            return Data(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
    }

    private var tooLarge: HeraldError {
        HeraldError(.tooLarge, "the request body is larger than \(maxBytes) bytes")
    }

    /// Collects and decodes a JSON object body of type `T`, checking its keys against `shape`.
    func decode<T: Decodable>(_ type: T.Type, from request: Request, shape: KeyShape) async throws -> T {
        try Self.decode(type, from: try await collect(request), shape: shape)
    }

    /// Like ``decode(_:from:shape:)``, but an empty body decodes as `{}`.
    func decodeOptional<T: Decodable>(_ type: T.Type, from request: Request, shape: KeyShape) async throws -> T {
        let data = try await collect(request)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return try Self.decode(type, from: Data("{}".utf8), shape: shape)
        }
        return try Self.decode(type, from: data, shape: shape)
    }

    /// Decodes a JSON object of type `T` from `data`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, shape: KeyShape) throws -> T {
        if data.isEmpty { throw Problem.badRequest("a JSON body is required") }
        // The common case first: a flat body (``FlatJSON``: strings, integers, null, maps of
        // strings) whose keys the shape allows as free-form, built by hand for the inputs that
        // can take it, else by the decoder. Anything else — a body FlatJSON does not take, an
        // unknown key, a decoding error — goes the full way below, so every refusal is the one
        // that way gives.
        if case .object(let allowed) = shape, let members = FlatJSON.parse(data),
           members.keys.allSatisfy({ if case .any? = allowed[$0] { true } else { false } }) {
            if let flat = T.self as? any FlatJSONDecodable.Type {
                if let value = flat.init(flat: members) { return value as! T }
            } else if let value = try? decoder.decode(T.self, from: data) {
                return value
            }
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Problem.badRequest("the body is not valid JSON")
        }
        guard parsed is [String: Any] else { throw Problem.badRequest("the body must be a JSON object") }
        // Unknown keys first: a typo of a required key is reported as the typo.
        if let key = shape.unknownKey(in: parsed) {
            throw HeraldError.invalid(key, "unknown field '\(key)'")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    /// SHA-256 hex of the canonical encoding of `value` (sorted keys), so that formatting and
    /// key order do not change the idempotency hash.
    static func canonicalHash(_ value: some Encodable) throws -> String {
        if let request = value as? CommsRequestInput { return hexDigest(request.canonicalJSON) }
        return hexDigest(try canonicalEncoder.encode(value))
    }

    private static func hexDigest(_ data: some DataProtocol) -> String {
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Shared coders (Sendable, stateless between calls).
    static let decoder = JSONDecoder()
    static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private static let hexDigits = Array("0123456789abcdef".utf8)

    // MARK: Decoding errors

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .badRequest("'\(field ?? "body")' must be \(describe(type))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .badRequest("'\(field ?? "body")' must be \(describe(type)), not null", field: field)
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .badRequest("'\(field ?? key.stringValue)' is required", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .badRequest(field.map { "'\($0)' is malformed" } ?? "the body is not valid JSON", field: field)
        @unknown default:
            return .badRequest("the body could not be decoded")
        }
    }

    /// `preferences.optOut[0].method`.
    static func path(_ keys: [any CodingKey]) -> String? {
        var result = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? nil : result
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("String") { return "a string" }
        if name.hasPrefix("Int") || name.hasPrefix("UInt") { return "an integer" }
        if name.hasPrefix("Double") || name.hasPrefix("Float") || name.hasPrefix("Decimal") { return "a number" }
        if name.hasPrefix("Bool") { return "a boolean" }
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "a JSON object"
    }
}
