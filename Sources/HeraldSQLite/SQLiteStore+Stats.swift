import Foundation
import GRDB
import HeraldCore

/// Figures the pipeline benchmark reads back from the database after a run.
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

    /// The benchmark's anchor: the storage floor. Inserts `count` bare rows plus one history row
    /// each, in batches of 500 per transaction, into a scratch table of a fresh database at
    /// `path`, with raw cached statements and no Herald logic. Returns the seconds taken.
    public static func rawInsertAnchor(count: Int, path: String) async throws -> TimeInterval {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY, status TEXT, payload TEXT, created_at INTEGER)")
            try db.execute(sql: "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, row_id TEXT, to_status TEXT, at INTEGER)")
        }
        let start = Date()
        var done = 0
        while done < count {
            let n = min(500, count - done)
            let base = done
            try await pool.write { db in
                let insert = try db.cachedStatement(sql: "INSERT INTO rows VALUES (?, 'A', ?, ?)")
                let history = try db.cachedStatement(sql: "INSERT INTO history (row_id, to_status, at) VALUES (?, 'A', ?)")
                for i in base..<(base + n) {
                    let id = Identifier.make()
                    try insert.execute(arguments: [id, "{\"PERCENT\":\"80\",\"i\":\"\(i)\"}", i])
                    try history.execute(arguments: [id, i])
                }
            }
            done += n
        }
        return Date().timeIntervalSince(start)
    }
}
