import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// The housekeeping purges of expired idempotency keys and of status updates past their
/// retention (migration `2026-12-07-status-updates-expire`): each through its index, oldest
/// first, in transactions of ``SQLiteStore/purgeChunk`` rows (``SQLiteStore/purgeInChunks(_:_:)``).
@Suite("Housekeeping purges")
struct HousekeepingPurgeTests {
    /// The two purged tables: rows with a time each (milliseconds), written straight in; the
    /// purge at a cut-off; the times left; the chunk query whose plan is checked.
    enum Table: CaseIterable {
        case idempotencyKeys, statusUpdates

        func fill(_ db: Database, _ times: [Int64]) throws {
            switch self {
            case .idempotencyKeys:
                let insert = try db.makeStatement(sql: """
                    INSERT INTO idempotency_keys (key_hash, key, body_hash, request_ids, event_id, created_at, expires_at)
                    VALUES (?, ?, 'b', '["R"]', NULL, 0, ?)
                    """)
                for (i, at) in times.enumerated() { try insert.execute(arguments: [IdempotencyRecord.keyHash("api:t|k\(i)"), "api:t|k\(i)", at]) }
            case .statusUpdates:
                let insert = try db.makeStatement(sql: """
                    INSERT INTO status_updates (scope, update_id, result, detail, request_id, digest, received_at)
                    VALUES ('gateway', ?, 'applied', 'sent → delivered', NULL, 'd', ?)
                    """)
                for (i, at) in times.enumerated() { try insert.execute(arguments: ["u-\(i)", at]) }
            }
        }

        /// Purges with cut-off `at`: keys expired at or before it, updates received before it.
        func purge(_ store: SQLiteStore, at: Int64) async throws -> Int {
            switch self {
            case .idempotencyKeys: try await store.purgeExpiredIdempotencyKeys(now: Millis.date(at))
            case .statusUpdates: try await store.purgeStatusUpdates(receivedBefore: Millis.date(at))
            }
        }

        var times: String {
            switch self {
            case .idempotencyKeys: "SELECT expires_at FROM idempotency_keys ORDER BY expires_at"
            case .statusUpdates: "SELECT received_at FROM status_updates ORDER BY received_at"
            }
        }

        /// The chunk's SELECT and the index it must walk.
        var chunk: (sql: String, index: String) {
            switch self {
            case .idempotencyKeys:
                ("SELECT rowid FROM idempotency_keys INDEXED BY idempotency_expiry WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
                 "USING COVERING INDEX idempotency_expiry (expires_at<?)")
            case .statusUpdates:
                ("SELECT scope, update_id FROM status_updates INDEXED BY status_updates_received WHERE received_at < ? ORDER BY received_at LIMIT ?",
                 "USING COVERING INDEX status_updates_received (received_at<?)")
            }
        }
    }

    func store(_ table: Table, _ times: [Int64]) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.writer.write { db in try table.fill(db, times) }
        return store
    }

    func remaining(_ store: SQLiteStore, _ table: Table) async throws -> [Int64] {
        try await store.writer.read { db in try Int64.fetchAll(db, sql: table.times) }
    }

    @Test(arguments: Table.allCases)
    func onlyRowsPastTheCutOffAreDeleted(_ table: Table) async throws {
        let store = try await store(table, [4_000, 1_000, 3_000, 2_999, 3_001, 2_000])
        // Keys expire at their time (gone at 3,000); updates are kept from their time on.
        let expected: [Int64] = table == .idempotencyKeys ? [3_001, 4_000] : [3_000, 3_001, 4_000]
        #expect(try await table.purge(store, at: 3_000) == 6 - expected.count)
        #expect(try await remaining(store, table) == expected)
        #expect(try await table.purge(store, at: 3_000) == 0)
    }

    /// More rows than one transaction deletes: the purge goes on until none is left before the
    /// cut-off, and counts them all.
    @Test(arguments: Table.allCases)
    func aLargeBacklogTakesSeveralTransactions(_ table: Table) async throws {
        let n = SQLiteStore.purgeChunk * 2 + 7
        let store = try await store(table, (0..<n).map { Int64($0) } + [Int64(n) + 1_000])
        #expect(try await table.purge(store, at: Int64(n)) == n)
        #expect(try await remaining(store, table) == [Int64(n) + 1_000])
    }

    /// Each chunk is found through the table's time index, oldest first: no scan, no sort.
    @Test(arguments: Table.allCases)
    func eachChunkWalksTheTimeIndex(_ table: Table) async throws {
        let store = try await store(table, [])
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + table.chunk.sql, arguments: [1, 1]).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains(table.chunk.index), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
