import Foundation

/// What applying one bounce (``DeliveryStatusNotification``) did: shared by
/// `POST /v1/inbound/email-dsn` and the watched bounce folder.
///
/// ``apply(_:store:actor:at:)`` matches the report to the sent email by its envelope id first
/// (`Original-Envelope-Id`, recorded as `envid:<id>` in the distribution's reference when the
/// relay offered DSN), else by the original Message-ID; the distribution becomes
/// `undeliverable` (any recipient `failed`) or `delivered` with the diagnostic code, and a hard
/// bounce (failed, 5.x.x) puts the recipients on the suppression list. Delay notices change
/// nothing (`ignored`).
public struct DSNApplication: Sendable, Hashable {
    /// The reference the report was matched by (or, unmatched, the one it is logged under).
    public var reference: String
    /// `delivered` or `undeliverable`; nil for a delay notice.
    public var outcome: DeliveryReport.Outcome?
    /// `applied`, `alreadyFinal`, `unmatched` or `ignored`.
    public var result: String
    /// The distribution matched, if any.
    public var distributionId: String?
    /// The addresses put on the suppression list.
    public var suppressed: [String]

    /// Creates a result.
    public init(reference: String, outcome: DeliveryReport.Outcome?, result: String, distributionId: String?, suppressed: [String]) {
        self.reference = reference
        self.outcome = outcome
        self.result = result
        self.distributionId = distributionId
        self.suppressed = suppressed
    }

    /// The references a DSN can be matched by, in order: `envid:<Original-Envelope-Id>`, then
    /// the original Message-ID.
    public static func references(of dsn: DeliveryStatusNotification) -> [String] {
        var refs: [String] = []
        if let envid = dsn.originalEnvelopeId?.trimmingBlanks, !envid.isEmpty { refs.append("envid:\(envid)") }
        if let id = dsn.originalMessageId { refs.append(id) }
        return refs
    }

    /// Applies a parsed DSN to the store. Throws `invalidInput` when the DSN names neither an
    /// envelope id nor a Message-ID.
    public static func apply(_ dsn: DeliveryStatusNotification, store: any CommsStore, actor: String, at now: Date) async throws -> DSNApplication {
        let references = references(of: dsn)
        guard let primary = dsn.originalMessageId ?? references.first else {
            throw HeraldError.invalid("body", "the DSN names neither the original Message-ID nor an envelope id")
        }
        let failed = dsn.recipients.first { $0.action == "failed" }
        let delivered = dsn.recipients.first { $0.action == "delivered" || $0.action == "relayed" }
        guard let chosen = failed ?? delivered else {
            return DSNApplication(reference: primary, outcome: nil, result: "ignored", distributionId: nil, suppressed: [])
        }
        let outcome: DeliveryReport.Outcome = failed != nil ? .undeliverable : .delivered
        let detail = chosen.diagnosticCode ?? "status \(chosen.status)"

        // The envelope id first; the Message-ID only when the envelope id matched nothing.
        var matched = primary
        var result = DeliveryReportResult.unmatched
        for reference in references {
            // The MTA's Arrival-Date when it gave one (the provider's clock), else the report's arrival.
            let report = DeliveryReport(method: .email, reference: reference, outcome: outcome, at: dsn.arrivalDate ?? now, detail: detail)
            result = try await store.applyDeliveryReports([report], actor: actor).first ?? .unmatched
            if result != .unmatched {
                matched = reference
                break
            }
        }

        var out = DSNApplication(reference: matched, outcome: outcome, result: "unmatched", distributionId: nil, suppressed: [])
        switch result {
        case .applied(_, let id): out.distributionId = id; out.result = "applied"
        case .alreadyFinal(_, let id): out.distributionId = id; out.result = "alreadyFinal"
        case .unmatched: break
        }
        let hard = dsn.recipients.filter(\.isHardBounce)
        if !hard.isEmpty {
            var addresses = hard.compactMap(\.finalRecipient).filter { EmailTarget.isValid($0) }
            if addresses.isEmpty, case .applied(let requestId, _) = result,
               let target = try await store.request(id: requestId)?.distribution?.target {
                addresses = [target]
            }
            if !addresses.isEmpty {
                try await store.suppress(addresses: addresses, reason: "hard bounce \(hard[0].status): \(detail)", at: now)
                out.suppressed = addresses
            }
        }
        return out
    }
}
