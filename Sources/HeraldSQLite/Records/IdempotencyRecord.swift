import Foundation
import GRDB
import HeraldCore

/// A row of `idempotency_keys`: what a keyed trigger produced, until `expires_at` (24 h for
/// API keys, a year for import lines); expired rows are purged by the maintenance service.
struct IdempotencyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "idempotency_keys"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case key, bodyHash = "body_hash", requestIds = "request_ids", eventId = "event_id", createdAt = "created_at", expiresAt = "expires_at"
    }

    var key: String
    var bodyHash: String
    var requestIds: [String]
    var eventId: String?
    var createdAt: Int64
    var expiresAt: Int64
}

extension IdempotencyRecord {
    /// `request_ids` as the JSON array of strings GRDB's Codable encoding writes (`["a","b"]`),
    /// written and read by hand on the trigger path.
    static func encodeIds(_ ids: [String]) -> String {
        StringMapJSON.encode(array: ids)
    }

    static func decodeIds(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

