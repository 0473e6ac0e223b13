import Foundation
import GRDB
import HeraldCore

/// A row of `customers`. Contact points and preferences are JSON columns: they are read and
/// written whole, never queried by part.
struct CustomerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "customers"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, title, firstName = "first_name", lastName = "last_name", language, timeZone = "time_zone", email
        case mobile, postalAddress = "postal_address", pushTokens = "push_tokens", externalId = "external_id"
        case preferences, updatedAt = "updated_at"
    }

    var id: String
    var title: String?
    var firstName: String?
    var lastName: String?
    var language: String
    var timeZone: String
    var email: String?
    var mobile: String?
    var postalAddress: PostalAddress?
    var pushTokens: [PushToken]
    var externalId: String?
    var preferences: Preferences
    var updatedAt: Int64

    init(_ c: Customer, now: Date) {
        id = c.id
        title = c.title
        firstName = c.firstName
        lastName = c.lastName
        language = c.language
        timeZone = c.timeZone
        email = c.email
        mobile = c.mobile
        postalAddress = c.postalAddress
        pushTokens = c.pushTokens
        externalId = c.externalId
        preferences = c.preferences
        updatedAt = Millis.from(now)
    }

    /// Decodes by hand, with fast paths for empty JSON columns: the Comms Monitor reads a
    /// customer for every request.
    init(row: Row) {
        id = row["id"]
        title = row["title"]
        firstName = row["first_name"]
        lastName = row["last_name"]
        language = row["language"]
        timeZone = row["time_zone"]
        email = row["email"]
        mobile = row["mobile"]
        postalAddress = JSONColumns.value(PostalAddress?.self, row, "postal_address", empty: nil)
        pushTokens = JSONColumns.value([PushToken].self, row, "push_tokens", empty: [])
        externalId = row["external_id"]
        preferences = JSONColumns.preferences(row, "preferences")
        updatedAt = row["updated_at"]
    }

    var model: Customer {
        Customer(id: id, title: title, firstName: firstName, lastName: lastName, language: language, timeZone: timeZone,
                 email: email, mobile: mobile, postalAddress: postalAddress, pushTokens: pushTokens, externalId: externalId,
                 preferences: preferences)
    }
}
