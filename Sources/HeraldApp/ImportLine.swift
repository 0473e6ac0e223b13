import Crypto
import Foundation
import HeraldCore

/// One import line, NDJSON or CSV.
struct ImportLine: Decodable, Sendable {
    /// The customer data of a data line, boxed: a chunk holds thousands of trigger lines,
    /// which have none.
    indirect enum CustomerData: Sendable {
        case customer(CustomerInput), account(AccountInput), subscription(SubscriptionInput)
    }

    /// `customer`, else `account`, else `subscription` (the first a line has).
    var data: CustomerData?
    var commsCode: String?
    var customerId: String?
    var accountId: String?
    var subscriptionId: String?
    var priority: Int?
    var deliveryMethod: String?
    var fields: [String: String]?
    var idempotencyKey: String?
    var eventType: String?
    var eventCode: String?
    var whenToCreate: String?

    /// An external notification in the CMP schema (a line with `interfaceCategory`); its
    /// idempotency key is the notification's own (`cmp:<channel>:ref:<uniqueReference>`), the
    /// same the API uses, so a notification received both ways is taken once.
    var notification: ExternalTriggerNotification?

    /// Set for a line that failed to parse; the line is rejected with this reason.
    var invalidReason: String?

    enum CodingKeys: String, CodingKey {
        case commsCode, customerId, accountId, subscriptionId, priority, deliveryMethod, fields, idempotencyKey
        case eventType, eventCode, whenToCreate, customer, account, subscription
    }

    init() {}
    init(invalid reason: String) {
        invalidReason = reason
    }

    /// A customer-data line (`customer`, `account` or `subscription`), applied rather than keyed.
    var isData: Bool { invalidReason == nil && data != nil }

    /// Any key of an object, to list them all.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// An object key that is not one of ``CodingKeys`` (the first in sorted order).
    struct UnknownKey: Error {
        var name: String
    }

    /// Refuses unknown keys, as the API does (a typo like "feilds" must not send a comm without
    /// its fields), from the same parse that reads the known ones.
    init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        if all.allKeys.contains(where: { $0.stringValue == "interfaceCategory" || $0.stringValue == "interfaceType" }) {
            let known = Set(["interfaceCategory", "interfaceType", "version", "transmitDateTime", "channel", "hierarchyEntity",
                             "uniqueReference", "triggerId", "attributes", "serialNumber"])
            if let first = all.allKeys.map(\.stringValue).filter({ !known.contains($0) }).min() { throw UnknownKey(name: first) }
            let n = try ExternalTriggerNotification(from: decoder)
            notification = n
            idempotencyKey = n.idempotencyKey
            return
        }
        var unknown: [String] = []
        for key in all.allKeys where CodingKeys(stringValue: key.stringValue) == nil { unknown.append(key.stringValue) }
        if let first = unknown.min() { throw UnknownKey(name: first) }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let customer = try c.decodeIfPresent(CustomerInput.self, forKey: .customer)
        let account = try c.decodeIfPresent(AccountInput.self, forKey: .account)
        let subscription = try c.decodeIfPresent(SubscriptionInput.self, forKey: .subscription)
        data = customer.map { .customer($0) } ?? account.map { .account($0) } ?? subscription.map { .subscription($0) }
        commsCode = try c.decodeIfPresent(String.self, forKey: .commsCode)
        customerId = try c.decodeIfPresent(String.self, forKey: .customerId)
        accountId = try c.decodeIfPresent(String.self, forKey: .accountId)
        subscriptionId = try c.decodeIfPresent(String.self, forKey: .subscriptionId)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        deliveryMethod = try c.decodeIfPresent(String.self, forKey: .deliveryMethod)
        fields = try c.decodeIfPresent([String: String].self, forKey: .fields)
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        eventType = try c.decodeIfPresent(String.self, forKey: .eventType)
        eventCode = try c.decodeIfPresent(String.self, forKey: .eventCode)
        whenToCreate = try c.decodeIfPresent(String.self, forKey: .whenToCreate)
    }

    /// One NDJSON line (trimmed, not empty), parsed once; a line that does not parse comes back
    /// with its ``invalidReason`` (the texts of earlier releases: the unknown key, or the JSON
    /// parser's own words for text that is not JSON).
    static func ndjson(_ raw: String, line: Int, decoder: JSONDecoder) -> ImportLine {
        if let quick = quick(raw) { return quick }
        let data = Data(raw.utf8)
        do {
            return try decoder.decode(ImportLine.self, from: data)
        } catch let unknown as UnknownKey {
            return ImportLine(invalid: "line \(line): unknown key '\(unknown.name)'")
        } catch {
            var reported: any Error = error
            if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty {
                // Not JSON at all: JSONSerialization's message says where ("around character 9").
                do { _ = try JSONSerialization.jsonObject(with: data) } catch { reported = error }
            }
            return ImportLine(invalid: "line \(line) is not a valid trigger object: \(reported)")
        }
    }
}

extension ImportLine {
    /// The common trigger line read without `JSONDecoder` (a fifth of an import's CPU): one flat
    /// object of known trigger keys, each once, whose values are strings without escapes, a
    /// plain integer `priority`, and a `fields` object of such strings. Anything else — customer
    /// data, `null`, an escape, another kind of number, a repeated or unknown key, invalid UTF-8,
    /// any syntax error — gives nil, and the line is read by `JSONDecoder`, which also words
    /// every error. For the lines it takes it gives what the decoder gives (tested side by side).
    static func quick(_ raw: String) -> ImportLine? {
        var raw = raw
        return raw.withUTF8 { bytes -> ImportLine? in
            var reader = QuickReader(bytes: bytes)
            return reader.line()
        }
    }

    private struct QuickReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func blanks() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            blanks()
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        /// A string without escapes or control characters, valid UTF-8.
        mutating func string() -> String? {
            blanks()
            guard i < bytes.count, bytes[i] == 0x22 else { return nil }
            let start = i + 1
            var j = start
            while j < bytes.count, bytes[j] != 0x22 {
                if bytes[j] == 0x5C || bytes[j] < 0x20 { return nil }
                j += 1
            }
            guard j < bytes.count else { return nil }
            i = j + 1
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self)
        }

        /// `0` or `-?[1-9][0-9]*` within Int's range.
        mutating func integer() -> Int? {
            blanks()
            let start = i
            if i < bytes.count, bytes[i] == 0x2D { i += 1 }
            let digits = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            guard i > digits, i - digits == 1 || bytes[digits] != 0x30 else { return nil }
            if i < bytes.count, bytes[i] == 0x2E || bytes[i] == 0x65 || bytes[i] == 0x45 { return nil }  // fraction, exponent
            return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
        }

        /// `{"NAME": "value", …}`, each name once.
        mutating func fields() -> [String: String]? {
            guard take(0x7B) else { return nil }
            var out: [String: String] = [:]
            if take(0x7D) { return out }
            repeat {
                guard let name = string(), take(0x3A), let value = string(), out.updateValue(value, forKey: name) == nil else { return nil }
            } while take(0x2C)
            return take(0x7D) ? out : nil
        }

        mutating func line() -> ImportLine? {
            guard take(0x7B) else { return nil }
            var line = ImportLine()
            var seen: Set<String> = []
            if !take(0x7D) {
                repeat {
                    guard let name = string(), take(0x3A), let key = CodingKeys(stringValue: name), seen.insert(name).inserted else { return nil }
                    switch key {
                    case .customer, .account, .subscription:
                        return nil
                    case .priority:
                        guard let value = integer() else { return nil }
                        line.priority = value
                    case .fields:
                        guard let value = fields() else { return nil }
                        line.fields = value
                    default:
                        guard let value = string() else { return nil }
                        switch key {
                        case .commsCode: line.commsCode = value
                        case .customerId: line.customerId = value
                        case .accountId: line.accountId = value
                        case .subscriptionId: line.subscriptionId = value
                        case .deliveryMethod: line.deliveryMethod = value
                        case .idempotencyKey: line.idempotencyKey = value
                        case .eventType: line.eventType = value
                        case .eventCode: line.eventCode = value
                        case .whenToCreate: line.whenToCreate = value
                        case .customer, .account, .subscription, .priority, .fields: return nil
                        }
                    }
                } while take(0x2C)
                guard take(0x7D) else { return nil }
            }
            blanks()
            return i == bytes.count ? line : nil
        }
    }
}

/// An import line as read: its number, its text (the bytes hashed for its key) and the text's
/// digest. Its value (``ImportLine``) is kept beside it, once parsed: NDJSON lines are parsed
/// only when their digest's key was not taken before.
struct ImportRow: Sendable {
    var line: Int
    var raw: String
    var digest: LineDigest

    init(line: Int, raw: String) {
        self.line = line
        self.raw = raw
        digest = LineDigest(raw)
    }
}

/// The SHA-256 of a line: lower-case hex (the key's text) and its first 8 bytes (the
/// occurrence counter's key).
struct LineDigest: Sendable {
    var hex: String
    var prefix: UInt64

    init(_ text: String) {
        var text = text
        let hash = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        var prefix: UInt64 = 0
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for (i, b) in hash.enumerated() {
            if i < 8 { prefix = prefix << 8 | UInt64(b) }
            hex.append(Self.digits[Int(b >> 4)])
            hex.append(Self.digits[Int(b & 0x0F)])
        }
        self.hex = String(decoding: hex, as: UTF8.self)
        self.prefix = prefix
    }

    private static let digits = Array("0123456789abcdef".utf8)
}

/// How many times each line was seen so far in this file, for the `#n` of its key: the n-th
/// identical line is `<digest>#n` on every run, so a re-run finds the keys of the lines it took.
///
/// Counted by the first 8 bytes of the digest, not the 64-character hex, so a million-line file
/// costs about 16 MB here rather than 100+ MB. Two different lines whose digests share 8 bytes
/// (odds about n²/2⁶⁵: ~3·10⁻⁸ for a million lines) share a counter: the later one is numbered
/// #2 (or more) rather than #1. Its key stays unique (its full digest differs from the other's),
/// and the numbering depends only on the file's lines up to it, so every run of this code gives
/// that line the same key and resume still skips it. Every non-blank line is counted (earlier
/// releases counted only the trigger lines, but identical lines are all triggers or all not, so
/// this too changes a number only on such a collision). Only a file first imported by an
/// earlier release and re-run now could, on a collision, take that one line twice.
struct OccurrenceCounter {
    /// Prefixes seen once; those seen more often move to `repeated` with their count.
    private var once: Set<UInt64> = []
    private var repeated: [UInt64: Int] = [:]

    /// Counts one more line with this digest prefix; returns its occurrence number (from 1).
    mutating func next(_ prefix: UInt64) -> Int {
        if let n = repeated[prefix] {
            repeated[prefix] = n + 1
            return n + 1
        }
        if once.insert(prefix).inserted { return 1 }
        repeated[prefix] = 2
        return 2
    }
}
