import Foundation
import HeraldCore
import Logging

/// The actions on a comm (cancel, resend, requeue) and the one-off comm. Each is a POST with
/// the session's CSRF token (checked before the handler runs) and a reason; each writes its
/// change, the request's history row (actor `agent:<name>`) and the audit row in one
/// transaction (``AgentStore``), then answers `303` to the comm's page.
extension AgentView {
    /// The longest reason kept.
    static let maxReason = 500

    /// Which action forms the comm page shows to this user.
    func actionValues(_ call: AgentCall, _ detail: RequestDetail) -> [String: Any] {
        guard let user = call.user, let session = call.session else { return [:] }
        let status = detail.request.status
        let waiting = status == .awaitingProcessing || status == .awaitingEventResolution
        let canCancel = waiting
        let canResend = !waiting && deps.intake != nil
        let canRequeue = status == .error && detail.distribution == nil && user.role.satisfies(.supervisor)
        var values: [String: Any] = [
            "csrf": session.csrfToken, "canCancel": canCancel, "canResend": canResend, "canRequeue": canRequeue,
            "hasActions": canCancel || canResend || canRequeue,
        ]
        values["resendMethods"] = (deps.catalog.code(detail.request.commsCode)?.methods ?? []).map(\.rawValue)
        switch call.query["done"] {
        case "cancelled": values["notice"] = "Cancelled."
        case "requeued": values["notice"] = "Put back in the queue."
        case "resent": values["notice"] = "This is the new comm, resent from the one it copies."
        case "sent": values["notice"] = "The one-off comm is queued."
        default: break
        }
        return values
    }

    /// The reason of an action's form: required, at most ``maxReason`` characters.
    static func reason(_ form: FormFields) throws -> String {
        guard let reason = form["reason"] else { throw HeraldError.invalid("reason", "Give a reason: it is kept with the comm's history and in the audit.") }
        guard reason.count <= maxReason else { throw HeraldError.invalid("reason", "The reason must have at most \(maxReason) characters.") }
        return reason
    }

    func audit(_ call: AgentCall, _ action: String, requestId: String?, reason: String, detail: String? = nil) -> AgentAuditEntry {
        AgentAuditEntry(at: now, agent: call.user?.name ?? "?", action: action, requestId: requestId, reason: reason, detail: detail)
    }

    func logAction(_ call: AgentCall, _ action: String, _ requestId: String) {
        deps.logger.info("agent action", metadata: ["agent.user": "\(call.user?.name ?? "?")", "agent.action": "\(action)",
                                                    "request.id": "\(requestId)"])
    }

    /// `POST /agent/comms/{id}/cancel`: a waiting comm → cancelled.
    func cancel(_ call: AgentCall) async throws -> AgentReply {
        let id = try call.parameter("id")
        let reason = try Self.reason(call.form)
        _ = try await agents.agentCancel(requestId: id, audit: audit(call, "cancel", requestId: id, reason: reason))
        logAction(call, "cancel", id)
        return .redirect(Self.commPath(id) + "?done=cancelled")
    }

    /// `POST /agent/comms/{id}/requeue` (supervisor): a comm in error → awaiting processing.
    func requeue(_ call: AgentCall) async throws -> AgentReply {
        let id = try call.parameter("id")
        let reason = try Self.reason(call.form)
        _ = try await agents.agentRequeue(requestId: id, audit: audit(call, "requeue", requestId: id, reason: reason))
        deps.intake?.signals.ring(.monitor)
        logAction(call, "requeue", id)
        return .redirect(Self.commPath(id) + "?done=requeued")
    }

    /// `POST /agent/comms/{id}/resend`: a new request `copyOf` this one, with its code, target,
    /// priority and fields, and optionally another method the code allows (`method`).
    func resend(_ call: AgentCall) async throws -> AgentReply {
        let id = try call.parameter("id")
        let reason = try Self.reason(call.form)
        guard let intake = deps.intake else { throw HeraldError.unavailable("Resending is not available here.") }
        guard let original = try await deps.store.request(id: id)?.request else { throw HeraldError.notFound("There is no comm \(id).") }
        guard original.status != .awaitingProcessing && original.status != .awaitingEventResolution else {
            throw HeraldError.illegalTransition("Comm \(id) has not been processed yet; there is nothing to resend.")
        }
        let t = original.target
        let input = CommsRequestInput(
            commsCode: original.commsCode, customerId: t.kind == .customer ? t.id : nil, accountId: t.kind == .account ? t.id : nil,
            subscriptionId: t.kind == .subscription ? t.id : nil, priority: original.priority,
            deliveryMethod: call.form["method"] ?? original.overrideMethod?.rawValue, fields: original.fields, copyOf: original.id)
        let name = call.user?.name ?? "?"
        let request = try await intake.prepare(input, actor: agentActor(name), source: .agent)
        try await agents.agentSubmit(request, audit: audit(call, "resend", requestId: original.id, reason: reason,
                                                           detail: "new request \(request.id)"))
        intake.signals.ring(.monitor)
        logAction(call, "resend", original.id)
        return .redirect(Self.commPath(request.id) + "?done=resent")
    }
}
