import Foundation

/// A postal address as printed on a letter.
public struct PostalAddress: Sendable, Hashable, Codable {
    /// Printed lines, first to last (name, street, town…); at most five are used.
    public var lines: [String]
    public var postcode: String?
    /// ISO 3166-1 alpha-2.
    public var country: String?

    public init(lines: [String], postcode: String? = nil, country: String? = nil) {
        self.lines = lines
        self.postcode = postcode
        self.country = country
    }

    /// Whether a letter can be addressed with it.
    public var isUsable: Bool { !lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.isEmpty }
}

/// A device registration for push notifications.
///
/// A token the provider says is gone (APNs `Unregistered`/`BadDeviceToken`, FCM `UNREGISTERED`)
/// is disabled, never deleted: it stays on the customer with ``disabled``, the reason and the
/// time, and is never used again — a later `PUT` of the customer listing the same token keeps it
/// disabled (the store carries the marks over), so a stale CRM copy cannot bring it back.
public struct PushToken: Sendable, Hashable, Codable {
    /// `apns` or `fcm`.
    public var platform: String
    public var token: String
    /// True once the provider said the token is gone (absent from JSON otherwise).
    public var disabled: Bool?
    /// The provider's words when it was disabled.
    public var disabledReason: String?
    /// When it was disabled (ISO 8601, UTC).
    public var disabledAt: String?

    public init(platform: String, token: String, disabled: Bool? = nil, disabledReason: String? = nil, disabledAt: String? = nil) {
        self.platform = platform
        self.token = token
        self.disabled = disabled
        self.disabledReason = disabledReason
        self.disabledAt = disabledAt
    }

    /// Whether comms may be sent to it.
    public var isUsable: Bool { !token.isEmpty && disabled != true }

    /// The distribution target naming it: `<platform>:<token>`.
    public var target: String { "\(platform):\(token)" }
}

/// An opt-out: `method` nil means every method; `category` nil means every category.
public struct OptOut: Sendable, Hashable, Codable {
    public var method: DeliveryMethod?
    public var category: String?

    public init(method: DeliveryMethod?, category: String? = nil) {
        self.method = method
        self.category = category
    }

    /// Whether this opt-out covers `method` for comms of `category`.
    public func covers(_ method: DeliveryMethod, category: String?) -> Bool {
        (self.method == nil || self.method == method)
            && (self.category == nil || self.category == category)
    }
}

/// Times of day during which intrusive methods are not sent, in a time zone.
public struct QuietHours: Sendable, Hashable, Codable {
    /// `HH:mm`, local.
    public var from: String
    /// `HH:mm`, local; earlier than `from` when the window spans midnight.
    public var to: String
    /// IANA time-zone name; the customer's when nil.
    public var timeZone: String?

    public init(from: String, to: String, timeZone: String? = nil) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }
}

/// What the customer said about how they are contacted.
public struct Preferences: Sendable, Hashable, Codable {
    public var optOut: [OptOut]
    /// Preferred methods, most preferred first.
    public var preferredMethods: [DeliveryMethod]
    public var quietHours: QuietHours?

    public init(optOut: [OptOut] = [], preferredMethods: [DeliveryMethod] = [], quietHours: QuietHours? = nil) {
        self.optOut = optOut
        self.preferredMethods = preferredMethods
        self.quietHours = quietHours
    }

    public static let none = Preferences()
}

/// A customer with their contact points and preferences.
public struct Customer: Sendable, Hashable, Codable {
    public var id: String
    public var title: String?
    public var firstName: String?
    public var lastName: String?
    /// BCP 47 language (`en`, `fr`, `en-GB`); templates are chosen by it.
    public var language: String
    /// IANA time zone (`Europe/London`).
    public var timeZone: String
    public var email: String?
    /// E.164 (`+447700900123`).
    public var mobile: String?
    public var postalAddress: PostalAddress?
    public var pushTokens: [PushToken]
    /// Identifier of the customer in an external system that takes `external` comms.
    public var externalId: String?
    public var preferences: Preferences

    public init(
        id: String, title: String? = nil, firstName: String? = nil, lastName: String? = nil,
        language: String = "en", timeZone: String = "UTC", email: String? = nil, mobile: String? = nil,
        postalAddress: PostalAddress? = nil, pushTokens: [PushToken] = [], externalId: String? = nil,
        preferences: Preferences = .none
    ) {
        self.id = id
        self.title = title
        self.firstName = firstName
        self.lastName = lastName
        self.language = language
        self.timeZone = timeZone
        self.email = email
        self.mobile = mobile
        self.postalAddress = postalAddress
        self.pushTokens = pushTokens
        self.externalId = externalId
        self.preferences = preferences
    }
}

/// A billing account.
public struct Account: Sendable, Hashable, Codable {
    public var id: String
    public var customerId: String
    /// ISO 4217 (`GBP`).
    public var currency: String
    /// Decimal as text (`123.45`), never a float.
    public var amountDue: String?
    /// Free-form attributes (`CARDLAST4DIGITS`, …) made available as merge fields.
    public var attributes: [String: String]

    public init(id: String, customerId: String, currency: String, amountDue: String? = nil, attributes: [String: String] = [:]) {
        self.id = id
        self.customerId = customerId
        self.currency = currency
        self.amountDue = amountDue
        self.attributes = attributes
    }
}

/// A subscription (a line) on an account.
public struct Subscription: Sendable, Hashable, Codable {
    public var id: String
    public var customerId: String
    public var accountId: String?
    /// E.164.
    public var msisdn: String?
    public var plan: String?

    public init(id: String, customerId: String, accountId: String? = nil, msisdn: String? = nil, plan: String? = nil) {
        self.id = id
        self.customerId = customerId
        self.accountId = accountId
        self.msisdn = msisdn
        self.plan = plan
    }
}

/// Everything the Comms Monitor reads about one target.
public struct TargetContext: Sendable, Hashable {
    public var customer: Customer
    public var account: Account?
    public var subscription: Subscription?

    public init(customer: Customer, account: Account? = nil, subscription: Subscription? = nil) {
        self.customer = customer
        self.account = account
        self.subscription = subscription
    }
}
