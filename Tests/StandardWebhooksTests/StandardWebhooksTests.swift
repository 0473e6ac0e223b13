import Foundation
import Testing
@testable import StandardWebhooks

/// The reference libraries' published example (standard-webhooks/standard-webhooks,
/// libraries/*/ tests: "sign function works") and their verification cases.
@Suite struct StandardWebhooksTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let payload = #"{"test": 2432232314}"#
    static let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func signsThePublishedExample() throws {
        let signer = WebhookSigner(secret: try WebhookSecret(Self.secret))
        #expect(signer.signature(id: Self.id, timestamp: Self.timestamp, body: Array(Self.payload.utf8)) == Self.expected)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp, body: Array(Self.payload.utf8))
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.value) == [Self.id, "1614265330", Self.expected])
    }

    @Test func readsSecretsWithAndWithoutPrefixAndPadding() throws {
        let a = try WebhookSecret(Self.secret)
        let b = try WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(a == b)
        #expect(a.bytes.count == 24)
        #expect(a.serialized == Self.secret)
        // Unpadded base64 (25 bytes → 34 characters without "==").
        let unpadded = String(Data(repeating: 7, count: 25).base64EncodedString().trimmingCharacters(in: ["="]))
        #expect(try WebhookSecret("whsec_" + unpadded).bytes == [UInt8](repeating: 7, count: 25))
        #expect(throws: WebhookSecret.ParseError.empty) { try WebhookSecret("whsec_") }
        #expect(throws: WebhookSecret.ParseError.empty) { try WebhookSecret("") }
        #expect(throws: WebhookSecret.ParseError.notBase64) { try WebhookSecret("whsec_not*base64!") }
        #expect(!a.description.contains("MfKQ"))
        let generated = WebhookSecret.generate()
        #expect(generated.bytes.count == 32)
        #expect(try WebhookSecret(generated.serialized) == generated)
    }

    func headers(at date: Date, secret: String = secret) throws -> [String: String] {
        let signer = WebhookSigner(secret: try WebhookSecret(secret))
        var h: [String: String] = [:]
        for (name, value) in signer.headers(id: Self.id, date: date, body: Array(Self.payload.utf8)) { h[name] = value }
        return h
    }

    @Test func verifiesAValidSignatureAndRefusesTheRest() throws {
        let verifier = WebhookVerifier(secret: try WebhookSecret(Self.secret))
        let body = Array(Self.payload.utf8)
        let now = Date()
        let good = try headers(at: now)
        try verifier.verify(body: body, headers: good, now: now)
        // Header names in any case.
        try verifier.verify(body: body, headers: Dictionary(uniqueKeysWithValues: good.map { ($0.key.uppercased(), $0.value) }), now: now)

        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            var h = good
            h[name] = nil
            #expect(throws: WebhookVerifier.Failure.missingHeader(name)) { try verifier.verify(body: body, headers: h, now: now) }
        }
        var h = good
        h["webhook-timestamp"] = "hello"
        #expect(throws: WebhookVerifier.Failure.invalidTimestamp("hello")) { try verifier.verify(body: body, headers: h, now: now) }
        h = good
        h["webhook-signature"] = "v1,dawfeoifkpqwoekfpqoekf"
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
        h["webhook-signature"] = String(good["webhook-signature"]!.prefix(8))
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
        h["webhook-signature"] = "v1,"
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
        // The right MAC under another version is not a v1 signature.
        h["webhook-signature"] = "v2," + good["webhook-signature"]!.dropFirst(3)
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
        // A changed body, id or timestamp.
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) {
            try verifier.verify(body: Array(#"{"test": 2432232315}"#.utf8), headers: good, now: now)
        }
        h = good
        h["webhook-id"] = "msg_other"
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
        h = good
        h["webhook-timestamp"] = String(Int64(now.timeIntervalSince1970) - 1)
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) { try verifier.verify(body: body, headers: h, now: now) }
    }

    @Test func refusesTimestampsOutsideTheTolerance() throws {
        let verifier = WebhookVerifier(secret: try WebhookSecret(Self.secret))
        let body = Array(Self.payload.utf8)
        let now = Date()
        #expect(throws: WebhookVerifier.Failure.timestampTooOld) {
            try verifier.verify(body: body, headers: try headers(at: now.addingTimeInterval(-301)), now: now)
        }
        #expect(throws: WebhookVerifier.Failure.timestampTooNew) {
            try verifier.verify(body: body, headers: try headers(at: now.addingTimeInterval(301)), now: now)
        }
        try verifier.verify(body: body, headers: try headers(at: now.addingTimeInterval(-290)), now: now)
        try verifier.verify(body: body, headers: try headers(at: now.addingTimeInterval(290)), now: now)
        let strict = WebhookVerifier(secret: try WebhookSecret(Self.secret), tolerance: .seconds(10))
        #expect(throws: WebhookVerifier.Failure.timestampTooOld) {
            try strict.verify(body: body, headers: try headers(at: now.addingTimeInterval(-20)), now: now)
        }
    }

    @Test func acceptsOneGoodSignatureAmongSeveral() throws {
        let verifier = WebhookVerifier(secret: try WebhookSecret(Self.secret))
        let now = Date()
        var h = try headers(at: now)
        h["webhook-signature"] = [
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            h["webhook-signature"]!, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        ].joined(separator: " ")
        try verifier.verify(body: Array(Self.payload.utf8), headers: h, now: now)
    }

    @Test func rotatesKeys() throws {
        let old = WebhookSecret.generate(), new = WebhookSecret.generate()
        let body = Array(#"{"a":1}"#.utf8)
        let now = Date()
        let both = WebhookSigner(secrets: [old, new]).headers(id: "msg_1", date: now, body: body)
        let signature = both.first { $0.name == "webhook-signature" }!.value
        #expect(signature.split(separator: " ").count == 2)
        var h: [String: String] = [:]
        for (n, v) in both { h[n] = v }
        // A receiver holding either key verifies; one holding neither does not.
        try WebhookVerifier(secret: old).verify(body: body, headers: h, now: now)
        try WebhookVerifier(secret: new).verify(body: body, headers: h, now: now)
        #expect(throws: WebhookVerifier.Failure.noMatchingSignature) {
            try WebhookVerifier(secret: WebhookSecret.generate()).verify(body: body, headers: h, now: now)
        }
        // A receiver rotating keys accepts a message signed by the old one only.
        let oldOnly = WebhookSigner(secret: old).headers(id: "msg_1", date: now, body: body)
        h = [:]
        for (n, v) in oldOnly { h[n] = v }
        try WebhookVerifier(secrets: [new, old]).verify(body: body, headers: h, now: now)
    }

    @Test func messageIDsWithoutDots() {
        #expect(WebhookSigner.isValidMessageID("msg_p5jXN8AQM9LWM0D4loKWxJek"))
        #expect(!WebhookSigner.isValidMessageID("msg.1"))
        #expect(!WebhookSigner.isValidMessageID(""))
        #expect(!WebhookSigner.isValidMessageID("msg 1"))
    }
}
