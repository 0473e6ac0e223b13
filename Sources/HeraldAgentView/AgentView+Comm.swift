import Foundation
import HTTPTypes
import HeraldCore

extension AgentView {
    /// `GET /agent/comms/{id}`: one comm — header, distribution, status timeline, merge fields,
    /// its text, its email (a sandboxed frame) or letter (PDF), its stored document, its
    /// problems explained, and the actions the agent's role allows.
    func comm(_ call: AgentCall) async throws -> AgentReply {
        let id = try call.parameter("id")
        guard let detail = try await deps.store.request(id: id) else { throw HeraldError.notFound("There is no comm \(id).") }
        let r = detail.request
        let customerId = try await deps.store.contexts(for: [r.target])[r.target]?.customer.id
        var values = Self.values([
            "id": r.id, "code": r.commsCode, "description": deps.catalog.code(r.commsCode)?.description,
            "priority": r.priority, "status": r.status.rawValue, "statusCode": r.status.code,
            "targetStatus": Self.targetRequestStatus(detail), "source": r.source.rawValue, "createdBy": r.createdBy,
            "created": Self.display(r.createdAt), "updated": Self.display(r.updatedAt),
            "level": r.target.kind.rawValue, "levelId": r.target.id,
            "customerHref": customerId.map(Self.customerPath), "customerId": customerId,
            "workflowEventId": r.workflowEventId, "externalTriggerId": r.externalTriggerId,
            "overrideMethod": r.overrideMethod?.rawValue,
            "copyOf": r.copyOf, "copyOfHref": r.copyOf.map(Self.commPath),
        ])
        if let d = detail.distribution {
            values["distribution"] = Self.values([
                "method": d.method.rawValue, "target": d.target, "alias": d.alias, "status": d.status.rawValue, "statusCode": d.status.code,
                "reference": d.reference, "language": d.language, "attempts": d.attempts,
                "excludedUntil": Self.display(d.excludedUntil), "retryAt": Self.display(d.retryAt),
                "sent": Self.display(d.sentAt), "actualSent": Self.display(d.actualSentAt), "actualTarget": d.actualTarget,
                "actualMethod": d.actualMethod?.rawValue, "read": Self.display(d.readAt), "lastError": d.lastError,
                "fileLocation": d.fileLocation, "created": Self.display(d.createdAt), "updated": Self.display(d.updatedAt),
            ])
            if let text = d.message, !text.isEmpty, !d.method.isMergedLater {
                values["message"] = ["method": d.method.rawValue, "text": text] as [String: Any]
            }
            if d.fileLocation != nil, deps.documents != nil {
                if d.method == .email { values["emailHref"] = Self.commPath(r.id) + "/email" }
                if d.method == .letter {
                    values["letterHref"] = Self.commPath(r.id) + "/letter.pdf"
                    values["letterDownload"] = Self.commPath(r.id) + "/letter.pdf?download=1"
                }
            }
        }
        values["timeline"] = detail.history.map { h in
            Self.values(["at": Self.display(h.at), "atISO": h.at.ISO8601Format(), "entity": h.entity.rawValue,
                         "from": h.from ?? "—", "to": h.to, "actor": h.actor, "reason": h.reason])
        }
        values["requestFields"] = Self.fieldRows(r.fields)
        values["hasRequestFields"] = !r.fields.isEmpty
        if let d = detail.distribution, !d.fields.isEmpty {
            values["distributionFields"] = Self.fieldRows(d.fields)
            values["hasDistributionFields"] = true
        }
        values["hasProblems"] = !detail.problems.isEmpty
        values["problems"] = detail.problems.map { p in
            ["kind": Self.problemTitle(p.kind), "reason": p.reason, "at": Self.display(p.at) ?? "", "explanation": Self.explanation(p.kind)]
        }
        if let s = detail.storedDocument {
            values["stored"] = Self.values([
                "status": s.status.rawValue, "backend": s.backend, "location": s.location, "sha256": s.sha256, "size": s.size,
                "storedAt": Self.display(s.storedAt), "keyId": s.keyId, "lastError": s.lastError, "attempts": s.attempts,
                "local": s.localLocation, "chainSeq": s.chainSeq,
            ])
        }
        values["href"] = Self.commPath(r.id)
        values.merge(actionValues(call, detail)) { _, new in new }
        var reply = page(call, title: "Comm \(r.id)", template: "comm", values)
        reply.policy = AgentSecurity.commPagePolicy
        return reply
    }

    /// `GET /agent/comms/{id}/email`: the stored email's HTML, served to a sandboxed frame
    /// with a CSP that lets nothing load or run but the message's own inline images.
    func commEmail(_ call: AgentCall) async throws -> AgentReply {
        let (_, document) = try await document(call, method: .email)
        let email = StoredEmail(document.bytes)
        var reply = AgentReply(status: .ok, body: email.html)
        reply.policy = AgentSecurity.emailPolicy
        reply.sameOriginFrames = true
        return reply
    }

    /// `GET /agent/comms/{id}/letter.pdf` (`?download=1` as an attachment): the letter as
    /// `application/pdf`, through the document route's retrieval (local pack, else long-term copy).
    func commLetter(_ call: AgentCall) async throws -> AgentReply {
        let (id, document) = try await document(call, method: .letter)
        var reply = AgentReply(status: .ok, contentType: "application/pdf", body: "")
        reply.bytes = document.bytes
        // Only who may frame it: a stricter policy would stop the browser's own PDF viewer.
        reply.policy = "frame-ancestors 'self'"
        reply.sameOriginFrames = true
        let name = id.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        reply.disposition = (call.query["download"] == nil ? "inline" : "attachment") + "; filename=\"\(name).pdf\""
        return reply
    }

    private func document(_ call: AgentCall, method: DeliveryMethod) async throws -> (String, RetrievedDocument) {
        let id = try call.parameter("id")
        guard let detail = try await deps.store.request(id: id) else { throw HeraldError.notFound("There is no comm \(id).") }
        guard detail.distribution?.method == method, let retrieval = deps.documents,
              let document = try await retrieval.document(of: detail) else {
            throw HeraldError.notFound("Comm \(id) has no \(method == .email ? "email" : "letter") document.")
        }
        return (id, document)
    }

    static func commPath(_ id: String) -> String { "/agent/comms/" + segment(id) }

    static func fieldRows(_ fields: [String: String]) -> [[String: String]] {
        fields.keys.sorted().map { ["name": $0, "value": fields[$0] ?? ""] }
    }

    static func problemTitle(_ kind: RequestProblem.Kind) -> String {
        switch kind {
        case .notSent: "Not sent"
        case .optedOut: "Opted out"
        case .error: "Error"
        case .delivery: "Delivery failed"
        }
    }

    /// What a problem means for the agent, and what can be done.
    static func explanation(_ kind: RequestProblem.Kind) -> String {
        switch kind {
        case .notSent:
            "No method the comms code allows could reach the customer (no contact point, or the method cannot be used). Add the contact point, then resend."
        case .optedOut:
            "The customer opted out of every method this comms code allows for its category; Herald did not send it. Resend only if the customer asks for it."
        case .error:
            "Herald could not process or send the comm (a template, a merge or the provider failed). A supervisor can requeue it once the cause is fixed."
        case .delivery:
            "The provider accepted the comm but reported that it could not be delivered. Check the contact point, then resend."
        }
    }
}
