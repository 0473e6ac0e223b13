import Foundation
import GRDB
import HeraldCore

/// A row of `subscriptions`.
struct SubscriptionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "subscriptions"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", accountId = "account_id", msisdn, plan, updatedAt = "updated_at"
    }

    var id: String
    var customerId: String
    var accountId: String?
    var msisdn: String?
    var plan: String?
    var updatedAt: Int64

    init(_ s: Subscription, now: Date) {
        id = s.id
        customerId = s.customerId
        accountId = s.accountId
        msisdn = s.msisdn
        plan = s.plan
        updatedAt = Millis.from(now)
    }

    var model: Subscription { Subscription(id: id, customerId: customerId, accountId: accountId, msisdn: msisdn, plan: plan) }
}
