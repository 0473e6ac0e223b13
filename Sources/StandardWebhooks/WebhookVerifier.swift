import Crypto
import Foundation

/// Verifies received webhooks: the three headers must be present, the timestamp within
/// ``tolerance`` of now (either way: replayed and post-dated messages are refused), and one of
/// the `webhook-signature` entries must be the `v1` signature of the body under one of
/// ``secrets`` (several during a key rotation). Entries of other versions (`v1a`, `v2`) are
/// ignored. Signatures are compared in constant time.
public struct WebhookVerifier: Sendable {
    /// The secrets any of which may have signed.
    public let secrets: [WebhookSecret]
    /// How far the timestamp may be from now (the reference libraries use five minutes).
    public let tolerance: Duration

    /// Why a webhook was refused.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// A required header is missing or empty (its name).
        case missingHeader(String)
        /// `webhook-timestamp` is not a number of seconds.
        case invalidTimestamp(String)
        /// The timestamp is older than the tolerance allows.
        case timestampTooOld
        /// The timestamp is further in the future than the tolerance allows.
        case timestampTooNew
        /// No signature matches.
        case noMatchingSignature

        public var description: String {
            switch self {
            case .missingHeader(let name): "missing header \(name)"
            case .invalidTimestamp(let value): "webhook-timestamp '\(value)' is not a number of seconds"
            case .timestampTooOld: "message timestamp too old"
            case .timestampTooNew: "message timestamp too new"
            case .noMatchingSignature: "no matching signature found"
            }
        }
    }

    /// A verifier accepting signatures by any of `secrets`, timestamps within `tolerance`.
    public init(secrets: [WebhookSecret], tolerance: Duration = .seconds(300)) {
        self.secrets = secrets
        self.tolerance = tolerance
    }

    /// A verifier with one secret.
    public init(secret: WebhookSecret, tolerance: Duration = .seconds(300)) {
        self.init(secrets: [secret], tolerance: tolerance)
    }

    /// Verifies `body` against `headers` (names in any case) at time `now`.
    public func verify(body: some DataProtocol, headers: [String: String], now: Date = Date()) throws(Failure) {
        var lower: [String: String] = [:]
        for (name, value) in headers { lower[name.lowercased()] = value }
        func header(_ name: String) throws(Failure) -> String {
            guard let value = lower[name], !value.isEmpty else { throw .missingHeader(name) }
            return value
        }
        let id = try header(StandardWebhooks.idHeader)
        let timestampText = try header(StandardWebhooks.timestampHeader)
        let signatures = try header(StandardWebhooks.signatureHeader)
        try verify(body: body, id: id, timestamp: timestampText, signatures: signatures, now: now)
    }

    /// Verifies `body` against the three header values given apart.
    public func verify(body: some DataProtocol, id: String, timestamp timestampText: String, signatures: String,
                       now: Date = Date()) throws(Failure) {
        guard let timestamp = Int64(timestampText.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidTimestamp(timestampText)
        }
        let (seconds, attoseconds) = tolerance.components
        let allowed = Double(seconds) + Double(attoseconds) / 1e18
        let age = now.timeIntervalSince1970 - Double(timestamp)
        if age > allowed { throw .timestampTooOld }
        if -age > allowed { throw .timestampTooNew }

        let received: [[UInt8]] = signatures.split(separator: " ").compactMap { entry in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == Substring(StandardWebhooks.symmetricVersion),
                  let data = Data(base64Encoded: String(parts[1])) else { return nil }
            return Array(data)
        }
        let content = Array("\(id).\(timestamp).".utf8) + Array(body)
        for secret in secrets {
            for signature in received where signature.count == SHA256.byteCount {
                // Constant-time comparison.
                if HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: content, using: secret.key) { return }
            }
        }
        throw .noMatchingSignature
    }
}
