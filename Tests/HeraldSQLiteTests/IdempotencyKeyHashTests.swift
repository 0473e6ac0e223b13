import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// `idempotency_keys` found by a 64-bit hash of the key, the key compared on a match
/// (migration `2026-12-07-idempotency-key-hash`).
@Suite("Idempotency keys by hash")
struct IdempotencyKeyHashTests {
    /// A store migrated up to the schema before the key hash, holding one key, then migrated on.
    @Test func keysStoredBeforeTheMigrationStillReplayAndConflict() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-key-hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        try Migrations.migrator.migrate(store.writer, upTo: "2026-12-07-agent-view")
        let live = Millis.from(Date()) + 3_600_000
        try await store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO idempotency_keys (key, body_hash, request_ids, event_id, created_at, expires_at)
                VALUES ('api:t|k1', 'h1', '["R1"]', NULL, 1, ?), ('import|old', 'h2', '["R2","R3"]', 'E2', 1, ?), ('api:t|gone', 'h3', '["R4"]', NULL, 1, 2)
                """, arguments: [live, live])
        }
        try await store.migrate()
        #expect(try await store.appliedMigrations().contains("2026-12-07-idempotency-key-hash"))
        let hashes = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT key, key_hash FROM idempotency_keys ORDER BY rowid").map { row -> (String, Int64) in (row[0], row[1]) }
        }
        #expect(hashes.map(\.0) == ["api:t|k1", "import|old", "api:t|gone"])
        #expect(hashes.allSatisfy { $0.1 == IdempotencyRecord.keyHash($0.0) })

        let replay = try await store.replay(.init(key: "api:t|k1", bodyHash: "h1"))
        #expect(replay == SubmissionResult(requestIds: ["R1"], eventId: nil, replayed: true))
        #expect(try await store.replay(.init(key: "import|old", bodyHash: "h2")) == SubmissionResult(requestIds: ["R2", "R3"], eventId: "E2", replayed: true))
        await #expect(throws: HeraldError.self) { _ = try await store.replay(.init(key: "api:t|k1", bodyHash: "other")) }
        #expect(try await store.replay(.init(key: "api:t|gone", bodyHash: "h3")) == nil)  // expired
        let found = try await store.liveIdempotencyKeys(["api:t|k1", "import|old", "api:t|gone", "api:t|none"], now: Date())
        #expect(found == ["api:t|k1": "h1", "import|old": "h2"])
    }

    /// Two keys sharing a hash (forged here: SHA-256 gives none in practice) stay two keys.
    @Test func keysSharingAHashAreToldApartByTheKey() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await Fixtures.seed(store)
        let forged = IdempotencyRecord.keyHash("api:t|b")
        let live = Millis.from(Date()) + 3_600_000
        try await store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO idempotency_keys (key_hash, key, body_hash, request_ids, event_id, created_at, expires_at)
                VALUES (?, 'api:t|a', 'ha', '["RA"]', NULL, 1, ?)
                """, arguments: [forged, live])
        }
        // "b" is not "a": a new trigger, not a replay or a conflict.
        let request = Fixtures.request()
        let b = try await store.submit(TriggerSubmission(requests: [request], idempotency: .init(key: "api:t|b", bodyHash: "hb"), actor: "t"),
                                       idempotencyWindow: .seconds(3600))
        #expect(b == SubmissionResult(requestIds: [request.id], eventId: nil, replayed: false))
        let again = try await store.submit(TriggerSubmission(requests: [Fixtures.request(at: Fixtures.t0.addingTimeInterval(1))],
                                                             idempotency: .init(key: "api:t|b", bodyHash: "hb"), actor: "t"),
                                           idempotencyWindow: .seconds(3600))
        #expect(again == SubmissionResult(requestIds: [request.id], eventId: nil, replayed: true))
        // The look-up by hash returns both rows; only the key asked for is reported.
        #expect(try await store.liveIdempotencyKeys(["api:t|b"], now: Date()) == ["api:t|b": "hb"])
        let rows = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = ?", arguments: [forged]) }
        #expect(rows == 2)
    }

    /// An expired key used again is written over its old row, not added beside it.
    @Test func anExpiredKeyIsReplacedInPlace() async throws {
        let t = try await StoreFactory.sqliteMemory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let store = try #require(t.store as? SQLiteStore)
        let idem = TriggerSubmission.Idempotency(key: "api:t|k", bodyHash: "h")
        _ = try await store.submit(TriggerSubmission(requests: [Fixtures.request(at: t.clock.now)], idempotency: idem, actor: "t"),
                                   idempotencyWindow: .seconds(60))
        t.clock.advance(120)
        let second = Fixtures.request(at: t.clock.now)
        let results = try await store.submitBatch([TriggerSubmission(requests: [second], idempotency: .init(key: "api:t|k", bodyHash: "other"), actor: "t")],
                                                  idempotencyWindow: .seconds(60))
        #expect((try? results[0].get()) == SubmissionResult(requestIds: [second.id], eventId: nil, replayed: false))
        let rows = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid, body_hash FROM idempotency_keys").map { row -> (Int64, String) in (row[0], row[1]) }
        }
        #expect(rows.count == 1 && rows.first?.0 == 1 && rows.first?.1 == "other")
    }
}
