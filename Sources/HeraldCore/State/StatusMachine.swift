/// The one state machine for request, distribution, stored-document, print-batch and
/// callback-delivery statuses. Every status change in Herald,
/// whichever stage makes it, is checked here first; the store then applies it guarded by the
/// expected current status, so a concurrent change (an agent's cancel racing the monitor) makes
/// the later write a conflict instead of a silent overwrite.
public enum StatusMachine {
    /// Legal request moves. `nil` is "no row yet".
    static let requestMoves: [RequestStatus?: Set<RequestStatus>] = [
        nil: [.awaitingProcessing, .awaitingEventResolution],
        .awaitingEventResolution: [.awaitingProcessing, .cancelled],
        .awaitingProcessing: [.processed, .notSent, .optedOut, .error, .cancelled],
        // An agent may put a request that failed back in the queue.
        .error: [.awaitingProcessing],
        .processed: [],
        .cancelled: [],
        .notSent: [],
        .optedOut: [],
    ]

    /// Legal distribution moves. `nil` is "no row yet".
    static let distributionMoves: [DistributionStatus?: Set<DistributionStatus>] = [
        nil: [.awaitingMerge, .awaitingDistribution],
        .awaitingMerge: [.awaitingDistribution, .errorNoRetry],
        .awaitingDistribution: [.sent, .published, .errorRetry, .errorNoRetry, .batched],
        .errorRetry: [.sent, .published, .errorRetry, .errorNoRetry, .batched],
        // A letter in a print batch: sent with the batch's drop, or failed on its own (its PDF
        // cannot be read or marked).
        .batched: [.sent, .errorNoRetry],
        // A third party that accepted a comm may fail it later (a print bureau's rejection).
        .sent: [.delivered, .undeliverable, .errorNoRetry],
        .published: [.delivered],
        .errorNoRetry: [],
        .delivered: [],
        .undeliverable: [],
    ]

    /// Legal storage moves (a document's long-term copy). `nil` is "no row yet"; waiting →
    /// waiting is a failed attempt recorded with its error and next attempt.
    static let storageMoves: [StorageStatus?: Set<StorageStatus>] = [
        nil: [.waiting],
        .waiting: [.waiting, .stored],
        .stored: [],
    ]

    /// Legal print batch moves: filled or past its cut-off → closed; a failed drop stays closed
    /// (with its error and next attempt); dropped once the ZIP is at the bureau and committed.
    static let printBatchMoves: [PrintBatchStatus?: Set<PrintBatchStatus>] = [
        nil: [.open, .closed],
        .open: [.closed, .dropped],
        .closed: [.closed, .dropped],
        .dropped: [],
    ]

    /// Legal callback delivery moves: waiting → waiting (a failed attempt, with its error and
    /// next attempt) | delivered | failed (dead-lettered); an admin's redelivery puts a failed
    /// or delivered one back to waiting.
    static let callbackMoves: [CallbackDeliveryStatus?: Set<CallbackDeliveryStatus>] = [
        nil: [.waiting],
        .waiting: [.waiting, .delivered, .failed],
        .delivered: [.waiting],
        .failed: [.waiting],
    ]

    /// Whether a callback delivery may move from `from` to `to`.
    public static func canMove(callback from: CallbackDeliveryStatus?, to: CallbackDeliveryStatus) -> Bool {
        callbackMoves[from]?.contains(to) ?? false
    }

    /// Throws ``HeraldError/illegalTransition(_:)`` unless the callback delivery move is legal.
    public static func check(callback from: CallbackDeliveryStatus?, to: CallbackDeliveryStatus) throws(HeraldError) {
        guard canMove(callback: from, to: to) else {
            throw .illegalTransition("callback delivery cannot move from \(from?.rawValue ?? "nothing") to \(to.rawValue)")
        }
    }

    /// Whether a print batch may move from `from` to `to`.
    public static func canMove(printBatch from: PrintBatchStatus?, to: PrintBatchStatus) -> Bool {
        printBatchMoves[from]?.contains(to) ?? false
    }

    /// Throws ``HeraldError/illegalTransition(_:)`` unless the print batch move is legal.
    public static func check(printBatch from: PrintBatchStatus?, to: PrintBatchStatus) throws(HeraldError) {
        guard canMove(printBatch: from, to: to) else {
            throw .illegalTransition("print batch cannot move from \(from?.rawValue ?? "nothing") to \(to.rawValue)")
        }
    }

    /// The statuses from which a comm can be read (ReadDateTime): published online, sent, delivered.
    public static let readable: Set<DistributionStatus> = [.published, .sent, .delivered]

    /// What an external status update does to a distribution in `current` (the "Acknowledge
    /// Comms Receipt Of" moves): `sent` moves a waiting comm to `S` and records the actual send
    /// of one already sent; `delivered` and `undeliverable` move a sent one (`P → V` too);
    /// `error` moves a sent one to `E` (a third party failed it after accepting) as well as a
    /// waiting one; `read` records the first read of a published, sent or delivered one. A comm
    /// already further on ignores it; every other pair is illegal, naming the status.
    public static func effect(of update: StatusUpdate.Status, on current: DistributionStatus, alreadyRead: Bool) -> StatusUpdateEffect {
        let final: Set<DistributionStatus> = [.delivered, .undeliverable, .errorNoRetry]
        switch update {
        case .read:
            if readable.contains(current) { return alreadyRead ? .ignored("already read") : .recordRead }
            return .illegal("a \(current.rawValue) comm cannot be read")
        case .sent:
            if current == .sent { return .recordSent }
            if final.contains(current) || current == .published { return .ignored("already \(current.rawValue)") }
        case .delivered:
            if final.contains(current) { return .ignored("already \(current.rawValue)") }
        case .undeliverable:
            if final.contains(current) { return .ignored("already \(current.rawValue)") }
        case .error:
            if final.contains(current) { return .ignored("already \(current.rawValue)") }
        }
        let target: DistributionStatus = switch update {
        case .sent: .sent
        case .delivered: .delivered
        case .undeliverable: .undeliverable
        case .error, .read: .errorNoRetry
        }
        return canMove(distribution: current, to: target) ? .move(target) : .illegal("a \(current.rawValue) comm cannot become \(target.rawValue)")
    }

    /// Whether a request may move from `from` to `to`.
    public static func canMove(request from: RequestStatus?, to: RequestStatus) -> Bool {
        requestMoves[from]?.contains(to) ?? false
    }

    /// Whether a distribution may move from `from` to `to`.
    public static func canMove(distribution from: DistributionStatus?, to: DistributionStatus) -> Bool {
        distributionMoves[from]?.contains(to) ?? false
    }

    /// Whether a stored document may move from `from` to `to`.
    public static func canMove(storage from: StorageStatus?, to: StorageStatus) -> Bool {
        storageMoves[from]?.contains(to) ?? false
    }

    /// Throws ``HeraldError/illegalTransition(_:)`` unless the storage move is legal.
    public static func check(storage from: StorageStatus?, to: StorageStatus) throws(HeraldError) {
        guard canMove(storage: from, to: to) else {
            throw .illegalTransition("stored document cannot move from \(from?.rawValue ?? "nothing") to \(to.rawValue)")
        }
    }

    /// Throws ``HeraldError/illegalTransition(_:)`` unless the request move is legal.
    public static func check(request from: RequestStatus?, to: RequestStatus) throws(HeraldError) {
        guard canMove(request: from, to: to) else {
            throw .illegalTransition("request cannot move from \(from?.rawValue ?? "nothing") to \(to.rawValue)")
        }
    }

    /// Throws ``HeraldError/illegalTransition(_:)`` unless the distribution move is legal.
    public static func check(distribution from: DistributionStatus?, to: DistributionStatus) throws(HeraldError) {
        guard canMove(distribution: from, to: to) else {
            throw .illegalTransition("distribution cannot move from \(from?.rawValue ?? "nothing") to \(to.rawValue)")
        }
    }
}
