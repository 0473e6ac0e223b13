import Foundation
import GRDB
import HeraldCore

/// A row of `subscriptions`.
struct SubscriptionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "subscriptions"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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
