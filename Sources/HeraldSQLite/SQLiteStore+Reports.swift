import Foundation
import GRDB
import HeraldCore

/// Delivery reports. Every report received is logged in `delivery_reports` with what became
/// of it (`applied`, `ignored` for a distribution already final, `unmatched`). A report that
/// arrives before its send was recorded (fast SMSCs answer within the send's own batch) stays
/// `unmatched` until the reference is indexed, and is applied then.
extension SQLiteStore {
    public func applyDeliveryReports(_ reports: [DeliveryReport], actor: String) async throws -> [DeliveryReportResult] {
        let receivedAt = now
        return try await writer.write { db in
            var results: [DeliveryReportResult] = []
            results.reserveCapacity(reports.count)
            let find = try db.cachedStatement(sql: """
                SELECT d.* FROM distribution_references r JOIN distributions d ON d.id = r.distribution_id
                WHERE r.method = ? AND r.reference = ?
                """)
            for report in reports {
                guard let record = try DistributionRecord.fetchOne(find, arguments: [report.method.rawValue, report.reference])
                    ?? Self.distribution(namedBy: report, in: db) else {
                    try db.logReport(report, receivedAt: receivedAt, disposition: "unmatched", distributionId: nil)
                    results.append(.unmatched)
                    continue
                }
                let d = record.model
                if try db.applyReport(report, to: d, actor: actor) {
                    try db.logReport(report, receivedAt: receivedAt, disposition: "applied", distributionId: d.id)
                    results.append(.applied(requestId: d.requestId, distributionId: d.id))
                } else {
                    try db.logReport(report, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id)
                    results.append(.alreadyFinal(requestId: d.requestId, distributionId: d.id))
                }
            }
            return results
        }
    }
}

extension SQLiteStore {
    /// The distribution a self-naming reference part (`envid:<id>`, `<id@domain>`; see
    /// ``ProviderReference/namedDistributionId(_:)``) points at, when that distribution is of the
    /// report's method and its reference lists the part: such parts are not indexed.
    static func distribution(namedBy report: DeliveryReport, in db: Database) throws -> DistributionRecord? {
        guard let id = ProviderReference.namedDistributionId(report.reference),
              let record = try DistributionRecord.fetchOne(db, key: id),
              record.method == report.method.rawValue,
              ProviderReference.parts(record.reference ?? "").contains(report.reference) else { return nil }
        return record
    }
}

extension Database {
    /// Moves a sent (or published) distribution to delivered/undeliverable through the state
    /// machine; false when it cannot move (already final, or not sent).
    func applyReport(_ report: DeliveryReport, to d: Distribution, actor: String) throws -> Bool {
        let target: DistributionStatus = report.outcome == .delivered ? .delivered : .undeliverable
        guard StatusMachine.canMove(distribution: d.status, to: target) else { return false }
        let reason = ["\(report.method.rawValue) report \(report.reference): \(report.outcome.rawValue)", report.detail]
            .compactMap { $0 }.joined(separator: ", ")
        var t = try DistributionTransition(distribution: d, to: target, actor: actor, reason: reason, at: report.at)
        // A delivered report carries the provider's time (an SMSC's done date, a DSN's
        // Arrival-Date): that is the actual send, not Herald's clock.
        t.actualSentAt = report.outcome == .delivered ? report.at : d.sentAt
        if report.outcome == .undeliverable { t.lastError = report.detail ?? "undeliverable" }
        t.retryAt = nil
        let change = Change(
            requestId: d.requestId, distribution: t,
            problems: report.outcome == .undeliverable ? [RequestProblem(kind: .delivery, reason: reason, at: report.at)] : [])
        var history = HistoryBuffer()
        guard try SQLiteStore.apply(change, token: nil, earlyReports: false, in: self, history: &history) else { return false }
        try history.flush(self)
        return true
    }

    func logReport(_ report: DeliveryReport, receivedAt: Date, disposition: String, distributionId: String?) throws {
        let insert = try cachedStatement(sql: """
            INSERT INTO delivery_reports (method, reference, outcome, at, detail, received_at, disposition, distribution_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.execute(arguments: [report.method.rawValue, report.reference, report.outcome.rawValue, Millis.from(report.at),
                                       report.detail, Millis.from(receivedAt), disposition, distributionId])
    }

    /// Indexes every comma-separated provider id of a sent distribution's reference (but those
    /// naming the distribution itself), so a report about any SMS segment or an email's queue id
    /// finds it; then applies reports that arrived for these ids before the send was recorded.
    func indexReferences(_ reference: String, method deliveryMethod: DeliveryMethod, distributionId: String, earlyReports: Bool = true) throws {
        let method = deliveryMethod.rawValue
        let insert = try cachedStatement(sql: """
            INSERT INTO distribution_references (method, reference, distribution_id) VALUES (?, ?, ?)
            ON CONFLICT (method, reference) DO UPDATE SET distribution_id = excluded.distribution_id
            """)
        let early = try cachedStatement(sql: """
            SELECT id, outcome, at, detail FROM delivery_reports WHERE method = ? AND reference = ? AND disposition = 'unmatched' ORDER BY id
            """)
        for id in ProviderReference.parts(reference) {
            // A part naming this very distribution (its Message-ID, its envelope id) is found
            // through the distribution's own id: two index rows fewer for every email sent.
            if ProviderReference.namedDistributionId(id) != distributionId {
                try insert.runDirect(self) { b in b.add(method); b.add(id); b.add(distributionId) }
            }
            guard earlyReports else { continue }
            for row in try Row.fetchAll(early, arguments: [method, id]) {
                guard let outcome = DeliveryReport.Outcome(rawValue: row["outcome"]),
                      let current = try DistributionRecord.fetchOne(self, key: distributionId)?.model else { continue }
                let report = DeliveryReport(method: deliveryMethod, reference: id, outcome: outcome, at: Millis.date(row["at"] as Int64), detail: row["detail"])
                let applied = try applyReport(report, to: current, actor: "delivery-reports")
                try execute(sql: "UPDATE delivery_reports SET disposition = ?, distribution_id = ? WHERE id = ?",
                            arguments: [applied ? "applied" : "ignored", distributionId, row["id"] as Int64])
            }
        }
    }
}
