import HeraldCore

/// The body of `PUT /v1/subscriptions/{id}`.
struct SubscriptionInput: Decodable {
    var id: String?
    var customerId: String?
    var accountId: String?
    var msisdn: String?
    var plan: String?

    /// The subscription to store (the customer's and account's existence is checked by the route).
    func validated(id pathId: String) throws(HeraldError) -> Subscription {
        try PathIdentifier.check(pathId, body: id)
        guard let customerId, !customerId.isEmpty else { throw .invalid("customerId", "customerId is required") }
        if let msisdn, !E164.isValid(msisdn) {
            throw .invalid("msisdn", "msisdn must be an E.164 number such as +447700900123")
        }
        return Subscription(id: pathId, customerId: customerId, accountId: accountId, msisdn: msisdn, plan: plan)
    }
}
