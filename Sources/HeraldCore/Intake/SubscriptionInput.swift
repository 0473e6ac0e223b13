/// The body of `PUT /v1/subscriptions/{id}` and a `subscription` line of `herald import`.
public struct SubscriptionInput: Decodable, Sendable {
    public var id: String?
    public var customerId: String?
    public var accountId: String?
    public var msisdn: String?
    public var plan: String?

    /// The subscription to store (the customer's and account's existence is checked by the route).
    public func validated(id pathId: String) throws(HeraldError) -> Subscription {
        try PathIdentifier.check(pathId, body: id)
        guard let customerId, !customerId.isEmpty else { throw .invalid("customerId", "customerId is required") }
        if let msisdn, !E164.isValid(msisdn) {
            throw .invalid("msisdn", "msisdn must be an E.164 number such as +447700900123")
        }
        return Subscription(id: pathId, customerId: customerId, accountId: accountId, msisdn: msisdn, plan: plan)
    }
}
