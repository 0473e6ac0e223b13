import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// `status_updates` forgotten after their retention (``SQLiteStore/purgeStatusUpdates(receivedBefore:)``,
/// migration `2026-12-07-status-updates-expire`): oldest first, in bounded transactions.
@Suite("Status updates expire")
struct StatusUpdateRetentionTests {
    /// Rows received at `times` (milliseconds), written straight into the table.
    func store(receivedAt times: [Int64]) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.writer.write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO status_updates (scope, update_id, result, detail, request_id, digest, received_at)
                VALUES ('gateway', ?, 'applied', 'sent → delivered', NULL, 'd', ?)
                """)
            for (i, at) in times.enumerated() { try insert.execute(arguments: ["u-\(i)", at]) }
        }
        return store
    }

    func remaining(_ store: SQLiteStore) async throws -> [Int64] {
        try await store.writer.read { db in try Int64.fetchAll(db, sql: "SELECT received_at FROM status_updates ORDER BY received_at") }
    }

    @Test func onlyUpdatesReceivedBeforeTheCutOffAreDeleted() async throws {
        let store = try await store(receivedAt: [1_000, 2_000, 2_999, 3_000, 4_000])
        #expect(try await store.purgeStatusUpdates(receivedBefore: Millis.date(3_000)) == 3)
        #expect(try await remaining(store) == [3_000, 4_000])
        #expect(try await store.purgeStatusUpdates(receivedBefore: Millis.date(3_000)) == 0)
    }

    /// More rows than one transaction deletes: the purge goes on until none is left before the
    /// cut-off, and counts them all.
    @Test func aLargePurgeTakesSeveralTransactions() async throws {
        let n = SQLiteStore.purgeChunk * 2 + 7
        let store = try await store(receivedAt: (0..<n).map { Int64($0) } + [Int64(n) + 1_000])
        #expect(try await store.purgeStatusUpdates(receivedBefore: Millis.date(Int64(n))) == n)
        #expect(try await remaining(store) == [Int64(n) + 1_000])
    }

    /// The purge reads `status_updates_received`, never the whole table.
    @Test func thePurgeWalksTheReceivedIndex() async throws {
        let store = try await store(receivedAt: [])
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT scope, update_id FROM status_updates INDEXED BY status_updates_received
                WHERE received_at < ? ORDER BY received_at LIMIT ?
                """, arguments: [1, 1]).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("USING COVERING INDEX status_updates_received (received_at<?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
