import Foundation
import GRDB
import HeraldCore

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
