import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func applyDeliveryReports(_ reports: [DeliveryReport], actor: String) async throws -> [DeliveryReportResult] {
        let receivedAt = Millis.from(now)
        return try await writer.write { db in
            var results: [DeliveryReportResult] = []
            results.reserveCapacity(reports.count)
            let find = try db.cachedStatement(sql: """
                SELECT d.* FROM distribution_references r JOIN distributions d ON d.id = r.distribution_id
                WHERE r.method = ? AND r.reference = ?
                """)
            for report in reports {
                guard let record = try DistributionRecord.fetchOne(find, arguments: [report.method.rawValue, report.reference]) else {
                    try db.execute(sql: """
                        INSERT INTO unmatched_reports (method, reference, outcome, at, detail, received_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [report.method.rawValue, report.reference, report.outcome.rawValue, Millis.from(report.at),
                                         report.detail, receivedAt])
                    results.append(.unmatched)
                    continue
                }
                let d = record.model
                let target: DistributionStatus = report.outcome == .delivered ? .delivered : .undeliverable
                let reason = ["\(report.method.rawValue) report \(report.reference): \(report.outcome.rawValue)", report.detail]
                    .compactMap { $0 }.joined(separator: ", ")
                guard StatusMachine.canMove(distribution: d.status, to: target) else {
                    // Already final (or not yet sent): keep the report in the history, change nothing.
                    try db.insertHistory(requestId: d.requestId, entity: .distribution, from: d.status.rawValue, to: d.status.rawValue,
                                         at: report.at, actor: actor, reason: "ignored " + reason)
                    results.append(.alreadyFinal(requestId: d.requestId, distributionId: d.id))
                    continue
                }
                var t = try DistributionTransition(distribution: d, to: target, actor: actor, reason: reason, at: report.at)
                t.actualSentAt = d.sentAt
                if report.outcome == .undeliverable { t.lastError = report.detail ?? "undeliverable" }
                t.retryAt = nil
                let change = Change(
                    requestId: d.requestId, distribution: t,
                    problems: report.outcome == .undeliverable ? [RequestProblem(kind: .delivery, reason: reason, at: report.at)] : [])
                if try Self.apply(change, token: nil, in: db) {
                    results.append(.applied(requestId: d.requestId, distributionId: d.id))
                } else {
                    results.append(.alreadyFinal(requestId: d.requestId, distributionId: d.id))
                }
            }
            return results
        }
    }
}

extension Database {
    /// Indexes every comma-separated provider id of a sent distribution's reference, so a report
    /// about any SMS segment (or the Message-ID of an email) finds it.
    func indexReferences(_ reference: String, distributionId: String) throws {
        let method = try String.fetchOne(cachedStatement(sql: "SELECT method FROM distributions WHERE id = ?"), arguments: [distributionId])
        guard let method else { return }
        let insert = try cachedStatement(sql: """
            INSERT INTO distribution_references (method, reference, distribution_id) VALUES (?, ?, ?)
            ON CONFLICT (method, reference) DO UPDATE SET distribution_id = excluded.distribution_id
            """)
        for part in reference.split(separator: ",") {
            let id = part.trimmingCharacters(in: .whitespaces)
            if !id.isEmpty { try insert.execute(arguments: [method, id, distributionId]) }
        }
    }
}
