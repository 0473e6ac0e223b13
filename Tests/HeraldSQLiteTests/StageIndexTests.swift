import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// Every stage's queries (claim, lease renewal, next due time, queue depth) are served by a
/// partial index on its waiting statuses, and every such index serves a stage. The queries are
/// built from `Stage.queue` (HeraldCore) and the indexes from the same status letters, so a new
/// stage or waiting status without its index fails here instead of scanning a table in
/// production.
@Suite("Stage queues and their partial indexes")
struct StageIndexTests {
    static func migrated() throws -> DatabaseQueue {
        _ = SQLiteStore.processSettings
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        return queue
    }

    /// Partial indexes whose condition is on `status`, by name.
    static func statusIndexes(_ db: Database) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE status%'") {
            out[row["name"]] = row["sql"]
        }
        return out
    }

    static func plan(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
    }

    /// The queries of a stage, each with its arguments.
    static func queries(_ stage: Stage) -> [(String, StatementArguments)] {
        let method = SQLiteStore.method(of: stage)
        var out: [(String, StatementArguments)] = [
            (SQLiteStore.dueRowsSQL(stage), ["token", 1, method, 0, 10]),
            (SQLiteStore.renewSQL(stage), method.map { ["token", 1, $0] } ?? ["token", 1]),
            (SQLiteStore.nextDueSQL(stage), method.map { [$0] } ?? []),
        ]
        let depth = SQLiteStore.queueDepthQueries().first { $0.stages.contains(stage) }
        if let depth { out.append((depth.sql, [])) }
        return out
    }

    /// The status index a plan uses, if any.
    /// The first of `indexes` the plan names (the outer query's; a correlated subquery's, as
    /// the callback stage's in-order rule, comes after it).
    static func index(in plan: String, among indexes: [String: String]) -> String? {
        func position(_ name: String) -> String.Index? {
            for form in ["INDEX \(name) ", "INDEX \(name);"] { if let r = plan.range(of: form) { return r.lowerBound } }
            return plan.hasSuffix("INDEX \(name)") ? plan.range(of: "INDEX \(name)", options: .backwards)?.lowerBound : nil
        }
        return indexes.keys.compactMap { name in position(name).map { (name, $0) } }.min { $0.1 < $1.1 }?.0
    }

    @Test("Each stage's queries use a partial index on its waiting statuses", arguments: Stage.all)
    func stageQueriesUseTheirIndex(_ stage: Stage) throws {
        try Self.migrated().read { db in
            let indexes = try Self.statusIndexes(db)
            for (sql, arguments) in Self.queries(stage) {
                let plan = try Self.plan(db, sql, arguments)
                let used = try #require(Self.index(in: plan, among: indexes), "\(stage): \(sql) → \(plan)")
                // The index's condition is exactly the stage's waiting statuses.
                #expect(indexes[used]?.hasSuffix("WHERE " + StatusSQL.condition(stage.queue.statusCodes)) == true, "\(used): \(indexes[used] ?? "")")
            }
        }
    }

    @Test func everyStatusIndexServesAStage() throws {
        try Self.migrated().read { db in
            let indexes = try Self.statusIndexes(db)
            #expect(!indexes.isEmpty)
            var used: Set<String> = []
            for stage in Stage.all {
                let (sql, arguments) = Self.queries(stage)[0]
                if let name = Self.index(in: try Self.plan(db, sql, arguments), among: indexes) { used.insert(name) }
            }
            // The partial indexes on waiting rows that are no stage's: local retention's look-up
            // of documents not yet stored by their pack (`documentPacksInUse`), and the print
            // batcher's look-up of the open batch to file a letter into (`file(_:at:)`), and the
            // callback stage's in-order rule (an earlier waiting delivery of the same
            // subscription and request, inside its claim: `predecessorCondition`); all three
            // queries name their index. And the API's list of requests by status, every status
            // but awaiting processing (below).
            #expect(used.union(["stored_documents_waiting_local", "print_batches_open", "webhook_deliveries_order", "requests_status"])
                == Set(indexes.keys))
        }
    }

    /// A request awaiting processing is in `requests_queue` only (one B-tree insert fewer for
    /// every trigger taken); the list of requests by any other status walks `requests_status`
    /// in id order, the list of those awaiting processing the ids newest first (no sort).
    @Test func requestsByStatusUseTheStatusIndexButForTheQueue() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.writer.read { db in
            let index = try #require(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'requests_status'"))
            #expect(index.hasSuffix("(status, id) WHERE " + StatusSQL.notAwaitingProcessing))
            for status in [RequestStatus.cancelled, .processed, .awaitingEventResolution] {
                let (sql, arguments) = SQLiteStore.requestListSQL(RequestQuery(status: status, cursor: "r9"), owners: [])
                #expect(try Self.plan(db, sql, arguments) == "SEARCH comms_requests USING INDEX requests_status (status=? AND id<?)")
            }
            let (sql, arguments) = SQLiteStore.requestListSQL(RequestQuery(status: .awaitingProcessing), owners: [])
            #expect(try Self.plan(db, sql, arguments) == "SCAN comms_requests USING INDEX sqlite_autoindex_comms_requests_1")
        }
    }

    /// A stage whose index is missing, or no longer matches its predicate, fails when its
    /// queries are prepared: it never falls back to scanning the table.
    @Test func aMissingOrMismatchedIndexFailsLoudly() throws {
        let queue = try Self.migrated()
        try queue.write { db in
            try db.execute(sql: "DROP INDEX distributions_send")
            try db.execute(sql: "CREATE INDEX distributions_send ON distributions(method, priority, id) WHERE status = 'D'")
        }
        try queue.read { db in
            for (sql, arguments) in Self.queries(.send(.sms)) {
                #expect(throws: DatabaseError.self, "\(sql)") { try Self.plan(db, sql, arguments) }
            }
        }
    }

    /// Each stage names the index made for its own statuses.
    @Test("Each stage's named index has its waiting statuses as condition", arguments: Stage.all)
    func namedIndexMatchesTheStage(_ stage: Stage) throws {
        try Self.migrated().read { db in
            let sql = try #require(try Self.statusIndexes(db)[SQLiteStore.index(of: stage)])
            #expect(sql.hasSuffix("WHERE " + StatusSQL.condition(stage.queue.statusCodes)), "\(sql)")
        }
    }

    @Test func statusConditionsComeFromTheCodes() {
        #expect(StatusSQL.condition(RequestStatus.awaitingProcessing) == "status = 'A'")
        #expect(StatusSQL.condition(DistributionStatus.awaitingDistribution, .errorRetry) == "status IN ('D', 'R')")
        #expect(Stage.send(.sms).queue.statusCodes == ["D", "R"])
        #expect(Stage.merge(.email).queue == StageQueue(table: .distributions, statusCodes: ["A"], method: .email))
    }
}
