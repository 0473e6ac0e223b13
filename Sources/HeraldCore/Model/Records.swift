import Foundation

/// Whom a request is about: exactly one of a customer, an account or a subscription.
public struct TargetRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case customer, account, subscription
        /// The JSON field that names this kind of target (`customerId`…).
        public var field: String { rawValue + "Id" }
    }
    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.rawValue):\(id)" }
}

/// Where a request came from.
public enum RequestSource: String, Sendable, Hashable, Codable {
    case api, workflowEvent, externalTrigger, `import`, agent
}

/// A request header: one wish to communicate with one target.
public struct CommsRequest: Sendable, Hashable {
    public var id: String
    public var commsCode: String
    /// 1 high, 2 medium, 3 low.
    public var priority: Int
    public var status: RequestStatus
    public var target: TargetRef
    public var workflowEventId: String?
    public var externalTriggerId: String?
    public var overrideMethod: DeliveryMethod?
    /// The request this one resends.
    public var copyOf: String?
    /// Merge fields passed with the trigger.
    public var fields: [String: String]
    public var source: RequestSource
    /// Who created it (API key name, `import`, …).
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, commsCode: String, priority: Int, status: RequestStatus, target: TargetRef,
        workflowEventId: String? = nil, externalTriggerId: String? = nil, overrideMethod: DeliveryMethod? = nil,
        copyOf: String? = nil, fields: [String: String] = [:], source: RequestSource, createdBy: String,
        createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.commsCode = commsCode
        self.priority = priority
        self.status = status
        self.target = target
        self.workflowEventId = workflowEventId
        self.externalTriggerId = externalTriggerId
        self.overrideMethod = overrideMethod
        self.copyOf = copyOf
        self.fields = fields
        self.source = source
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// The one distribution row of a request: how, to whom, and what happened.
public struct Distribution: Sendable, Hashable {
    public var id: String
    public var requestId: String
    public var method: DeliveryMethod
    /// Email address, E.164 number, push token, postal address (lines joined by `\n`),
    /// portal inbox or external id.
    public var target: String
    public var alias: String?
    public var status: DistributionStatus
    /// Merged text (SMS, push, online, external).
    public var message: String?
    /// Where the generated document is (email, letter).
    public var fileLocation: String?
    /// Provider reference: SMSC message id, SMTP queue id, batch file name.
    public var reference: String?
    /// The default and trigger fields the Comms Monitor computed, for later merges.
    public var fields: [String: String]
    /// Template language chosen.
    public var language: String
    /// Not to be sent before this time (quiet hours).
    public var excludedUntil: Date?
    /// Not to be retried before this time.
    public var retryAt: Date?
    public var attempts: Int
    public var sentAt: Date?
    public var actualSentAt: Date?
    public var actualTarget: String?
    public var actualMethod: DeliveryMethod?
    public var readAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, requestId: String, method: DeliveryMethod, target: String, alias: String? = nil,
        status: DistributionStatus, message: String? = nil, fileLocation: String? = nil, reference: String? = nil,
        fields: [String: String] = [:], language: String, excludedUntil: Date? = nil, retryAt: Date? = nil,
        attempts: Int = 0, sentAt: Date? = nil, actualSentAt: Date? = nil, actualTarget: String? = nil,
        actualMethod: DeliveryMethod? = nil, readAt: Date? = nil, lastError: String? = nil,
        createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.requestId = requestId
        self.method = method
        self.target = target
        self.alias = alias
        self.status = status
        self.message = message
        self.fileLocation = fileLocation
        self.reference = reference
        self.fields = fields
        self.language = language
        self.excludedUntil = excludedUntil
        self.retryAt = retryAt
        self.attempts = attempts
        self.sentAt = sentAt
        self.actualSentAt = actualSentAt
        self.actualTarget = actualTarget
        self.actualMethod = actualMethod
        self.readAt = readAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// One row of status history: every transition of a request or its distribution.
public struct HistoryEntry: Sendable, Hashable, Codable {
    /// The first history row of a request stored by a trigger (what every store writes).
    public static func submitted(_ request: CommsRequest, actor: String) -> HistoryEntry {
        HistoryEntry(entity: .request, from: nil, to: request.status.rawValue, at: request.createdAt, actor: actor,
                     reason: request.workflowEventId.map { "raised by event \($0)" })
    }

    /// `document`: a stored document's long-term copy (its move to `stored`; failed attempts show in `storedDocument.lastError`).
    public enum Entity: String, Sendable, Hashable, Codable { case request, distribution, document }
    public var entity: Entity
    /// Status name before (nil when the row was created).
    public var from: String?
    public var to: String
    public var at: Date
    /// Who moved it: `api:<key name>`, `comms-monitor`, `sender:sms`…
    public var actor: String
    public var reason: String?

    public init(entity: Entity, from: String?, to: String, at: Date, actor: String, reason: String? = nil) {
        self.entity = entity
        self.from = from
        self.to = to
        self.at = at
        self.actor = actor
        self.reason = reason
    }
}

/// A recorded problem with a request: a not-sent reason or an error, shown to agents.
public struct RequestProblem: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case notSent, optedOut, error, delivery }
    public var kind: Kind
    public var reason: String
    public var at: Date

    public init(kind: Kind, reason: String, at: Date) {
        self.kind = kind
        self.reason = reason
        self.at = at
    }
}

/// A workflow event (`DEBT`/`DBAR`), raised by another system or by Herald itself
/// (`COMMS`/`CNS` for "comms not sent").
public struct WorkflowEvent: Sendable, Hashable {
    public enum WhenToCreate: String, Sendable, Hashable, Codable { case onCreate = "OnCreate", onResolve = "OnResolve" }
    public enum State: String, Sendable, Hashable, Codable { case open, resolved, cancelled }

    public var id: String
    public var eventType: String
    public var eventCode: String
    public var target: TargetRef
    public var whenToCreate: WhenToCreate
    public var state: State
    /// For "comms not sent" events: the request concerned.
    public var relatedRequestId: String?
    public var note: String?
    public var createdAt: Date
    public var resolvedAt: Date?

    public init(
        id: String, eventType: String, eventCode: String, target: TargetRef, whenToCreate: WhenToCreate,
        state: State = .open, relatedRequestId: String? = nil, note: String? = nil, createdAt: Date, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.eventType = eventType
        self.eventCode = eventCode
        self.target = target
        self.whenToCreate = whenToCreate
        self.state = state
        self.relatedRequestId = relatedRequestId
        self.note = note
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }

    /// The event type and code Herald raises when a comm cannot be sent.
    public static let commsNotSentType = "COMMS"
    public static let commsNotSentCode = "CNS"

    /// The "comms not sent" event for a request that ended without reaching its customer
    /// (not sent, opted out, error, a merge that failed, a send given up), so an agent can act.
    public static func commsNotSent(_ request: CommsRequest, reason: String, at: Date) -> WorkflowEvent {
        WorkflowEvent(id: Identifier.make(now: at), eventType: commsNotSentType, eventCode: commsNotSentCode, target: request.target,
                      whenToCreate: .onCreate, relatedRequestId: request.id, note: "\(request.commsCode): \(reason)", createdAt: at)
    }
}

/// A request with everything an agent sees about it.
public struct RequestDetail: Sendable, Hashable {
    /// A request as its trigger just stored it: no distribution, no problems, one history row
    /// (``HistoryEntry/submitted(_:actor:)``), times at the stores' millisecond precision. The
    /// answer to a trigger, built without reading the row back.
    public init(submitted request: CommsRequest, actor: String) {
        var r = request
        r.createdAt = r.createdAt.roundedToMilliseconds
        r.updatedAt = r.updatedAt.roundedToMilliseconds
        self.init(request: r, distribution: nil, history: [.submitted(r, actor: actor)], problems: [])
    }

    public var request: CommsRequest
    public var distribution: Distribution?
    public var history: [HistoryEntry]
    public var problems: [RequestProblem]
    /// The long-term copy of the distribution's document (emails and letters; nil before the
    /// merge and for other methods).
    public var storedDocument: StoredDocument?

    public init(request: CommsRequest, distribution: Distribution?, history: [HistoryEntry], problems: [RequestProblem],
                storedDocument: StoredDocument? = nil) {
        self.request = request
        self.distribution = distribution
        self.history = history
        self.problems = problems
        self.storedDocument = storedDocument
    }
}
