import Crypto
import Foundation

/// Signs webhooks per the Standard Webhooks specification: the signed content is
/// `{msg_id}.{timestamp}.{payload}` (the body bytes exactly as sent), the signature
/// `v1,<base64 HMAC-SHA256>`. With several secrets (a key being rotated) the header carries
/// one signature per secret, space-separated, so receivers holding either key verify.
public struct WebhookSigner: Sendable {
    /// The secrets signed with, in header order.
    public let secrets: [WebhookSecret]
    /// An HMAC per secret with its key already set up, copied for each message (a signer made
    /// once and kept signs without redoing the key schedule).
    private let keyed: [HMAC<SHA256>]

    /// A signer with one secret.
    public init(secret: WebhookSecret) {
        self.secrets = [secret]
        self.keyed = [HMAC<SHA256>(key: secret.key)]
    }

    /// A signer with several secrets (at least one): every message carries a signature by each.
    public init(secrets: [WebhookSecret]) {
        precondition(!secrets.isEmpty, "a webhook signer needs a secret")
        self.secrets = secrets
        self.keyed = secrets.map { HMAC<SHA256>(key: $0.key) }
    }

    /// Whether `id` may be a message id: not empty, no `.` (the specification forbids it, as it
    /// delimits the signed content), printable ASCII without spaces.
    public static func isValidMessageID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ".") }
    }

    /// `v1,<base64>` for one secret.
    public static func signature(secret: WebhookSecret, id: String, timestamp: Int64, body: some DataProtocol) -> String {
        signature(keyed: HMAC<SHA256>(key: secret.key), id: id, timestamp: timestamp, body: body)
    }

    /// `v1,<base64>` from a keyed HMAC (consumed: a copy).
    static func signature(keyed: HMAC<SHA256>, id: String, timestamp: Int64, body: some DataProtocol) -> String {
        var hmac = keyed
        var prefix: [UInt8] = []
        prefix.reserveCapacity(id.utf8.count + 22)
        prefix += id.utf8
        prefix.append(UInt8(ascii: "."))
        prefix += String(timestamp).utf8
        prefix.append(UInt8(ascii: "."))
        prefix.withUnsafeBytes { hmac.update(data: $0) }
        // Contiguous bodies (the usual [UInt8]) straight from memory, not region by region.
        let contiguous: Void? = body.withContiguousStorageIfAvailable { hmac.update(data: UnsafeRawBufferPointer($0)) }
        if contiguous == nil { hmac.update(data: body) }
        let mac = hmac.finalize()
        return StandardWebhooks.symmetricVersion + "," + Data(mac).base64EncodedString()
    }

    /// The `webhook-signature` value: one `v1,<base64>` per secret, space-separated.
    public func signature(id: String, timestamp: Int64, body: some DataProtocol) -> String {
        if keyed.count == 1 { return Self.signature(keyed: keyed[0], id: id, timestamp: timestamp, body: body) }
        return keyed.map { Self.signature(keyed: $0, id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }

    /// The three headers to send: `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    public func headers(id: String, timestamp: Int64, body: some DataProtocol) -> [(name: String, value: String)] {
        [
            (StandardWebhooks.idHeader, id),
            (StandardWebhooks.timestampHeader, String(timestamp)),
            (StandardWebhooks.signatureHeader, signature(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// ``headers(id:timestamp:body:)`` stamped with `date` (whole seconds, rounded down).
    public func headers(id: String, date: Date = Date(), body: some DataProtocol) -> [(name: String, value: String)] {
        headers(id: id, timestamp: Int64(date.timeIntervalSince1970.rounded(.down)), body: body)
    }
}
