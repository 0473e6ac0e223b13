import Foundation
import GRDB
import HeraldCore

/// A row of `comms_requests`: the request header (read with this record; written by the
/// cached statement in `Database.insertRequest`, the hot path). `customer_id`, `account_id` and
/// `subscription_id` are the target resolved at insert, so an agent's list per customer or
/// account finds requests whichever of the three they were raised against.
struct RequestRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "comms_requests"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var commsCode: String
    var priority: Int
    /// CMP letter.
    var status: String
    var targetKind: String
    var targetId: String
    var customerId: String?
    var accountId: String?
    var subscriptionId: String?
    var workflowEventId: String?
    var externalTriggerId: String?
    var overrideMethod: String?
    var copyOf: String?
    var fields: [String: String]
    var source: String
    var createdBy: String
    var createdAt: Int64
    var updatedAt: Int64
    var claimToken: String?
    var leaseUntil: Int64?

    var model: CommsRequest {
        CommsRequest(
            id: id, commsCode: commsCode, priority: priority, status: RequestStatus(code: status) ?? .error,
            target: TargetRef(TargetRef.Kind(rawValue: targetKind) ?? .customer, targetId), workflowEventId: workflowEventId,
            externalTriggerId: externalTriggerId, overrideMethod: overrideMethod.flatMap(DeliveryMethod.init(rawValue:)),
            copyOf: copyOf, fields: fields, source: RequestSource(rawValue: source) ?? .api, createdBy: createdBy,
            createdAt: Millis.date(createdAt), updatedAt: Millis.date(updatedAt))
    }
}
