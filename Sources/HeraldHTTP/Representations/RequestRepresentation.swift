import Foundation
import HeraldCore

/// The JSON of a comms request as agents and triggering systems see it (`GET
/// /v1/comms-requests/{id}`): the header, its one distribution (or null), its history and its
/// recorded problems. Absent values are written as `null`, the target as its one id key.
struct RequestRepresentation: JSONWritable {
    var detail: RequestDetail

    init(_ detail: RequestDetail) { self.detail = detail }

    func write(to json: inout JSONBuffer) {
        let r = detail.request
        // Members in sorted key order; the target's key (`accountId`, `customerId`,
        // `subscriptionId`) goes where it sorts.
        let targetKey = r.target.kind.field
        var targetWritten = false
        func key(_ key: String) {
            if !targetWritten && targetKey < key {
                json.key(targetKey)
                json.string(r.target.id)
                targetWritten = true
            }
            json.key(key)
        }
        json.beginObject()
        key("commsCode"); json.string(r.commsCode)
        key("copyOf"); json.string(r.copyOf)
        key("createdAt"); json.string(Timestamp.string(r.createdAt))
        key("createdBy"); json.string(r.createdBy)
        key("distribution")
        if let distribution = detail.distribution { DistributionRepresentation(distribution).write(to: &json) } else { json.null() }
        key("errors")
        json.beginArray()
        for problem in detail.problems { ProblemRepresentation(problem).write(to: &json) }
        json.endArray()
        key("externalTriggerId"); json.string(r.externalTriggerId)
        key("fields"); json.object(r.fields)
        key("history")
        json.beginArray()
        for entry in detail.history { HistoryRepresentation(entry).write(to: &json) }
        json.endArray()
        key("id"); json.string(r.id)
        key("overrideMethod"); json.string(r.overrideMethod?.rawValue)
        key("priority"); json.int(r.priority)
        key("requestStatus"); json.string(r.status.rawValue)
        key("requestStatusCode"); json.string(r.status.code)
        key("source"); json.string(r.source.rawValue)
        key("storedDocument")
        if let stored = detail.storedDocument { StoredDocumentRepresentation(stored).write(to: &json) } else { json.null() }
        key("updatedAt"); json.string(Timestamp.string(r.updatedAt))
        key("workflowEventId"); json.string(r.workflowEventId)
        if !targetWritten {
            json.key(targetKey)
            json.string(r.target.id)
        }
        json.endObject()
    }
}

/// `storedDocument`: the long-term copy of the comm's document — null until the document is
/// stored; while it waits after a failed attempt, `status` is `waiting` with `lastError`.
struct StoredDocumentRepresentation: JSONWritable {
    var stored: StoredDocument

    init(_ stored: StoredDocument) { self.stored = stored }

    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("attempts"); json.int(stored.attempts)
        json.key("backend"); json.string(stored.backend)
        json.key("keyId"); json.string(stored.keyId)
        json.key("lastError"); json.string(stored.lastError)
        json.key("location"); json.string(stored.location)
        json.key("sha256"); json.string(stored.sha256)
        json.key("size"); json.int(stored.size)
        json.key("status"); json.string(stored.status.rawValue)
        json.key("storedAt"); json.string(Timestamp.string(stored.storedAt))
        json.endObject()
    }
}
