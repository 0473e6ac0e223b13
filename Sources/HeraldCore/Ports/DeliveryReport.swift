import Foundation

/// What a provider reports back about a sent comm: an SMSC delivery receipt, an email DSN, an
/// external system's acknowledgement. Matched to the distribution by provider reference.
public struct DeliveryReport: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case delivered, undeliverable
    }
    public var method: DeliveryMethod
    /// The provider's id of what was sent: one SMSC message id (of any segment), a Message-ID.
    public var reference: String
    public var outcome: Outcome
    /// When the provider says it happened.
    public var at: Date
    /// The provider's words: `stat:UNDELIV err:001`, a DSN diagnostic code.
    public var detail: String?

    public init(method: DeliveryMethod, reference: String, outcome: Outcome, at: Date, detail: String? = nil) {
        self.method = method
        self.reference = reference
        self.outcome = outcome
        self.at = at
        self.detail = detail
    }
}

/// What became of one ``DeliveryReport``.
public enum DeliveryReportResult: Sendable, Hashable {
    /// The distribution moved to `delivered` or `undeliverable`.
    case applied(requestId: String, distributionId: String)
    /// The distribution had already reached a final status (a second segment's receipt, a
    /// duplicate): logged, status unchanged.
    case alreadyFinal(requestId: String, distributionId: String)
    /// No distribution has this reference (yet): logged, never dropped, and applied if the
    /// reference is recorded later (a receipt that overtook its own send).
    case unmatched
}
