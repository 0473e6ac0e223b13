import HeraldCore

/// Status conditions as SQL, built from the status enums' CMP letters (never written by hand).
///
/// The conditions are literal (`status = 'A'`, `status IN ('D', 'R')`), not bound parameters,
/// so that SQLite's planner matches them to the partial indexes, whose `WHERE` clauses the
/// migrations build with the same functions. `StageIndexTests` checks that every stage's
/// queries are served by one of those indexes.
enum StatusSQL {
    /// `status = 'A'` or `status IN ('D', 'R')` for these letters, in this order.
    static func condition(_ codes: [String]) -> String {
        precondition(!codes.isEmpty && codes.allSatisfy { $0.utf8.count == 1 && $0.utf8.allSatisfy { (65...90).contains($0) } },
                     "status codes are single capital letters")
        if codes.count == 1 { return "status = '\(codes[0])'" }
        return "status IN (" + codes.map { "'\($0)'" }.joined(separator: ", ") + ")"
    }

    static func condition(_ statuses: RequestStatus...) -> String { condition(statuses.map(\.code)) }
    static func condition(_ statuses: DistributionStatus...) -> String { condition(statuses.map(\.code)) }
    static func condition(_ statuses: StorageStatus...) -> String { condition(statuses.map(\.code)) }
    static func condition(_ statuses: PrintBatchStatus...) -> String { condition(statuses.map(\.code)) }
    static func condition(_ statuses: CallbackDeliveryStatus...) -> String { condition(statuses.map(\.code)) }

    /// `status <> 'A'`: the condition of `requests_status`, which leaves out the requests
    /// awaiting processing (`requests_queue` has those). A query by another status names it so
    /// that SQLite's planner, which matches a partial index's condition only to the same term in
    /// the query, may use the index.
    static let notAwaitingProcessing = "status <> '\(RequestStatus.awaitingProcessing.code)'"

    /// The SQL table of a stage's queue.
    static func table(_ table: StageQueue.Table) -> String {
        switch table {
        case .requests: "comms_requests"
        case .distributions: "distributions"
        case .storedDocuments: "stored_documents"
        case .printBatches: "print_batches"
        case .callbackDeliveries: "webhook_deliveries"
        }
    }
}
