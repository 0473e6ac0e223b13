import Foundation

/// What a status callback reports: a request's or a distribution's status change.
public enum CallbackEventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A request header moved (created `awaitingProcessing`, `processed`, `notSent`, …).
    case requestStatus = "request.status_changed"
    /// A distribution moved (created, `sent`, `delivered`, `errorNoRetry`, …) or was read.
    case distributionStatus = "distribution.status_changed"

    /// The `status_history.entity` whose rows make this event.
    public var entity: HistoryEntry.Entity {
        switch self {
        case .requestStatus: .request
        case .distributionStatus: .distribution
        }
    }

    /// The event of a history entity; nil for entities no callback reports (documents).
    public init?(entity: HistoryEntry.Entity) {
        switch entity {
        case .request: self = .requestStatus
        case .distribution: self = .distributionStatus
        case .document: return nil
        }
    }
}

/// A system's subscription to status callbacks: every status change of a comm it matches is
/// `POST`ed to ``url``, signed per Standard Webhooks with ``secret``.
///
/// Subscriptions come from the config file (`webhooks.subscriptions.<NAME>`, id `config:<NAME>`,
/// replaced at each start) or from `POST /v1/webhook-subscriptions` (id `wsub_<uuid>`). A
/// deleted subscription stops matching at once; its waiting deliveries end `failed`
/// ("subscription deleted") when their turn comes.
public struct WebhookSubscription: Sendable, Hashable {
    /// Where a subscription was defined.
    public enum Origin: String, Sendable, Hashable, Codable {
        /// The config file (read-only through the API).
        case config
        /// The API.
        case api
    }

    public var id: String
    /// `http` or `https` endpoint.
    public var url: String
    /// The Standard Webhooks signing secret (`whsec_<base64>`). Never shown by the API after creation.
    public var secret: String
    /// The changes reported (both by default).
    public var events: Set<CallbackEventType>
    /// Only comms of these codes (nil: every code).
    public var commsCodes: [String]?
    /// Only comms raised by these sources (``RequestSource`` names: `api`, `import`,
    /// `workflowEvent`, `externalTrigger`, `agent`; nil: every source).
    public var sources: [RequestSource]?
    /// The operator's note.
    public var description: String?
    public var origin: Origin
    public var createdAt: Date
    /// Set when deleted (kept for the deliveries that name it).
    public var deletedAt: Date?

    public init(id: String, url: String, secret: String, events: Set<CallbackEventType> = Set(CallbackEventType.allCases),
                commsCodes: [String]? = nil, sources: [RequestSource]? = nil, description: String? = nil, origin: Origin,
                createdAt: Date, deletedAt: Date? = nil) {
        self.id = id
        self.url = url
        self.secret = secret
        self.events = events
        self.commsCodes = commsCodes
        self.sources = sources
        self.description = description
        self.origin = origin
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }

    /// The id of the config file's subscription `name`.
    public static func configID(_ name: String) -> String { "config:\(name)" }

    /// Whether this subscription reports a change of `entity` on a request of `commsCode` from `source`
    /// (the rule the store's outbox trigger applies in SQL; this is its statement in Swift,
    /// held to the same cases by a test).
    public func matches(entity: HistoryEntry.Entity, commsCode: String, source: RequestSource) -> Bool {
        guard deletedAt == nil, let event = CallbackEventType(entity: entity), events.contains(event) else { return false }
        if let commsCodes, !commsCodes.contains(commsCode) { return false }
        if let sources, !sources.contains(source) { return false }
        return true
    }
}

/// A callback delivery's status (Herald's own letters): `W` waiting (to be sent, or sent again
/// after a failed attempt), `D` delivered (a 2xx answer), `F` failed (dead-lettered after 24 h
/// of attempts, or its subscription was deleted). Moves through ``StatusMachine``.
public enum CallbackDeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case waiting, delivered, failed

    /// The status letter in the table.
    public var code: String {
        switch self {
        case .waiting: "W"
        case .delivered: "D"
        case .failed: "F"
        }
    }

    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}

/// One status change to announce to one subscription: a row of the durable outbox
/// (`webhook_deliveries`), written in the same transaction as the change's `status_history` row.
public struct CallbackDelivery: Sendable, Hashable {
    /// The outbox row's id (increasing in the order the changes committed).
    public var id: Int64
    public var subscriptionId: String
    public var requestId: String
    /// The change's `status_history` id: its sequence number, the same for every subscriber
    /// (the `webhook-id` is `msg_<sequence>`).
    public var sequence: Int64
    public var status: CallbackDeliveryStatus
    public var attempts: Int
    /// When the change happened (the history row's time).
    public var createdAt: Date
    /// The first attempt: the 24 h of retries count from it.
    public var firstAttemptAt: Date?
    public var retryAt: Date?
    public var lastError: String?
    /// The HTTP status of the last answer, if one came.
    public var responseStatus: Int?
    public var deliveredAt: Date?

    public init(id: Int64, subscriptionId: String, requestId: String, sequence: Int64, status: CallbackDeliveryStatus, attempts: Int = 0,
                createdAt: Date, firstAttemptAt: Date? = nil, retryAt: Date? = nil, lastError: String? = nil,
                responseStatus: Int? = nil, deliveredAt: Date? = nil) {
        self.id = id
        self.subscriptionId = subscriptionId
        self.requestId = requestId
        self.sequence = sequence
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.firstAttemptAt = firstAttemptAt
        self.retryAt = retryAt
        self.lastError = lastError
        self.responseStatus = responseStatus
        self.deliveredAt = deliveredAt
    }
}

/// The change a callback announces, as its receiver reads it.
public struct CallbackEvent: Sendable, Hashable {
    public var type: CallbackEventType
    /// The `status_history` id (see ``CallbackDelivery/sequence``).
    public var sequence: Int64
    /// The history row: from, to (readable status names), at, actor, reason.
    public var change: HistoryEntry
    public var request: CommsRequest
    /// The request's distribution, when it has one (distribution events always do).
    public var distribution: Distribution?

    public init(type: CallbackEventType, sequence: Int64, change: HistoryEntry, request: CommsRequest, distribution: Distribution?) {
        self.type = type
        self.sequence = sequence
        self.change = change
        self.request = request
        self.distribution = distribution
    }
}

/// What the callback stage claims: a delivery, its subscription and the change it announces.
public struct PendingCallback: Sendable, Hashable {
    public var delivery: CallbackDelivery
    /// Nil when the subscription no longer exists (the delivery then fails).
    public var subscription: WebhookSubscription?
    public var event: CallbackEvent

    public init(delivery: CallbackDelivery, subscription: WebhookSubscription?, event: CallbackEvent) {
        self.delivery = delivery
        self.subscription = subscription
        self.event = event
    }
}

/// A callback delivery's move plus the columns it sets, checked by ``StatusMachine`` when made.
/// `retryAt` is always written (nil clears it).
public struct CallbackTransition: Sendable, Hashable {
    public private(set) var deliveryId: Int64
    public private(set) var from: CallbackDeliveryStatus
    public private(set) var to: CallbackDeliveryStatus
    public var at: Date
    public var attempts: Int
    public var firstAttemptAt: Date?
    public var retryAt: Date?
    public var lastError: String?
    public var responseStatus: Int?

    public init(_ delivery: CallbackDelivery, to: CallbackDeliveryStatus, at: Date) throws(HeraldError) {
        try StatusMachine.check(callback: delivery.status, to: to)
        self.deliveryId = delivery.id
        self.from = delivery.status
        self.to = to
        self.at = at
        self.attempts = delivery.attempts
        self.firstAttemptAt = delivery.firstAttemptAt
        self.lastError = delivery.lastError
        self.responseStatus = delivery.responseStatus
    }
}

/// What one callback attempt came to (the sender's answer per delivery).
public enum CallbackOutcome: Sendable, Hashable {
    /// A 2xx answer.
    case delivered(status: Int)
    /// No 2xx: the status (nil when no answer came), why, and the receiver's `Retry-After`.
    case failed(status: Int?, reason: String, retryAfter: Duration?)
}

/// Sends callbacks (the HTTP side of the callback stage): one outcome per item, in order.
/// Signatures and the payload's `timestamp` use the wall clock of the attempt (receivers
/// check the signature's age against theirs), whatever clock the pipeline runs on.
public protocol CallbackSender: Sendable {
    func deliver(_ items: [PendingCallback]) async -> [CallbackOutcome]
}

/// A page of callback deliveries, oldest first.
public struct CallbackDeliveryPage: Sendable, Hashable {
    public var items: [CallbackDelivery]
    public var nextCursor: String?

    public init(items: [CallbackDelivery], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Where subscriptions and the delivery outbox are kept (the outbox rows themselves are
/// written by the store with each status change, and claimed by the `callback` stage).
public protocol CallbackStore: Sendable {
    /// Makes the config file's subscriptions exactly `subscriptions`: new ones added, changed
    /// ones replaced, ones no longer in the file deleted. API subscriptions are untouched.
    func syncConfiguredSubscriptions(_ subscriptions: [WebhookSubscription], at: Date) async throws
    /// Adds an API subscription; `conflict` when its id exists.
    func addWebhookSubscription(_ subscription: WebhookSubscription) async throws
    /// The subscriptions not deleted, oldest first.
    func webhookSubscriptions() async throws -> [WebhookSubscription]
    /// One subscription (deleted ones too).
    func webhookSubscription(id: String) async throws -> WebhookSubscription?
    /// Deletes an API subscription: `notFound`, or `conflict` for a config file's one.
    func deleteWebhookSubscription(id: String, at: Date) async throws
    /// Deliveries in `status` (nil: any), of one subscription (nil: any), by id, `limit` after `cursor`.
    func callbackDeliveries(status: CallbackDeliveryStatus?, subscriptionId: String?, limit: Int, cursor: String?) async throws
        -> CallbackDeliveryPage
    /// Puts a failed (or delivered) delivery back to waiting, attempts and its 24 h window
    /// restarted; `notFound`, or `illegalTransition` when it is waiting already.
    func redeliver(deliveryId: Int64, actor: String, at: Date) async throws -> CallbackDelivery
    /// Deletes deliveries delivered before `deliveredBefore` and dead letters that failed before
    /// `failedBefore` (housekeeping), in transactions of bounded size; returns how many.
    func purgeFinishedCallbacks(deliveredBefore: Date, failedBefore: Date) async throws -> Int
}

extension WebhookSubscription {
    /// The keys a subscription's JSON object may have (the API's body; the config file's adds `secretFile`).
    public static let inputKeys = ["url", "secret", "events", "commsCodes", "sources", "description"]

    /// A subscription from a JSON object (`JSONSerialization` form): `url` (http or https with a
    /// host), `secret` (`whsec_<base64>`; nil here when absent — the API then makes one), `events`
    /// (``CallbackEventType`` names, default both), `commsCodes` and `sources` (non-empty lists,
    /// default any), `description`. `prefix` names the object in errors
    /// (`webhooks.subscriptions.BILLING`, or empty for a body); `extraKeys` are allowed besides.
    public static func parse(_ object: [String: Any], id: String, origin: Origin, createdAt: Date, prefix: String = "",
                             extraKeys: [String] = [], secretRequired: Bool = true) throws(HeraldError) -> WebhookSubscription {
        func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
        for name in object.keys.sorted() where !inputKeys.contains(name) && !extraKeys.contains(name) {
            throw .invalid(key(name), "unknown key (known: \((inputKeys + extraKeys).joined(separator: ", ")))")
        }
        guard let url = object["url"] as? String, !url.isEmpty else {
            throw .invalid(key("url"), "is required: the http or https endpoint callbacks are POSTed to")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw .invalid(key("url"), "must be an http or https URL with a host, got '\(url)'")
        }
        var secret = ""
        switch object["secret"] {
        case nil:
            if secretRequired { throw .invalid(key("secret"), "is required (whsec_ followed by base64)") }
        case let text as String:
            guard isValidSecret(text) else { throw .invalid(key("secret"), "must be whsec_ followed by base64 of 24 to 64 bytes") }
            secret = text
        default:
            throw .invalid(key("secret"), "must be a string whsec_<base64>")
        }
        var events = Set(CallbackEventType.allCases)
        if let raw = object["events"] {
            guard let list = raw as? [String], !list.isEmpty else {
                throw .invalid(key("events"), "must be a non-empty list of \(CallbackEventType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            events = []
            for name in list {
                guard let event = CallbackEventType(rawValue: name) else {
                    throw .invalid(key("events"), "unknown event '\(name)' (known: \(CallbackEventType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                events.insert(event)
            }
        }
        func list(_ name: String) throws(HeraldError) -> [String]? {
            guard let raw = object[name] else { return nil }
            guard let list = raw as? [String], !list.isEmpty, list.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) else {
                throw .invalid(key(name), "must be a non-empty list of names (leave it out for any)")
            }
            return Array(Set(list)).sorted()
        }
        let codes = try list("commsCodes")
        var sources: [RequestSource]?
        if let names = try list("sources") {
            sources = []
            for name in names {
                guard let source = RequestSource(rawValue: name) else {
                    throw .invalid(key("sources"), "unknown source '\(name)' (known: api, workflowEvent, externalTrigger, import, agent)")
                }
                sources?.append(source)
            }
        }
        var description: String?
        if let raw = object["description"] {
            guard let text = raw as? String, text.count <= 500 else { throw .invalid(key("description"), "must be a string of at most 500 characters") }
            description = text
        }
        return WebhookSubscription(id: id, url: url, secret: secret, events: events, commsCodes: codes, sources: sources,
                                   description: description, origin: origin, createdAt: createdAt)
    }

    /// `whsec_` followed by the base64 of 24 to 64 bytes (Standard Webhooks' secrets).
    public static func isValidSecret(_ text: String) -> Bool {
        guard text.hasPrefix("whsec_"), let key = Data(base64Encoded: String(text.dropFirst(6))) else { return false }
        return (24...64).contains(key.count)
    }

    /// A new random secret, `whsec_` + base64 of 32 bytes.
    public static func makeSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
    }
}
