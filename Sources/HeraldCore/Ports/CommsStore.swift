import Foundation

/// A trigger to store atomically: its requests, the workflow event it creates (if any), and
/// the idempotency key that makes a retry return the same result.
public struct TriggerSubmission: Sendable, Hashable {
    public struct Idempotency: Sendable, Hashable {
        public var key: String
        /// Hash of the canonical request body; a different body under the same key conflicts.
        public var bodyHash: String
        public init(key: String, bodyHash: String) {
            self.key = key
            self.bodyHash = bodyHash
        }
    }
    public var requests: [CommsRequest]
    public var event: WorkflowEvent?
    public var idempotency: Idempotency?
    public var actor: String

    public init(requests: [CommsRequest], event: WorkflowEvent? = nil, idempotency: Idempotency? = nil, actor: String) {
        self.requests = requests
        self.event = event
        self.idempotency = idempotency
        self.actor = actor
    }
}

/// The stored result of a trigger.
public struct SubmissionResult: Sendable, Hashable {
    public var requestIds: [String]
    public var eventId: String?
    /// True when an earlier submission with the same idempotency key was returned.
    public var replayed: Bool

    public init(requestIds: [String], eventId: String?, replayed: Bool) {
        self.requestIds = requestIds
        self.eventId = eventId
        self.replayed = replayed
    }
}

/// Filter and page for listing requests; newest first.
public struct RequestQuery: Sendable, Hashable {
    public var customerId: String?
    public var accountId: String?
    public var subscriptionId: String?
    public var status: RequestStatus?
    public var commsCode: String?
    public var limit: Int
    /// Opaque: the id of the last item of the previous page.
    public var cursor: String?

    public init(customerId: String? = nil, accountId: String? = nil, subscriptionId: String? = nil, status: RequestStatus? = nil,
                commsCode: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.accountId = accountId
        self.subscriptionId = subscriptionId
        self.status = status
        self.commsCode = commsCode
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of requests.
public struct RequestPage: Sendable, Hashable {
    public var items: [RequestDetail]
    public var nextCursor: String?
    public init(items: [RequestDetail], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Rows per stage waiting, for metrics.
public struct QueueDepth: Sendable, Hashable {
    public var stage: Stage
    public var waiting: Int
    public init(stage: Stage, waiting: Int) {
        self.stage = stage
        self.waiting = waiting
    }
}

/// The store every stage reads and writes through. SQLite implements it now, PostgreSQL later,
/// both held to the same conformance tests. Methods are batched where the pipeline is hot.
public protocol CommsStore: InboxStore, CallbackStore {
    /// Creates or upgrades the schema (named migrations).
    func migrate() async throws

    // MARK: Customer data
    func upsertCustomer(_ customer: Customer) async throws
    /// Throws `invalidInput` (field `customerId`) when the customer is unknown.
    func upsertAccount(_ account: Account) async throws
    /// Throws `invalidInput` (field `customerId`/`accountId`) when either is unknown or the
    /// account belongs to another customer.
    func upsertSubscription(_ subscription: Subscription) async throws
    func customer(id: String) async throws -> Customer?
    func account(id: String) async throws -> Account?
    func subscription(id: String) async throws -> Subscription?
    /// Loads customer, account and subscription for many targets in one read. Targets that do
    /// not resolve to a customer are absent from the result.
    func contexts(for targets: [TargetRef]) async throws -> [TargetRef: TargetContext]

    // MARK: Triggers
    /// Stores one trigger atomically (all its requests and its event, or nothing). With a live
    /// idempotency key, returns the earlier result instead; throws `conflict` (field
    /// `Idempotency-Key`) when the body hash differs. A new key lives for `idempotencyWindow`.
    func submit(_ submission: TriggerSubmission, idempotencyWindow: Duration) async throws -> SubmissionResult
    /// Stores many triggers in one transaction (bulk import, benchmarks); per-item results in order.
    func submitBatch(_ submissions: [TriggerSubmission], idempotencyWindow: Duration) async throws -> [Result<SubmissionResult, HeraldError>]
    /// Runs `body`, a bulk import's ``submitBatch(_:idempotencyWindow:)`` calls, with the store
    /// tuned for large batches (SQLite: a larger page cache for the writer), untuned after.
    func bulkWriting<T>(_ body: () async throws -> T) async throws -> T
    /// The stored result of a live idempotency key with the same body hash, nil for an unknown
    /// or expired key; throws `conflict` (field `Idempotency-Key`) for another body. Lets a
    /// retry get its earlier answer even if validation would now fail (catalog reloaded).
    func replay(_ idempotency: TriggerSubmission.Idempotency) async throws -> SubmissionResult?
    /// Which of `keys` are stored and live at `now` (not expired), each with the body hash it was
    /// stored with; unknown and expired keys are absent. One look-up for many keys (a chunk of a
    /// bulk import): a key with the same body hash would replay, one with another would conflict.
    func liveIdempotencyKeys(_ keys: [String], now: Date) async throws -> [String: String]
    /// Deletes idempotency keys whose window has ended, in transactions of bounded size (an
    /// hour of API keys can be millions: the writer is never held long); returns how many.
    func purgeExpiredIdempotencyKeys(now: Date) async throws -> Int
    func workflowEvent(id: String) async throws -> WorkflowEvent?
    /// Resolves an open event: its waiting requests move to `awaitingProcessing`. Returns their ids.
    func resolveEvent(id: String, actor: String, at: Date) async throws -> [String]
    /// Cancels an open event: its waiting requests move to `cancelled`. Returns their ids.
    func cancelEvent(id: String, actor: String, at: Date) async throws -> [String]

    // MARK: Agent view
    func request(id: String) async throws -> RequestDetail?
    func requests(_ query: RequestQuery) async throws -> RequestPage
    /// Cancels a waiting request (`awaitingProcessing` or `awaitingEventResolution`); throws
    /// `illegalTransition` otherwise and `notFound` for an unknown id.
    func cancelRequest(id: String, actor: String, reason: String?, at: Date) async throws -> RequestDetail

    // MARK: Reports from providers
    /// Applies delivery reports: each is matched by method and provider reference (a sent
    /// distribution's `reference` is a comma-separated list of provider ids, one per SMS
    /// segment, each of which matches) and moves a `sent` (or `published`) distribution to
    /// `delivered` or `undeliverable` with a history row; the first final report wins.
    /// Every report is logged; an unmatched one is applied if its reference is recorded later.
    /// One result per report, in order.
    func applyDeliveryReports(_ reports: [DeliveryReport], actor: String) async throws -> [DeliveryReportResult]
    /// Applies a print bureau's return lines in one transaction, each on its own: `posted` sets
    /// the letter's actual sent time, `returned` moves it to `undeliverable`, `rejected` to
    /// `errorNoRetry`, `accepted`/`printed` are logged; every line is logged in `delivery_reports`.
    func applyPrintReturns(_ returns: [PrintReturn], actor: String) async throws -> [PrintReturnResult]
    /// Applies external status updates in one transaction, each on its own (a savepoint: a bad
    /// item never fails the others, nor is half written): matched by request id or provider
    /// reference, moved through ``StatusMachine/effect(of:on:alreadyRead:)``, recorded in
    /// `status_history` (actor `actor`) and `delivery_reports`, and remembered by `scope` +
    /// `updateId` so the same update again answers as the first time. `permit`, when given, may
    /// refuse a comm (its code and method) with a reason: a key limited to one system. One result
    /// per update, in order.
    func applyStatusUpdates(_ updates: [StatusUpdate], scope: String, actor: String,
                            permit: (@Sendable (_ commsCode: String, _ method: DeliveryMethod) -> String?)?) async throws -> [StatusUpdateResult]
    /// Forgets the status updates taken before `receivedBefore` (housekeeping): the same
    /// update sent again after that answers from the comm's status as it is then, not as the
    /// first time. Deletes in transactions of bounded size, so the writer is never held long.
    /// Returns how many.
    func purgeStatusUpdates(receivedBefore: Date) async throws -> Int
    /// Brings the cut-off of every open print batch forward to `at` (an operator's "send what
    /// you have now", the demo): the drop stage then takes them. Returns how many.
    func closeOpenPrintBatches(at: Date) async throws -> Int
    /// Print batches, newest first (`herald print batches`, the demo).
    func printBatches(limit: Int) async throws -> [PrintBatch]

    // MARK: Email suppression
    /// Adds email addresses to the suppression list (a hard bounce); an address already there
    /// keeps its entry with the new reason and time. Compared case-insensitively.
    func suppress(addresses: [String], reason: String, at: Date) async throws
    /// Which of `addresses` (as given) are on the suppression list, compared case-insensitively.
    func suppressed(_ addresses: [String]) async throws -> Set<String>

    // MARK: The one claim mechanism
    /// Claims up to `limit` due rows of a stage for `ticket`'s lease, in the stage's order.
    func claim(_ stage: Stage, ticket: ClaimTicket, limit: Int) async throws -> [WorkItem]
    /// Applies units of work in one transaction; under a ticket each unit's first move also
    /// requires the claim token, and applied rows are released from the claim.
    func commit(_ changes: [Change], ticket: ClaimTicket?) async throws -> CommitReport
    /// Releases claimed rows without changing them (a worker shutting down).
    func release(_ stage: Stage, ticket: ClaimTicket) async throws
    /// Extends the lease of the rows `ticket` still holds in `stage` to `until` (a batch that
    /// takes longer than its lease: a slow relay, a long queue for sessions); returns how many.
    func renew(_ stage: Stage, ticket: ClaimTicket, until: Date) async throws -> Int
    /// The earliest time a row of the stage becomes claimable, if none is claimable now
    /// (excluded-until, retry time or a lease end). Nil when the stage is empty.
    func nextDue(_ stage: Stage, now: Date) async throws -> Date?
    /// Rows per stage in the stage's statuses, including rows held back by quiet hours, a retry
    /// time or a live claim (for metrics: what is still to do).
    func queueDepths(now: Date) async throws -> [QueueDepth]
    /// Succeeds when the store answers a trivial query (health checks).
    func ping() async throws

    // MARK: Long-term storage
    /// Stored documents in chain order (`chain_seq`), the first `limit` after `afterSeq` (nil:
    /// from the chain's start), for `herald documents verify`.
    func storedDocumentChain(afterSeq: Int64?, limit: Int) async throws -> [StoredDocument]
    /// Which of these local document packs (`fileLocation` paths before the `#`, e.g.
    /// `fs:documents/2026/12/07/08/<id>.pack`) still hold a document not yet stored long-term or
    /// not yet sent (awaiting distribution or a retry): they must be kept.
    func documentPacksInUse(_ packs: [String]) async throws -> Set<String>
}
