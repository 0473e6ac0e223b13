import Foundation
import GRDB
import HeraldCore

/// A row of `status_history`: one per transition of a request or its distribution.
struct HistoryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "status_history"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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

/// A row of `request_problems`: not-sent reasons and errors shown to agents.
struct ProblemRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "request_problems"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var requestId: String
    var kind: String
    var reason: String
    var at: Int64

    var model: RequestProblem {
        RequestProblem(kind: RequestProblem.Kind(rawValue: kind) ?? .error, reason: reason, at: Millis.date(at))
    }
}

/// A row of `idempotency_keys`: what a keyed trigger produced, for 24 hours.
struct IdempotencyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "idempotency_keys"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var key: String
    var bodyHash: String
    var requestIds: [String]
    var eventId: String?
    var createdAt: Int64
}
