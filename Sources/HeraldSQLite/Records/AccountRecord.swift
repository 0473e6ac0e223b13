import Foundation
import GRDB
import HeraldCore

/// A row of `accounts`.
struct AccountRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "accounts"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", currency, amountDue = "amount_due", attributes, updatedAt = "updated_at"

    }

    var id: String
    var customerId: String
    var currency: String
    var amountDue: String?
    var attributes: [String: String]
    var updatedAt: Int64

    init(_ a: Account, now: Date) {
        id = a.id
        customerId = a.customerId
        currency = a.currency
        amountDue = a.amountDue
        attributes = a.attributes
        updatedAt = Millis.from(now)
    }

    var model: Account { Account(id: id, customerId: customerId, currency: currency, amountDue: amountDue, attributes: attributes) }
}
