import Foundation
import GRDB
import HeraldCore

/// A row of `workflow_events`.
struct WorkflowEventRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workflow_events"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, eventType = "event_type", eventCode = "event_code", targetKind = "target_kind"
        case targetId = "target_id", whenToCreate = "when_to_create", state, relatedRequestId = "related_request_id"
        case note, createdAt = "created_at", resolvedAt = "resolved_at"
    }

    var id: String
    var eventType: String
    var eventCode: String
    var targetKind: String
    var targetId: String
    var whenToCreate: String
    var state: String
    var relatedRequestId: String?
    var note: String?
    var createdAt: Int64
    var resolvedAt: Int64?

    init(_ e: WorkflowEvent) {
        id = e.id
        eventType = e.eventType
        eventCode = e.eventCode
        targetKind = e.target.kind.rawValue
        targetId = e.target.id
        whenToCreate = e.whenToCreate.rawValue
        state = e.state.rawValue
        relatedRequestId = e.relatedRequestId
        note = e.note
        createdAt = Millis.from(e.createdAt)
        resolvedAt = Millis.from(e.resolvedAt)
    }

    var model: WorkflowEvent {
        WorkflowEvent(id: id, eventType: eventType, eventCode: eventCode,
                      target: TargetRef(TargetRef.Kind(rawValue: targetKind) ?? .customer, targetId),
                      whenToCreate: WorkflowEvent.WhenToCreate(rawValue: whenToCreate) ?? .onCreate,
                      state: WorkflowEvent.State(rawValue: state) ?? .open, relatedRequestId: relatedRequestId, note: note,
                      createdAt: Millis.date(createdAt), resolvedAt: Millis.date(resolvedAt))
    }
}
