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
        try c.encode(detail.storedDocument.map(StoredDocumentRepresentation.init), forKey: "storedDocument")
    }
}

/// `storedDocument`: the long-term copy of the comm's document — null until the document is
/// stored; while it waits after a failed attempt, `status` is `waiting` with `lastError`.
struct StoredDocumentRepresentation: Encodable {
    var stored: StoredDocument

    init(_ stored: StoredDocument) { self.stored = stored }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(stored.status.rawValue, forKey: "status")
        try c.encode(stored.backend, forKey: "backend")
        try c.encode(stored.location, forKey: "location")
        try c.encode(stored.sha256, forKey: "sha256")
        try c.encode(stored.size, forKey: "size")
        try c.encode(Timestamp.string(stored.storedAt), forKey: "storedAt")
        try c.encode(stored.keyId, forKey: "keyId")
        try c.encode(stored.lastError, forKey: "lastError")
        try c.encode(stored.attempts, forKey: "attempts")
    }
}
