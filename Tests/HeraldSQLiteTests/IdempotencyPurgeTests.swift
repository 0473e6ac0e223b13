import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// Expired idempotency keys purged by housekeeping (``SQLiteStore/purgeExpiredIdempotencyKeys(now:)``):
/// through `idempotency_expiry`, in transactions of ``SQLiteStore/purgeChunk`` rows.
@Suite("Idempotency keys purge")
struct IdempotencyPurgeTests {
    /// Keys expiring at `times` (milliseconds), written straight into the table.
    func store(expiring times: [Int64]) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.writer.write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO idempotency_keys (key_hash, key, body_hash, request_ids, event_id, created_at, expires_at)
                VALUES (?, ?, 'b', '["R"]', NULL, 0, ?)
                """)
            for (i, at) in times.enumerated() {
                let key = "api:t|k\(i)"
                try insert.execute(arguments: [IdempotencyRecord.keyHash(key), key, at])
            }
        }
        return store
    }

    func remaining(_ store: SQLiteStore) async throws -> [Int64] {
        try await store.writer.read { db in try Int64.fetchAll(db, sql: "SELECT expires_at FROM idempotency_keys ORDER BY expires_at") }
    }

    @Test func keysExpiredAtOrBeforeNowAreDeleted() async throws {
        let store = try await store(expiring: [4_000, 1_000, 3_000, 3_001, 2_000])
        #expect(try await store.purgeExpiredIdempotencyKeys(now: Millis.date(3_000)) == 3)
        #expect(try await remaining(store) == [3_001, 4_000])
        #expect(try await store.replay(.init(key: "api:t|k3", bodyHash: "b")) == nil)  // expired at 3,001: not live now anyway
        #expect(try await store.purgeExpiredIdempotencyKeys(now: Millis.date(3_000)) == 0)
    }

    /// A backlog larger than one transaction: every expired key goes, in several transactions.
    @Test func aLargeBacklogIsPurgedInSeveralTransactions() async throws {
        let n = SQLiteStore.purgeChunk * 2 + 7
        let store = try await store(expiring: (0..<n).map { Int64($0) } + [Int64(n) + 1_000])
        #expect(try await store.purgeExpiredIdempotencyKeys(now: Millis.date(Int64(n))) == n)
        #expect(try await remaining(store) == [Int64(n) + 1_000])
    }

    /// Each chunk is found through `idempotency_expiry`, oldest first, never by a scan or a sort.
    @Test func thePurgeWalksTheExpiryIndex() async throws {
        let store = try await store(expiring: [])
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT rowid FROM idempotency_keys INDEXED BY idempotency_expiry
                WHERE expires_at <= ? ORDER BY expires_at LIMIT ?
                """, arguments: [1, 1]).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("USING COVERING INDEX idempotency_expiry (expires_at<?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
