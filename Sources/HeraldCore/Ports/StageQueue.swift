/// Which rows wait for a stage, said once: every store builds its claims, lease renewals,
/// wake-up times, queue depths and (through a test) its partial indexes from this description
/// rather than writing status letters of its own. A new stage or a new waiting status is added
/// here, and the store's index test then says which index it lacks.
public struct StageQueue: Sendable, Hashable {
    /// The table a stage claims from.
    public enum Table: String, Sendable, Hashable {
        /// Request headers (`comms_requests`).
        case requests
        /// Distributions (`distributions`).
        case distributions
        /// Documents' long-term copies (`stored_documents`).
        case storedDocuments
        /// Print batches (`print_batches`).
        case printBatches
        /// Status callbacks to send (`webhook_deliveries`).
        case callbackDeliveries
    }

    public var table: Table
    /// The status letters of the rows waiting for the stage (`A`, or `D` and `R`; `W` for the
    /// store stage, Herald's own letter).
    public var statusCodes: [String]
    /// The delivery method the stage serves (merge and send stages: one queue per method).
    public var method: DeliveryMethod?
    /// Whether a waiting row is due only once its excluded-until (quiet hours) and retry time
    /// have passed (send stages).
    public var waitsForExclusionAndRetry: Bool
    /// Whether a waiting row is due only once its retry time has passed (the store stage,
    /// which has no quiet hours).
    public var waitsForRetry: Bool
    /// Whether an open row (the first status code) is due only once its `close_at` has passed,
    /// the others at once (print batches: open until full or their cut-off).
    public var waitsForCloseTime: Bool
    /// Whether a waiting row is due only when no earlier waiting row of the same subscription
    /// and request is left (callbacks: in order per request, a failing one holding back the
    /// changes after it).
    public var waitsForPredecessor: Bool

    public init(table: Table, statusCodes: [String], method: DeliveryMethod? = nil, waitsForExclusionAndRetry: Bool = false,
                waitsForRetry: Bool = false, waitsForCloseTime: Bool = false, waitsForPredecessor: Bool = false) {
        self.waitsForPredecessor = waitsForPredecessor
        self.waitsForCloseTime = waitsForCloseTime
        self.table = table
        self.statusCodes = statusCodes
        self.method = method
        self.waitsForExclusionAndRetry = waitsForExclusionAndRetry
        self.waitsForRetry = waitsForRetry
    }
}

extension Stage {
    /// The rows waiting for this stage.
    public var queue: StageQueue {
        switch self {
        case .monitor:
            StageQueue(table: .requests, statusCodes: [RequestStatus.awaitingProcessing.code])
        case .merge(let method):
            StageQueue(table: .distributions, statusCodes: [DistributionStatus.awaitingMerge.code], method: method)
        case .send(let method):
            StageQueue(table: .distributions,
                       statusCodes: [DistributionStatus.awaitingDistribution.code, DistributionStatus.errorRetry.code],
                       method: method, waitsForExclusionAndRetry: true)
        case .store:
            StageQueue(table: .storedDocuments, statusCodes: [StorageStatus.waiting.code], waitsForRetry: true)
        case .printDrop:
            StageQueue(table: .printBatches, statusCodes: [PrintBatchStatus.open.code, PrintBatchStatus.closed.code],
                       waitsForRetry: true, waitsForCloseTime: true)
        case .callback:
            StageQueue(table: .callbackDeliveries, statusCodes: [CallbackDeliveryStatus.waiting.code], waitsForRetry: true,
                       waitsForPredecessor: true)
        }
    }
}
