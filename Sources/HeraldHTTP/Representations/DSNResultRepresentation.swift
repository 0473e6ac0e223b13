/// The answer to `POST /v1/inbound/email-dsn`.
struct DSNResultRepresentation: Encodable {
    var reference: String
    var outcome: String?
    /// `applied`, `alreadyFinal`, `unmatched` or `ignored` (a delay notice).
    var result: String
    var distributionId: String?
    var suppressed: [String]
}
