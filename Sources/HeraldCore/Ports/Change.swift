import Foundation

/// A request status move, checked by the ``StatusMachine`` when made.
public struct RequestTransition: Sendable, Hashable {
    /// The row and the move are fixed at construction, where the state machine checked them.
    public private(set) var requestId: String
    public private(set) var from: RequestStatus
    public private(set) var to: RequestStatus
    public var actor: String
    public var reason: String?
    public var at: Date

    public init(requestId: String, from: RequestStatus, to: RequestStatus, actor: String, reason: String? = nil, at: Date) throws(HeraldError) {
        try StatusMachine.check(request: from, to: to)
        self.requestId = requestId
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// A distribution status move plus the columns it sets. Optional columns left nil keep their
/// stored value — except ``retryAt``, which is always written: nil clears it (a success or a
/// final failure has no next attempt).
public struct DistributionTransition: Sendable, Hashable {
    /// The row and the move are fixed at construction, where the state machine checked them.
    public private(set) var distributionId: String
    public private(set) var requestId: String
    /// The distribution's delivery method (provider references are indexed per method).
    public private(set) var method: DeliveryMethod
    public private(set) var from: DistributionStatus
    public private(set) var to: DistributionStatus
    public var actor: String
    public var reason: String?
    public var at: Date

    public var message: String?
    public var fileLocation: String?
    public var reference: String?
    public var sentAt: Date?
    public var retryAt: Date?
    public var attempts: Int?
    public var lastError: String?
    public var actualSentAt: Date?
    public var actualTarget: String?
    public var actualMethod: DeliveryMethod?
    public var readAt: Date?

    public init(distribution: Distribution, to: DistributionStatus, actor: String, reason: String? = nil, at: Date) throws(HeraldError) {
        try StatusMachine.check(distribution: distribution.status, to: to)
        self.distributionId = distribution.id
        self.method = distribution.method
        self.requestId = distribution.requestId
        self.from = distribution.status
        self.to = to
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// A push token to disable on the customer of a request (the provider said it is gone).
public struct PushTokenDisabling: Sendable, Hashable {
    /// The distribution target: `<platform>:<token>`.
    public var target: String
    /// The provider's words.
    public var reason: String
    public var at: Date

    public init(target: String, reason: String, at: Date) {
        self.target = target
        self.reason = reason
        self.at = at
    }
}

/// A new request made from a claimed one in the same unit: the comm tried again from the
/// start (the Comms Monitor chooses its method afresh), linked by `copyOf`.
public struct Resend: Sendable, Hashable {
    /// The new request's id.
    public var id: String
    /// The request it copies (its code, target, fields, priority and override are copied).
    public var copyOf: String
    public var actor: String
    public var reason: String
    public var at: Date

    public init(id: String, copyOf: String, actor: String, reason: String, at: Date) {
        self.id = id
        self.copyOf = copyOf
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// One unit of work a stage commits: applied all or nothing. The first status move in it is
/// guarded (expected current status and, under a claim, the claim token); when the guard
/// fails the whole unit is skipped and reported as a conflict.
public struct Change: Sendable, Hashable {
    public var request: RequestTransition?
    public var newDistribution: Distribution?
    public var distribution: DistributionTransition?
    public var problems: [RequestProblem]
    /// Events to raise (e.g. "comms not sent").
    public var raisedEvents: [WorkflowEvent]
    /// A document to store long-term (the merge that wrote it hands it to the store stage).
    public var newDocument: PendingDocument?
    /// A stored-document move (the store stage's units; it moves nothing else).
    public var storage: StorageTransition?
    /// A letter filed into a print batch (with its distribution's move to `batched`).
    public var printFiling: PrintFiling?
    /// A print batch's move (the drop stage's units).
    public var printBatch: PrintBatchTransition?
    /// A push token the provider said is gone, disabled on the request's customer.
    public var disabledPushToken: PushTokenDisabling?
    /// A copy of the request to process afresh (a push whose token was gone falls to the next
    /// allowed method this way).
    public var resend: Resend?
    /// A callback delivery's move (the callback stage's units; it moves nothing else).
    public var callback: CallbackTransition?
    /// The request this unit concerns (for conflicts and release).
    public var requestId: String

    public init(
        requestId: String, request: RequestTransition? = nil, newDistribution: Distribution? = nil,
        distribution: DistributionTransition? = nil, problems: [RequestProblem] = [], raisedEvents: [WorkflowEvent] = [],
        newDocument: PendingDocument? = nil, storage: StorageTransition? = nil, printFiling: PrintFiling? = nil,
        printBatch: PrintBatchTransition? = nil, disabledPushToken: PushTokenDisabling? = nil, resend: Resend? = nil,
        callback: CallbackTransition? = nil
    ) {
        self.callback = callback
        self.disabledPushToken = disabledPushToken
        self.resend = resend
        self.printFiling = printFiling
        self.printBatch = printBatch
        self.requestId = requestId
        self.request = request
        self.newDistribution = newDistribution
        self.distribution = distribution
        self.problems = problems
        self.raisedEvents = raisedEvents
        self.newDocument = newDocument
        self.storage = storage
    }
}

/// What a commit did.
public struct CommitReport: Sendable, Hashable {
    /// Units applied.
    public var applied: Int
    /// Request ids of units skipped because the row had moved on or the claim was lost.
    public var conflicts: [String]

    public init(applied: Int = 0, conflicts: [String] = []) {
        self.applied = applied
        self.conflicts = conflicts
    }
}
