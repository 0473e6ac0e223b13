import Foundation
import GRDB
import HeraldCore

/// A row of `status_history`: one per transition of a request or its distribution.
struct HistoryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "status_history"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, requestId = "request_id", entity, fromStatus = "from_status", toStatus = "to_status", at, actor
        case reason
    }

    var id: Int64?
    var requestId: String
    var entity: String
    var fromStatus: String?
    var toStatus: String
    var at: Int64
    var actor: String
    var reason: String?

    var model: HistoryEntry {
        HistoryEntry(entity: HistoryEntry.Entity(rawValue: entity) ?? .request, from: fromStatus, to: toStatus,
                     at: Millis.date(at), actor: actor, reason: reason)
    }
}
