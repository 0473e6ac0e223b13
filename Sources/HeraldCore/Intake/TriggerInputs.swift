/// `POST /v1/comms-requests` and one line of a bulk import.
public struct CommsRequestInput: Sendable, Hashable, Codable {
    public var commsCode: String?
    public var customerId: String?
    public var accountId: String?
    public var subscriptionId: String?
    /// 1 (high) to 3 (low); the comms code's default when absent.
    public var priority: Int?
    /// Override method; must be one the comms code allows.
    public var deliveryMethod: String?
    /// Trigger merge fields.
    public var fields: [String: String]?
    /// Resend of an earlier request.
    public var copyOf: String?

    public init(commsCode: String?, customerId: String? = nil, accountId: String? = nil, subscriptionId: String? = nil,
                priority: Int? = nil, deliveryMethod: String? = nil, fields: [String: String]? = nil, copyOf: String? = nil) {
        self.commsCode = commsCode
        self.customerId = customerId
        self.accountId = accountId
        self.subscriptionId = subscriptionId
        self.priority = priority
        self.deliveryMethod = deliveryMethod
        self.fields = fields
        self.copyOf = copyOf
    }

    /// The canonical JSON its idempotency hash is taken over, written by hand: the bytes a
    /// `JSONEncoder` with `.sortedKeys` writes (absent values left out, `/` as `\/`), without
    /// its cost on every trigger. Tests compare the two; changing a byte would turn replays of
    /// keys stored before into conflicts.
    public var canonicalJSON: [UInt8] {
        var json = JSONBuffer(capacity: 256)
        json.escapesSlashes = true
        json.beginObject()
        if let accountId { json.key("accountId"); json.string(accountId) }
        if let commsCode { json.key("commsCode"); json.string(commsCode) }
        if let copyOf { json.key("copyOf"); json.string(copyOf) }
        if let customerId { json.key("customerId"); json.string(customerId) }
        if let deliveryMethod { json.key("deliveryMethod"); json.string(deliveryMethod) }
        if let fields { json.key("fields"); json.object(fields) }
        if let priority { json.key("priority"); json.int(priority) }
        if let subscriptionId { json.key("subscriptionId"); json.string(subscriptionId) }
        json.endObject()
        return json.bytes
    }
}

/// `POST /v1/workflow-events`.
public struct WorkflowEventInput: Sendable, Hashable, Codable {
    public var eventType: String?
    public var eventCode: String?
    public var customerId: String?
    public var accountId: String?
    public var subscriptionId: String?
    /// `OnCreate` or `OnResolve`.
    public var whenToCreate: String?
    public var priority: Int?
    public var fields: [String: String]?

    public init(eventType: String?, eventCode: String?, customerId: String? = nil, accountId: String? = nil,
                subscriptionId: String? = nil, whenToCreate: String?, priority: Int? = nil, fields: [String: String]? = nil) {
        self.eventType = eventType
        self.eventCode = eventCode
        self.customerId = customerId
        self.accountId = accountId
        self.subscriptionId = subscriptionId
        self.whenToCreate = whenToCreate
        self.priority = priority
        self.fields = fields
    }
}

/// `POST /v1/external-triggers`: a notification from another system (an online charging
/// system's "data allowance 80% used", a CRM's "welcome"). `triggerId` is the sender's id of
/// the notification and doubles as the idempotency key, so a sender's retry is harmless.
///
/// `action` is `sendComm` (needs `commsCode`) or `raiseEvent` (needs `eventType`,
/// `eventCode`, and `whenToCreate`, default `OnCreate`).
public struct ExternalTriggerInput: Sendable, Hashable, Codable {
    /// `2` when given: this form is version 2 of `/v1/external-triggers`; version 1.0 is the
    /// schema of the system we re-build (``ExternalTriggerNotification``).
    public var version: Int?
    public var triggerId: String?
    /// The sending system (`ocs`, `crm`…), for the audit.
    public var source: String?
    public var action: String?
    public var commsCode: String?
    public var eventType: String?
    public var eventCode: String?
    public var whenToCreate: String?
    public var customerId: String?
    public var accountId: String?
    public var subscriptionId: String?
    public var priority: Int?
    public var fields: [String: String]?

    public init(triggerId: String?, source: String? = nil, action: String?, commsCode: String? = nil, eventType: String? = nil,
                eventCode: String? = nil, whenToCreate: String? = nil, customerId: String? = nil, accountId: String? = nil,
                subscriptionId: String? = nil, priority: Int? = nil, fields: [String: String]? = nil, version: Int? = nil) {
        self.version = version
        self.triggerId = triggerId
        self.source = source
        self.action = action
        self.commsCode = commsCode
        self.eventType = eventType
        self.eventCode = eventCode
        self.whenToCreate = whenToCreate
        self.customerId = customerId
        self.accountId = accountId
        self.subscriptionId = subscriptionId
        self.priority = priority
        self.fields = fields
    }
}
