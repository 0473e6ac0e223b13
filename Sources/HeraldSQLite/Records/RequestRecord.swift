import Foundation
import GRDB
import HeraldCore

/// A row of `comms_requests`: the request header. `customer_id`, `account_id` and
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

    init(_ r: CommsRequest, customerId: String?, accountId: String?, subscriptionId: String?) {
        id = r.id
        commsCode = r.commsCode
        priority = r.priority
        status = r.status.code
        targetKind = r.target.kind.rawValue
        targetId = r.target.id
        self.customerId = customerId
        self.accountId = accountId
        self.subscriptionId = subscriptionId
        workflowEventId = r.workflowEventId
        externalTriggerId = r.externalTriggerId
        overrideMethod = r.overrideMethod?.rawValue
        copyOf = r.copyOf
        fields = r.fields
        source = r.source.rawValue
        createdBy = r.createdBy
        createdAt = Millis.from(r.createdAt)
        updatedAt = Millis.from(r.updatedAt)
    }

    var model: CommsRequest {
        CommsRequest(
            id: id, commsCode: commsCode, priority: priority, status: RequestStatus(code: status) ?? .error,
            target: TargetRef(TargetRef.Kind(rawValue: targetKind) ?? .customer, targetId), workflowEventId: workflowEventId,
            externalTriggerId: externalTriggerId, overrideMethod: overrideMethod.flatMap(DeliveryMethod.init(rawValue:)),
            copyOf: copyOf, fields: fields, source: RequestSource(rawValue: source) ?? .api, createdBy: createdBy,
            createdAt: Millis.date(createdAt), updatedAt: Millis.date(updatedAt))
    }
}
