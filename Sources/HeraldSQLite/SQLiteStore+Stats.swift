import Foundation
import GRDB
import HeraldCore

/// Figures of a finished run, read back from the database: when requests were triggered,
/// processed and sent, trigger-to-sent latencies and distributions by status (`herald bench`,
/// diagnostics).
public struct PipelineStats: Sendable {
    /// First and last `created_at` of requests.
    public var triggered: ClosedRange<Date>?
    /// First and last time a request reached `processed`.
    public var processed: ClosedRange<Date>?
    /// First and last `sent_at` of distributions.
    public var sent: ClosedRange<Date>?
    /// Trigger-to-sent latency of every sent distribution, milliseconds, ascending.
    public var latenciesMilliseconds: [Int64]
    /// Distributions by status name.
    public var distributionStatuses: [String: Int]
}

extension SQLiteStore {
    public func ping() async throws {
        try await writer.read { db in
            // Reads the schema page: `SELECT 1` alone touches no page of the file.
            try db.cachedStatement(sql: "SELECT 1 FROM sqlite_schema LIMIT 1").stepDirect(db, { _ in }) { _ in }
        }
    }

    /// Reads ``PipelineStats`` (benchmarks, diagnostics).
    public func pipelineStats() async throws -> PipelineStats {
        try await writer.read { db in
            func range(_ sql: String) throws -> ClosedRange<Date>? {
                guard let row = try Row.fetchOne(db, sql: sql), let lo = row[0] as Int64?, let hi = row[1] as Int64? else { return nil }
                return Millis.date(lo)...Millis.date(hi)
            }
            let triggered = try range("SELECT MIN(created_at), MAX(created_at) FROM comms_requests")
            let processed = try range("SELECT MIN(at), MAX(at) FROM status_history WHERE entity = 'request' AND to_status = 'processed'")
            let sent = try range("SELECT MIN(sent_at), MAX(sent_at) FROM distributions WHERE sent_at IS NOT NULL")
            let latencies = try Int64.fetchAll(db, sql: """
                SELECT d.sent_at - r.created_at AS l FROM distributions d JOIN comms_requests r ON r.id = d.request_id
                WHERE d.sent_at IS NOT NULL ORDER BY l
                """)
            var statuses: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM distributions GROUP BY status") {
                let code: String = row[0]
                statuses[DistributionStatus(code: code)?.rawValue ?? code] = row[1]
            }
            return PipelineStats(triggered: triggered, processed: processed, sent: sent, latenciesMilliseconds: latencies,
                                 distributionStatuses: statuses)
        }
    }

}
