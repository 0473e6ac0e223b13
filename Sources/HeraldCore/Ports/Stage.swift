import Foundation

/// A stage of the pipeline: a queue of rows in one status that one kind of worker claims.
/// The one claim mechanism (``CommsStore/claim(_:ticket:limit:)``) serves every stage.
public enum Stage: Hashable, Sendable, CustomStringConvertible {
    /// Requests `awaitingProcessing`, claimed by the Comms Monitor (priority, then age).
    case monitor
    /// Distributions `awaitingMerge` of a method (email, letter), claimed by its monitor.
    case merge(DeliveryMethod)
    /// Distributions `awaitingDistribution` or `errorRetry` of a method whose excluded-until
    /// and retry time have passed, claimed by that method's sender.
    case send(DeliveryMethod)
    /// Documents (emails, letters) waiting for their long-term copy, claimed by the archive
    /// stage (oldest first) once a failed attempt's retry time has passed.
    case store
    /// Print batches due for their drop at the bureau: closed (full), or open past their
    /// cut-off; claimed with their letters (`letter.transport` = `print`).
    case printDrop
    /// Status callbacks waiting to be sent (`webhook_deliveries`), oldest first, each once the
    /// earlier ones of its request and subscription are done and its retry time has passed.
    case callback

    /// Every stage the pipeline runs.
    public static var all: [Stage] {
        [.monitor] + [DeliveryMethod.email, .letter].map(Stage.merge) + DeliveryMethod.allCases.map(Stage.send) + [.store, .printDrop, .callback]
    }

    /// `monitor`, `merge.email`, `send.sms`…
    public var description: String {
        switch self {
        case .monitor: "monitor"
        case .merge(let m): "merge.\(m.rawValue)"
        case .send(let m): "send.\(m.rawValue)"
        case .store: "store"
        case .printDrop: "print.drop"
        case .callback: "callback"
        }
    }
}

/// A claim on a batch of rows: who holds it and until when. A worker that dies loses its claims
/// when the lease ends, and another worker takes the rows.
public struct ClaimTicket: Sendable, Hashable {
    /// Unique per claim; completing a row requires the same token, so a worker whose lease ran
    /// out cannot overwrite the work of the one that took over.
    public var token: String
    public var worker: String
    public var now: Date
    public var leaseUntil: Date

    public init(token: String = Identifier.make(), worker: String, now: Date, lease: Duration) {
        self.token = token
        self.worker = worker
        self.now = now
        self.leaseUntil = now.addingTimeInterval(lease.seconds)
    }
}

/// A claimed row: the request, for merge and send stages its distribution, for the store stage
/// the document to store.
public struct WorkItem: Sendable, Hashable {
    public var request: CommsRequest
    public var distribution: Distribution?
    public var document: PendingDocument?
    /// For the print drop stage: the letter's batch and its piece.
    public var print: PrintAssignment?
    /// For the callback stage: the delivery to send.
    public var callback: PendingCallback?

    public init(request: CommsRequest, distribution: Distribution? = nil, document: PendingDocument? = nil, print: PrintAssignment? = nil,
                callback: PendingCallback? = nil) {
        self.callback = callback
        self.request = request
        self.distribution = distribution
        self.document = document
        self.print = print
    }
}
