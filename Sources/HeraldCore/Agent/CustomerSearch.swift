import Foundation

/// What an agent typed in the search box, read as every kind of key it could be: a customer,
/// account or subscription id, an MSISDN, an email address, or a name. Pure: the store looks
/// each kind up (``AgentStore/searchCustomers(_:limit:)``).
public struct CustomerSearch: Sendable, Hashable {
    /// The text as typed, trimmed: compared with customer, account and subscription ids.
    public var id: String
    /// Lower-cased, when the text is an email address.
    public var email: String?
    /// The forms a phone number may be stored in (`+447700900123`, `447700900123`), when the
    /// text is one (digits with an optional `+` or `00`, spaces, dashes, dots, brackets).
    public var msisdns: [String]
    /// The words as typed, when the text has letters and is no email address; the store
    /// compares them with names case-insensitively.
    public var nameWords: [String]

    /// Reads `text`; nil when it is empty (or only spaces) or longer than 200 characters.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { return nil }
        id = trimmed
        email = nil
        msisdns = []
        nameWords = []
        if trimmed.contains("@") {
            email = trimmed.lowercased()
            return
        }
        let phoneCharacters = CharacterSet(charactersIn: "0123456789+ -.()")
        if trimmed.unicodeScalars.allSatisfy(phoneCharacters.contains) {
            var digits = String(trimmed.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) }.map(Character.init))
            if !trimmed.hasPrefix("+"), digits.hasPrefix("00") { digits.removeFirst(2) }
            if digits.count >= 6 { msisdns = ["+" + digits, digits] }
        }
        if trimmed.unicodeScalars.contains(where: CharacterSet.letters.contains) {
            nameWords = trimmed.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        }
    }
}

/// A customer found by a search, as the result list shows it.
public struct CustomerMatch: Sendable, Hashable {
    /// The customer found.
    public var customer: Customer
    /// What matched: `customer id`, `account id`, `subscription id`, `MSISDN`, `email`, `name`.
    public var matchedBy: String

    /// Creates a match.
    public init(customer: Customer, matchedBy: String) {
        self.customer = customer
        self.matchedBy = matchedBy
    }
}

/// The filters and page of a customer's comms list in AgentView; newest first.
public struct AgentCommsQuery: Sendable, Hashable {
    /// Requests resolved to this customer: raised at the customer, its accounts or subscriptions.
    public var customerId: String
    /// The request's status.
    public var status: RequestStatus?
    /// The distribution's method.
    public var method: DeliveryMethod?
    /// The comms code, exactly.
    public var commsCode: String?
    /// Where the request was raised (customer, account or subscription level).
    public var level: TargetRef.Kind?
    /// Created at or after.
    public var createdFrom: Date?
    /// Created before.
    public var createdBefore: Date?
    /// Rows per page (1–200).
    public var limit: Int
    /// Opaque: from the previous page's ``RequestPage/nextCursor``.
    public var cursor: String?

    /// A query; every filter nil means the whole list.
    public init(customerId: String, status: RequestStatus? = nil, method: DeliveryMethod? = nil, commsCode: String? = nil,
                level: TargetRef.Kind? = nil, createdFrom: Date? = nil, createdBefore: Date? = nil, limit: Int = 50,
                cursor: String? = nil) {
        self.customerId = customerId
        self.status = status
        self.method = method
        self.commsCode = commsCode
        self.level = level
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.limit = limit
        self.cursor = cursor
    }
}
