/// The body of `PUT /v1/accounts/{id}` and an `account` line of `herald import`.
public struct AccountInput: Decodable, Sendable {
    public var id: String?
    public var customerId: String?
    public var currency: String?
    public var amountDue: String?
    public var attributes: [String: String]?

    /// The account to store (the customer's existence is checked by the route).
    public func validated(id pathId: String) throws(HeraldError) -> Account {
        try PathIdentifier.check(pathId, body: id)
        guard let customerId, !customerId.isEmpty else { throw .invalid("customerId", "customerId is required") }
        guard let currency else { throw .invalid("currency", "currency is required") }
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalid("currency", "currency must be an ISO 4217 code of three upper-case letters such as GBP")
        }
        if let amountDue, !Self.isDecimal(amountDue) {
            throw .invalid("amountDue", "amountDue must be a decimal string such as \"123.45\"")
        }
        for name in (attributes ?? [:]).keys.sorted() where !FieldName.isValid(name) {
            throw .invalid("attributes.\(name)", "attribute names are letters, digits and underscores, starting with a letter")
        }
        return Account(id: pathId, customerId: customerId, currency: currency, amountDue: amountDue, attributes: attributes ?? [:])
    }

    /// `-?digits(.digits)?`.
    static func isDecimal(_ s: String) -> Bool {
        var rest = Substring(s)
        if rest.hasPrefix("-") { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
