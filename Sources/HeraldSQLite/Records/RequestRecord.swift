import Foundation
import GRDB
import HeraldCore

/// A row of `comms_requests`: the request header (read with this record; written by the
/// cached statement in `Database.insertRequest`, the hot path). `customer_id`, `account_id` and
/// `subscription_id` are the target resolved at insert, so an agent's list per customer or
/// account finds requests whichever of the three they were raised against.
struct RequestRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "comms_requests"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, commsCode = "comms_code", priority, status, targetKind = "target_kind", targetId = "target_id"
        case customerId = "customer_id", accountId = "account_id", subscriptionId = "subscription_id"
        case workflowEventId = "workflow_event_id", externalTriggerId = "external_trigger_id"
        case overrideMethod = "override_method", copyOf = "copy_of", fields, source, createdBy = "created_by"
        case createdAt = "created_at", updatedAt = "updated_at", claimToken = "claim_token"
        case leaseUntil = "lease_until"
    }

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

    /// Decodes by hand: the claim of every batch reads these rows (Codable decoding costs more).
    init(row: Row) {
        id = row["id"]
        commsCode = row["comms_code"]
        priority = row["priority"]
        status = row["status"]
        targetKind = row["target_kind"]
        targetId = row["target_id"]
        customerId = row["customer_id"]
        accountId = row["account_id"]
        subscriptionId = row["subscription_id"]
        workflowEventId = row["workflow_event_id"]
        externalTriggerId = row["external_trigger_id"]
        overrideMethod = row["override_method"]
        copyOf = row["copy_of"]
        fields = JSONColumns.dictionary(row, "fields")
        source = row["source"]
        createdBy = row["created_by"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        claimToken = row["claim_token"]
        leaseUntil = row["lease_until"]
    }

    /// Every column, in the order ``init(direct:)`` reads them.
    static let columns = """
        id, comms_code, priority, status, target_kind, target_id, customer_id, account_id, subscription_id, workflow_event_id, \
        external_trigger_id, override_method, copy_of, fields, source, created_by, created_at, updated_at, claim_token, lease_until
        """

    /// Reads a row selected as ``columns`` (the claims' path).
    init(direct row: DirectRow) {
        id = row.string(0)
        commsCode = row.string(1)
        priority = row.int(2)
        status = row.string(3)
        targetKind = row.string(4)
        targetId = row.string(5)
        customerId = row.optionalString(6)
        accountId = row.optionalString(7)
        subscriptionId = row.optionalString(8)
        workflowEventId = row.optionalString(9)
        externalTriggerId = row.optionalString(10)
        overrideMethod = row.optionalString(11)
        copyOf = row.optionalString(12)
        fields = JSONColumns.dictionary(row.optionalString(13))
        source = row.string(14)
        createdBy = row.string(15)
        createdAt = row.int64(16)
        updatedAt = row.int64(17)
        claimToken = row.optionalString(18)
        leaseUntil = row.optionalInt64(19)
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
