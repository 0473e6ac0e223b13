import Foundation
import HeraldCore

/// The JSON of a comms request as agents and triggering systems see it (`GET
/// /v1/comms-requests/{id}`): the header, its one distribution (or null), its history and its
/// recorded problems. Absent values are written as `null`, the target as its one id key.
struct RequestRepresentation: Encodable {
    var detail: RequestDetail

    init(_ detail: RequestDetail) { self.detail = detail }

    func encode(to encoder: any Encoder) throws {
        let r = detail.request
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(r.id, forKey: "id")
        try c.encode(r.commsCode, forKey: "commsCode")
        try c.encode(r.priority, forKey: "priority")
        try c.encode(r.status.rawValue, forKey: "requestStatus")
        try c.encode(r.status.code, forKey: "requestStatusCode")
        try c.encode(r.target.id, forKey: JSONKey(r.target.kind.field))
        try c.encode(r.workflowEventId, forKey: "workflowEventId")
        try c.encode(r.externalTriggerId, forKey: "externalTriggerId")
        try c.encode(r.overrideMethod?.rawValue, forKey: "overrideMethod")
        try c.encode(r.copyOf, forKey: "copyOf")
        try c.encode(r.fields, forKey: "fields")
        try c.encode(r.source.rawValue, forKey: "source")
        try c.encode(r.createdBy, forKey: "createdBy")
        try c.encode(Timestamp.string(r.createdAt), forKey: "createdAt")
        try c.encode(Timestamp.string(r.updatedAt), forKey: "updatedAt")
        try c.encode(detail.distribution.map(DistributionRepresentation.init), forKey: "distribution")
        try c.encode(detail.history.map(HistoryRepresentation.init), forKey: "history")
        try c.encode(detail.problems.map(ProblemRepresentation.init), forKey: "errors")
    }
}

/// A distribution row inside ``RequestRepresentation``.
struct DistributionRepresentation: Encodable {
    var distribution: Distribution

    init(_ distribution: Distribution) { self.distribution = distribution }

    func encode(to encoder: any Encoder) throws {
        let d = distribution
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(d.id, forKey: "id")
        try c.encode(d.method.rawValue, forKey: "deliveryMethod")
        try c.encode(d.target, forKey: "target")
        try c.encode(d.alias, forKey: "alias")
        try c.encode(d.status.rawValue, forKey: "distributionStatus")
        try c.encode(d.status.code, forKey: "distributionStatusCode")
        try c.encode(d.message, forKey: "message")
        try c.encode(d.fileLocation, forKey: "fileLocation")
        try c.encode(d.reference, forKey: "reference")
        try c.encode(Timestamp.string(d.excludedUntil), forKey: "excludedUntil")
        try c.encode(Timestamp.string(d.retryAt), forKey: "retryAt")
        try c.encode(d.attempts, forKey: "attempts")
        try c.encode(Timestamp.string(d.sentAt), forKey: "sentAt")
        try c.encode(Timestamp.string(d.actualSentAt), forKey: "actualSentAt")
        try c.encode(d.actualTarget, forKey: "actualTarget")
        try c.encode(d.actualMethod?.rawValue, forKey: "actualMethod")
        try c.encode(Timestamp.string(d.readAt), forKey: "readAt")
        try c.encode(d.lastError, forKey: "lastError")
        try c.encode(d.language, forKey: "language")
    }
}

/// One status change inside ``RequestRepresentation``.
struct HistoryRepresentation: Encodable {
    var entry: HistoryEntry

    init(_ entry: HistoryEntry) { self.entry = entry }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(entry.entity.rawValue, forKey: "entity")
        try c.encode(entry.from, forKey: "from")
        try c.encode(entry.to, forKey: "to")
        try c.encode(Timestamp.string(entry.at), forKey: "at")
        try c.encode(entry.actor, forKey: "actor")
        try c.encode(entry.reason, forKey: "reason")
    }
}

/// One recorded problem (`errors`) inside ``RequestRepresentation``.
struct ProblemRepresentation: Encodable {
    var problem: RequestProblem

    init(_ problem: RequestProblem) { self.problem = problem }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(problem.kind.rawValue, forKey: "kind")
        try c.encode(problem.reason, forKey: "reason")
        try c.encode(Timestamp.string(problem.at), forKey: "at")
    }
}

/// `GET /v1/comms-requests`: `{"items": [...], "nextCursor": "…" | null}`.
struct RequestPageRepresentation: Encodable {
    var page: RequestPage

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(page.items.map(RequestRepresentation.init), forKey: "items")
        try c.encode(page.nextCursor, forKey: "nextCursor")
    }
}
