import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/inbound/email-dsn`: a bounce (RFC 3464 DSN) as the raw `message/rfc822`, or its
    /// delivery-status fields as text. The report is matched by the envelope id
    /// (`Original-Envelope-Id` → `envid:<id>`), else the original Message-ID → the sent email
    /// becomes `undeliverable` (or `delivered`) with the diagnostic code; a hard bounce (failed,
    /// 5.x.x) puts the recipient on the suppression list (``DSNApplication``, shared with the
    /// watched bounce folder).
    /// 200 `{"reference", "outcome", "result", "distributionId"?, "suppressed"}`.
    func emailDSN(_ call: Call) async throws -> Response {
        let body = try await bodies.collect(call.request)
        guard !body.isEmpty else { throw Problem.badRequest("a DSN body is required") }
        let dsn = try DeliveryStatusNotification.parse([UInt8](body))
        let applied = try await DSNApplication.apply(dsn, store: store, actor: call.actor, at: now)
        return try JSONResponse.make(DSNResultRepresentation(
            reference: applied.reference, outcome: applied.outcome?.rawValue, result: applied.result,
            distributionId: applied.distributionId, suppressed: applied.suppressed))
    }
}
