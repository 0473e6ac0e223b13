extension KeyShape {
    /// `CommsRequestInput`.
    static let commsRequest = KeyShape.flat([
        "commsCode", "customerId", "accountId", "subscriptionId", "priority", "deliveryMethod", "fields", "copyOf",
    ])
    /// `WorkflowEventInput`.
    static let workflowEvent = KeyShape.flat([
        "eventType", "eventCode", "customerId", "accountId", "subscriptionId", "whenToCreate", "priority", "fields",
    ])
    /// `ExternalTriggerInput` (Herald's form, version 2).
    static let externalTrigger = KeyShape.flat([
        "version", "triggerId", "source", "action", "commsCode", "eventType", "eventCode", "whenToCreate", "customerId", "accountId",
        "subscriptionId", "priority", "fields",
    ])
    /// `ExternalTriggerNotification` (the External Trigger schema of the system we re-build, version 1.0).
    static let externalNotification = KeyShape.object([
        "interfaceCategory": .any, "interfaceType": .any, "version": .any, "transmitDateTime": .any, "channel": .any,
        "hierarchyEntity": .flat(["type", "reference"]), "uniqueReference": .any, "triggerId": .any,
        "attributes": .array(.flat(["name", "value"])), "serialNumber": .any,
    ])
    /// The optional body of a cancel.
    static let cancel = KeyShape.flat(["reason"])
    /// `PUT /v1/customers/{id}`.
    static let customer = KeyShape.object([
        "id": .any, "title": .any, "firstName": .any, "lastName": .any, "language": .any, "timeZone": .any,
        "email": .any, "mobile": .any, "externalId": .any,
        "postalAddress": .flat(["lines", "postcode", "country"]),
        "pushTokens": .array(.flat(["platform", "token"])),
        "preferences": .object([
            "optOut": .array(.flat(["method", "category"])),
            "preferredMethods": .any,
            "quietHours": .flat(["from", "to", "timeZone"]),
        ]),
    ])
    /// `PUT /v1/accounts/{id}`.
    static let account = KeyShape.flat(["id", "customerId", "currency", "amountDue", "attributes"])
    /// `PUT /v1/subscriptions/{id}`.
    static let subscription = KeyShape.flat(["id", "customerId", "accountId", "msisdn", "plan"])
}
