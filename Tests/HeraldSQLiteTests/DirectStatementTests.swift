import Foundation
import GRDB
import GRDBSQLite
import HeraldCore
@testable import HeraldSQLite
import Testing

/// The hot path's own binding and row reading (`runDirect`/`stepDirect`) checked against what
/// GRDB's regular API writes and reads, so the two ways into the same tables agree.
@Suite("Direct statements")
struct DirectStatementTests {
    static func database() throws -> DatabaseQueue {
        // The store's process-wide SQLite settings must come before the first connection of
        // the test process; this suite is the only one opening GRDB directly.
        _ = SQLiteStore.processSettings
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, u TEXT UNIQUE)")
        }
        return queue
    }

    static let texts = ["", "plain", "Zoë Ünïcødé", "𝔸 and 😀 outside the BMP", "line\r\nbreak", "quote ' \" ;", String(repeating: "x", count: 5_000)]

    @Test func valuesBoundDirectlyReadBackThroughGRDB() throws {
        let queue = try Self.database()
        let ints: [Int64?] = [0, 1, -1, Int64.max, Int64.min, nil]
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, s, n) VALUES (?, ?, ?)")
            for (i, text) in Self.texts.enumerated() {
                try insert.runDirect(db) { b in b.add(i); b.add(text); b.add(ints[i % ints.count]) }
            }
            try insert.runDirect(db) { b in b.add(100); b.add(nil as String?); b.add(nil as Int64?) }
        }
        try queue.read { db in
            for (i, text) in Self.texts.enumerated() {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT s, typeof(s) AS type, n FROM t WHERE id = ?", arguments: [i]))
                #expect(row["s"] as String == text)
                #expect(row["type"] as String == "text")  // an empty string is text, not NULL
                #expect(row["n"] as Int64? == ints[i % ints.count])
            }
            let empty = try #require(try Row.fetchOne(db, sql: "SELECT s, n FROM t WHERE id = 100"))
            #expect(empty["s"] as String? == nil)
            #expect(empty["n"] as Int64? == nil)
        }
    }

    @Test func rowsReadDirectlyMatchGRDB() throws {
        let queue = try Self.database()
        try queue.write { db in
            for (i, text) in Self.texts.enumerated() {
                try db.execute(sql: "INSERT INTO t (id, s, n) VALUES (?, ?, ?)", arguments: [i, text, i.isMultiple(of: 2) ? nil : Int64.min + Int64(i)])
            }
            var read: [(String?, Int64?)] = []
            let select = try db.cachedStatement(sql: "SELECT s, n FROM t WHERE id >= ? ORDER BY id")
            try select.stepDirect(db, { $0.add(0) }) { row in read.append((row.optionalString(0), row.optionalInt64(1))) }
            let expected = try Row.fetchAll(db, sql: "SELECT s, n FROM t ORDER BY id").map { ($0["s"] as String?, $0["n"] as Int64?) }
            #expect(read.map(\.0) == expected.map(\.0))
            #expect(read.map(\.1) == expected.map(\.1))
            // The statement is reset after use: a second run starts from the first row again.
            var again = 0
            try select.stepDirect(db, { $0.add(0) }) { _ in again += 1 }
            #expect(again == Self.texts.count)
        }
    }

    @Test func returningRowsAreStepped() throws {
        let queue = try Self.database()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (id, n) VALUES (1, 10), (2, 20), (3, 30)")
            var returned: [Int] = []
            let update = try db.cachedStatement(sql: "UPDATE t SET n = n + 1 WHERE id >= ? RETURNING n")
            try update.stepDirect(db, { $0.add(2) }) { returned.append($0.int(0)) }
            #expect(returned.sorted() == [21, 31])
            #expect(try Int.fetchAll(db, sql: "SELECT n FROM t ORDER BY id") == [10, 21, 31])
        }
    }

    @Test func aWrongNumberOfValuesIsRefusedBeforeRunning() throws {
        let queue = try Self.database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, s) VALUES (?, ?)")
            let error = #expect(throws: DatabaseError.self) { try insert.runDirect(db) { $0.add(1) } }
            #expect(error?.resultCode == .SQLITE_MISUSE)
            #expect(error?.message?.contains("bound 1 values to a statement with 2 parameters") == true)
            #expect(throws: DatabaseError.self) { try insert.runDirect(db) { b in b.add(1); b.add("a"); b.add("b") } }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 0)
        }
    }

    @Test func aConstraintFailureIsAConstraintErrorAndTheStatementStaysUsable() throws {
        let queue = try Self.database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, u) VALUES (?, ?)")
            try insert.runDirect(db) { b in b.add(1); b.add("same") }
            let error = #expect(throws: DatabaseError.self) { try insert.runDirect(db) { b in b.add(2); b.add("same") } }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(error?.message?.contains("UNIQUE") == true)
            try insert.runDirect(db) { b in b.add(3); b.add("other") }
            #expect(try Int.fetchAll(db, sql: "SELECT id FROM t ORDER BY id") == [1, 3])
        }
    }

    /// SQLite keeps no memory statistics (set before the first connection of the process):
    /// the counter of memory in use stays at zero however much the connections allocate.
    @Test func sqliteKeepsNoMemoryStatistics() throws {
        let queue = try Self.database()
        #expect(SQLiteStore.processSettings == SQLITE_OK)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE big (x TEXT)")
            for _ in 0..<200 { try db.execute(sql: "INSERT INTO big VALUES (hex(randomblob(1000)))") }
        }
        #expect(sqlite3_memory_used() == 0)
        // Connections have no mutex of their own (GRDB opens them in multi-thread mode).
        try queue.read { db in #expect(sqlite3_db_mutex(db.sqliteConnection) == nil) }
    }

    /// The migration that rebuilds `distribution_references` keyed by its primary key alone
    /// keeps every row and the lookups by (method, reference).
    @Test func referencesSurviveTheirTableBeingRebuiltWithoutRowid() throws {
        let queue = try Self.database()
        try Migrations.migrator.migrate(queue, upTo: "2026-11-27-drop-distributions-reference-index")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, fields, source, created_by,
                    created_at, updated_at) VALUES ('r1', 'WELCOME', 2, 'C', 'customer', 'C1', '{}', 'api', 'test', 1, 1);
                INSERT INTO distributions (id, request_id, method, target, status, fields, language, priority, created_at, updated_at)
                    VALUES ('d1', 'r1', 'email', 'a@example.com', 'S', '{}', 'en', 2, 1, 1);
                INSERT INTO distribution_references (method, reference, distribution_id)
                    VALUES ('email', '<d1@example.com>', 'd1'), ('email', 'Q123', 'd1'), ('sms', 'Q123', 'd1');
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT method, reference, distribution_id FROM distribution_references ORDER BY method, reference")
            #expect(rows.map { "\($0[0] as String)/\($0[1] as String)/\($0[2] as String)" }
                    == ["email/<d1@example.com>/d1", "email/Q123/d1", "sms/Q123/d1"])
            // No rowid any more: the table is its primary key's B-tree.
            #expect(throws: DatabaseError.self) { try db.execute(sql: "SELECT rowid FROM distribution_references") }
        }
        try queue.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO distribution_references VALUES ('email', 'Q123', 'd1')")
            }
        }
    }

    /// Requests are indexed by customer only; a listing by account or subscription of one
    /// customer walks that customer's range of the index newest first, no scan and no sort.
    @Test func accountAndSubscriptionListingsWalkTheCustomerIndex() throws {
        let queue = try Self.database()
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comms_requests'")
            #expect(!indexes.contains("requests_account") && !indexes.contains("requests_subscription") && indexes.contains("requests_customer"))
            for column in ["account_id", "subscription_id"] {
                let plan = try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT * FROM comms_requests INDEXED BY requests_customer
                    WHERE customer_id = ? AND \(column) = ? AND id < ? ORDER BY id DESC LIMIT 51
                    """, arguments: ["C1", "A1", "z"]).map { $0["detail"] as String }.joined(separator: "; ")
                #expect(plan.contains("USING INDEX requests_customer") && !plan.contains("TEMP B-TREE"), "\(plan)")
                #expect(!plan.contains("SCAN comms_requests"), "\(plan)")
            }
            let owners = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT customer_id FROM target_owners WHERE kind = ? AND target_id = ?",
                                          arguments: ["account", "A1"]).map { $0["detail"] as String }.joined(separator: "; ")
            #expect(owners.contains("USING PRIMARY KEY"), "\(owners)")
        }
    }

    /// The migration finds the owners of the accounts and subscriptions already stored and of
    /// those the stored requests name (an account that moved before it keeps its requests).
    @Test func theOwnersMigrationTakesStoredAccountsAndRequests() throws {
        let queue = try Self.database()
        try Migrations.migrator.migrate(queue, upTo: "2026-12-07-idempotency-key-hash")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO customers (id, language, time_zone, push_tokens, preferences, updated_at)
                    VALUES ('C1', 'en', 'UTC', '[]', '{}', 0), ('C2', 'en', 'UTC', '[]', '{}', 0);
                INSERT INTO accounts (id, customer_id, currency, attributes, updated_at) VALUES ('A1', 'C2', 'GBP', '{}', 0);
                INSERT INTO subscriptions (id, customer_id, account_id, updated_at) VALUES ('S1', 'C2', 'A1', 0);
                INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, customer_id, account_id, subscription_id,
                    fields, source, created_by, created_at, updated_at)
                    VALUES ('r1', 'WELCOME', 2, 'A', 'subscription', 'S1', 'C1', 'A1', 'S1', '{}', 'api', 't', 0, 0);
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let owners = try Row.fetchAll(db, sql: "SELECT kind, target_id, customer_id FROM target_owners ORDER BY kind, target_id, customer_id")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String)" }
            #expect(owners == ["account A1 C1", "account A1 C2", "subscription S1 C1", "subscription S1 C2"])
        }
    }

    /// Preferences decoded once per distinct text are handed back right for every customer,
    /// shared, different or empty.
    @Test func customersReadBackTheirOwnPreferences() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        let shared = Preferences(optOut: [OptOut(method: .sms, category: "marketing")], preferredMethods: [.email, .sms])
        let other = Preferences(preferredMethods: [.push], quietHours: QuietHours(from: "21:00", to: "08:00"))
        let customers = [
            Customer(id: "C1", language: "en", timeZone: "UTC", preferences: shared),
            Customer(id: "C2", language: "en", timeZone: "UTC", preferences: shared),
            Customer(id: "C3", language: "fr", timeZone: "Europe/Paris", preferences: other),
            Customer(id: "C4", language: "en", timeZone: "UTC"),
        ]
        for c in customers { try await store.upsertCustomer(c) }
        for _ in 0..<2 {  // the second round reads decoded values kept from the first
            for c in customers { #expect(try await store.customer(id: c.id)?.preferences == c.preferences) }
            let contexts = try await store.contexts(for: customers.map { TargetRef(.customer, $0.id) })
            for c in customers { #expect(contexts[TargetRef(.customer, c.id)]?.customer.preferences == c.preferences) }
        }
    }

    /// `RequestRecord.columns`/`DistributionRecord.columns` and the positions `init(direct:)`
    /// reads must stay in step: both records read the same row directly and by column name.
    @Test func recordsReadDirectlyEqualRecordsReadByName() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-direct-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, customer_id, account_id,
                    subscription_id, workflow_event_id, external_trigger_id, override_method, copy_of, fields, source, created_by,
                    created_at, updated_at, claim_token, lease_until)
                VALUES ('r1', 'WELCOME', 3, 'A', 'account', 'A1', 'C1', 'A1', NULL, NULL, 'ext-1', 'sms', NULL,
                        '{"plan":"Zoë 5G","n":"1"}', 'api', 'agent:kim', 1000, 2000, 'tok', 9000),
                       ('r2', 'BILL', 1, 'D', 'customer', 'C2', 'C2', NULL, NULL, NULL, NULL, NULL, 'r1', '{}', 'file', 'bulk',
                        3000, 4000, NULL, NULL);
                INSERT INTO distributions (id, request_id, method, target, alias, status, message, file_location, reference, fields,
                    language, excluded_until, retry_at, attempts, sent_at, actual_sent_at, actual_target, actual_method, read_at,
                    last_error, priority, created_at, updated_at, claim_token, lease_until)
                VALUES ('d1', 'r1', 'email', 'zoe@example.com', 'Zoë', 'S', 'subject', 'fs:x.pack#d1.eml@0+10', '<d1@x>,Q1',
                        '{"first":"Zoë"}', 'fr', 11, 12, 2, 13, 14, 'z@example.com', 'email', 15, 'none', 3, 16, 17, 'tok', 18),
                       ('d2', 'r2', 'letter', 'C2', NULL, 'A', NULL, NULL, NULL, '{}', 'en', NULL, NULL, 0, NULL, NULL, NULL, NULL,
                        NULL, NULL, 1, 19, 20, NULL, NULL);
                """)
            for id in ["r1", "r2"] {
                let byName = try #require(try RequestRecord.fetchOne(db, sql: "SELECT * FROM comms_requests WHERE id = ?", arguments: [id]))
                var direct: RequestRecord?
                try db.cachedStatement(sql: "SELECT \(RequestRecord.columns) FROM comms_requests WHERE id = ?")
                    .stepDirect(db, { $0.add(id) }) { direct = RequestRecord(direct: $0) }
                let d = try #require(direct)
                #expect(d.model == byName.model)
                #expect(d.customerId == byName.customerId && d.accountId == byName.accountId && d.subscriptionId == byName.subscriptionId)
                #expect(d.claimToken == byName.claimToken && d.leaseUntil == byName.leaseUntil)
            }
            for id in ["d1", "d2"] {
                let byName = try #require(try DistributionRecord.fetchOne(db, sql: "SELECT * FROM distributions WHERE id = ?", arguments: [id]))
                var direct: DistributionRecord?
                try db.cachedStatement(sql: "SELECT \(DistributionRecord.columns) FROM distributions WHERE id = ?")
                    .stepDirect(db, { $0.add(id) }) { direct = DistributionRecord(direct: $0) }
                let d = try #require(direct)
                #expect(d.model == byName.model)
                #expect(d.priority == byName.priority && d.claimToken == byName.claimToken && d.leaseUntil == byName.leaseUntil)
            }
            let all = try SQLiteStore.requests(ids: ["r2", "r1", "missing"], in: db)
            #expect(Set(all.keys) == ["r1", "r2"])
            #expect(all["r1"]?.fields == ["plan": "Zoë 5G", "n": "1"])
            // Any count is served by the padded statements, past a chunk's end too.
            for count in [1, 7, 8, 9, 300, 4_097] {
                let ids = ["r1"] + (0..<(count - 1)).map { "none-\($0)" } + ["r2"]
                #expect(Set(try SQLiteStore.requests(ids: ids, in: db).keys) == ["r1", "r2"], "\(count)")
            }
        }
    }
}
