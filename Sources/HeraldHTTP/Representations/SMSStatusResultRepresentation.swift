/// The answer to `POST /v1/inbound/sms-status/{route}`: one result per status report, in order.
struct SMSStatusResultRepresentation: Encodable {
    /// What became of one report.
    struct Item: Encodable {
        /// The provider message id reported.
        var id: String
        /// `applied`, `alreadyFinal` or `unmatched`.
        var result: String
        /// The distribution the report matched, when it matched one.
        var distributionId: String?
    }

    var results: [Item]
}
