/// Standard Webhooks (https://www.standardwebhooks.com, specification 1.0.0) symmetric
/// signatures: a ``WebhookSecret`` (`whsec_<base64>`), a ``WebhookSigner`` that signs
/// `{msg_id}.{timestamp}.{payload}` with HMAC-SHA256 into `v1,<base64>` and a
/// ``WebhookVerifier`` that checks the three headers with a timestamp tolerance and any of
/// several secrets (key rotation). No I/O: the caller sends and receives the request.
public enum StandardWebhooks {
    /// `webhook-id`: the message's id, the same on every retry (receivers de-duplicate by it).
    public static let idHeader = "webhook-id"
    /// `webhook-timestamp`: the attempt's time, whole seconds since 1970 UTC.
    public static let timestampHeader = "webhook-timestamp"
    /// `webhook-signature`: space-separated `<version>,<base64>` signatures.
    public static let signatureHeader = "webhook-signature"
    /// `v1`: the identifier of HMAC-SHA256 signatures.
    public static let symmetricVersion = "v1"
}
