import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/inbound/email-dsn`: a bounce (RFC 3464 DSN) as the raw `message/rfc822`, or its
    /// delivery-status fields as text. The report is matched by the original Message-ID (else the
    /// envelope id) → the sent email becomes `undeliverable` (or `delivered`) with the diagnostic
    /// code; a hard bounce (failed, 5.x.x) puts the recipient on the suppression list.
    /// 200 `{"reference", "outcome", "result", "distributionId"?, "suppressed"}`.
    func emailDSN(_ call: Call) async throws -> Response {
        let body = try await bodies.collect(call.request)
        guard !body.isEmpty else { throw Problem.badRequest("a DSN body is required") }
        let dsn = try DeliveryStatusNotification.parse([UInt8](body))
        guard let reference = dsn.originalMessageId ?? dsn.originalEnvelopeId else {
            throw HeraldError.invalid("body", "the DSN names neither the original Message-ID nor an envelope id")
        }
        let failed = dsn.recipients.first { $0.action == "failed" }
        let delivered = dsn.recipients.first { $0.action == "delivered" || $0.action == "relayed" }
        guard let chosen = failed ?? delivered else {
            // delayed / expanded: nothing final to record.
            return try JSONResponse.make(DSNResultRepresentation(reference: reference, outcome: nil, result: "ignored",
                                                                 distributionId: nil, suppressed: []))
        }
        let outcome: DeliveryReport.Outcome = failed != nil ? .undeliverable : .delivered
        let detail = chosen.diagnosticCode ?? "status \(chosen.status)"
        let report = DeliveryReport(method: .email, reference: reference, outcome: outcome, at: now, detail: detail)
        let result = try await store.applyDeliveryReports([report], actor: call.actor).first ?? .unmatched

        var distributionId: String?
        var suppressed: [String] = []
        var resultName = "unmatched"
        switch result {
        case .applied(_, let id): distributionId = id; resultName = "applied"
        case .alreadyFinal(_, let id): distributionId = id; resultName = "alreadyFinal"
        case .unmatched: break
        }
        let hard = dsn.recipients.filter(\.isHardBounce)
        if !hard.isEmpty {
            var addresses = hard.compactMap(\.finalRecipient).filter { EmailAddress.isValid($0) }
            if addresses.isEmpty, case .applied(let requestId, _) = result,
               let target = try await store.request(id: requestId)?.distribution?.target {
                addresses = [target]
            }
            if !addresses.isEmpty {
                try await store.suppress(addresses: addresses, reason: "hard bounce \(hard[0].status): \(detail)", at: now)
                suppressed = addresses
            }
        }
        return try JSONResponse.make(DSNResultRepresentation(reference: reference, outcome: outcome.rawValue, result: resultName,
                                                             distributionId: distributionId, suppressed: suppressed))
    }
}
