import Foundation
import GRDB
import HeraldCore

/// The one claim mechanism. A claim stamps a batch of due rows with a token and a lease end in
/// one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`; a row whose lease has ended is due
/// again, so a crashed worker's rows come back by themselves. Completing a row (``commit``)
/// requires the token and clears it.
extension SQLiteStore {
    /// Each stage's table, the predicate of its waiting rows (its partial index; the method is
    /// parameter `?3`), what else makes a waiting row due now (`?4` is now) and its order, built
    /// from the stage's ``StageQueue`` (status letters as literals, see ``StatusSQL``). Claims
    /// and lease renewals number their parameters alike: ?1 token, ?2 lease end, ?3 method,
    /// ?4 now, ?5 limit.
    ///
    /// `indexed` names the stage's partial index (`comms_requests INDEXED BY requests_queue`):
    /// without statistics SQLite's planner prefers an equality on `requests_status(status, id)`
    /// and then sorts every waiting row for each claim (a million-row backlog sorted per batch
    /// of 500). With the index named, a claim walks the index in order and stops at the limit,
    /// and a query whose predicate no longer matches its index fails when it is prepared rather
    /// than scanning (`StageIndexTests` checks each stage).
    static func queue(_ stage: Stage) -> (table: String, indexed: String, waiting: String, due: String, order: String) {
        let q = stage.queue
        let waiting = StatusSQL.condition(q.statusCodes) + (q.method == nil ? "" : " AND method = ?3")
        var due = q.waitsForExclusionAndRetry ? " AND COALESCE(excluded_until, 0) <= ?4 AND COALESCE(retry_at, 0) <= ?4"
            : q.waitsForRetry ? " AND COALESCE(retry_at, 0) <= ?4" : ""
        if q.waitsForCloseTime { due += " AND (status <> '\(q.statusCodes[0])' OR close_at <= ?4)" }
        let table = StatusSQL.table(q.table)
        if q.waitsForPredecessor { due += predecessorCondition(table: table, codes: q.statusCodes) }
        return (table, "\(table) INDEXED BY \(index(of: stage))", waiting, due, "priority, id")
    }

    /// ` AND NOT EXISTS (an earlier waiting row of the same subscription and request)`: the
    /// in-order rule of callbacks (through `webhook_deliveries_order`).
    static func predecessorCondition(table: String, codes: [String]) -> String {
        " AND NOT EXISTS (SELECT 1 FROM \(table) AS earlier INDEXED BY webhook_deliveries_order WHERE earlier.subscription_id = \(table).subscription_id"
            + " AND earlier.request_id = \(table).request_id AND earlier.id < \(table).id AND earlier.\(StatusSQL.condition(codes)))"
    }

    /// The partial index on a stage's waiting rows (made by the migrations from the same
    /// status letters; its `WHERE` is exactly the stage's status condition).
    static func index(of stage: Stage) -> String {
        switch stage {
        case .monitor: "requests_queue"
        case .merge: "distributions_merge"
        case .send: "distributions_send"
        case .store: "stored_documents_queue"
        case .printDrop: "print_batches_queue"
        case .callback: "webhook_deliveries_queue"
        }
    }

    /// The ids of a stage's rows due now, in claim order (?3 method, ?4 now, ?5 limit).
    static func dueRowsSQL(_ stage: Stage) -> String {
        let q = queue(stage)
        return "SELECT id FROM \(q.indexed) WHERE \(q.waiting)\(q.due) AND (lease_until IS NULL OR lease_until < ?4) ORDER BY \(q.order) LIMIT ?5"
    }

    /// The lease renewal of a stage's rows held by a claim (?1 token, ?2 lease end, ?3 method).
    static func renewSQL(_ stage: Stage) -> String {
        let q = queue(stage)
        return "UPDATE \(q.indexed) SET lease_until = ?2 WHERE \(q.waiting) AND claim_token = ?1"
    }

    static func method(of stage: Stage) -> String? {
        switch stage {
        case .monitor, .store, .printDrop, .callback: nil
        case .merge(let m), .send(let m): m.rawValue
        }
    }

    public func claim(_ stage: Stage, ticket: ClaimTicket, limit: Int) async throws -> [WorkItem] {
        let q = Self.queue(stage)
        let method = Self.method(of: stage)
        let token = ticket.token
        let lease: Int64 = Millis.from(ticket.leaseUntil)
        let now: Int64 = Millis.from(ticket.now)
        let columns = switch stage {
        case .monitor: RequestRecord.columns
        case .merge, .send: DistributionRecord.columns
        case .store: StoredDocumentRecord.columns
        case .printDrop: PrintRecords.batchColumns
        case .callback: CallbackRecords.deliveryColumns
        }
        let sql = """
            UPDATE \(q.table) SET claim_token = ?1, lease_until = ?2
            WHERE id IN (\(Self.dueRowsSQL(stage)))
            RETURNING \(columns)
            """
        return try await writer.write { db in
            let statement = try db.cachedStatement(sql: sql)
            let bind: (inout DirectBindings) -> Void = { b in
                b.add(token); b.add(lease); b.add(method); b.add(now); b.add(limit)  // ?3 unused by the monitor
            }
            switch stage {
            case .monitor:
                var rows: [RequestRecord] = []
                rows.reserveCapacity(limit)
                try statement.stepDirect(db, bind) { rows.append(RequestRecord(direct: $0)) }
                return rows.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }.map { WorkItem(request: $0.model) }
            case .merge, .send:
                var rows: [DistributionRecord] = []
                rows.reserveCapacity(limit)
                try statement.stepDirect(db, bind) { rows.append(DistributionRecord(direct: $0)) }
                rows.sort { ($0.priority, $0.id) < ($1.priority, $1.id) }
                let requests = try Self.requests(ids: rows.map(\.requestId), in: db)
                return rows.compactMap { d in requests[d.requestId].map { WorkItem(request: $0, distribution: d.model) } }
            case .store:
                var rows: [PendingDocument] = []
                rows.reserveCapacity(limit)
                try statement.stepDirect(db, bind) { rows.append(StoredDocumentRecord.pending(direct: $0)) }
                rows.sort { $0.distributionId < $1.distributionId }
                let requests = try Self.requests(ids: rows.map(\.requestId), in: db)
                return rows.compactMap { d in requests[d.requestId].map { WorkItem(request: $0, document: d) } }
            case .printDrop:
                var batches: [PrintBatch] = []
                try statement.stepDirect(db, bind) { batches.append(PrintRecords.batch(direct: $0)) }
                var items: [WorkItem] = []
                for batch in batches { items += try Self.letters(of: batch, token: token, lease: lease, now: now, in: db) }
                return items
            case .callback:
                var rows: [CallbackDelivery] = []
                rows.reserveCapacity(limit)
                try statement.stepDirect(db, bind) { rows.append(CallbackRecords.delivery(direct: $0)) }
                rows.sort { $0.id < $1.id }
                return try Self.callbacks(rows, in: db)
            }
        }
    }

    /// The requests with these ids, by id.
    static func requests(ids: [String], in db: Database) throws -> [String: CommsRequest] {
        var out: [String: CommsRequest] = [:]
        out.reserveCapacity(ids.count)
        try stepIn(db, "SELECT \(RequestRecord.columns) FROM comms_requests WHERE id", ids) { row in
            let r = RequestRecord(direct: row)
            out[r.id] = r.model
        }
        return out
    }

    /// Runs `select` + ` IN (?, …)` over `keys`, calling `row` for each row. The statements are
    /// cached in a few sizes (powers of two from 8 to 4,096, the unused places bound to NULL,
    /// which matches nothing; longer lists in chunks), so a connection keeps at most ten of them
    /// per query whatever the batch sizes.
    static func stepIn(_ db: Database, _ select: String, _ keys: [String], row: (DirectRow) throws -> Void) throws {
        try paddedIn(db, select, keys) { statement, chunk, places in
            try statement.stepDirect(db, { b in
                for key in chunk { b.add(key) }
                for _ in chunk.count..<places { b.add(nil as String?) }
            }, row: row)
        }
    }

    /// Records of `select` + ` IN (?, …)` over `keys`, decoded by GRDB, on the same cached
    /// statements as ``stepIn(_:_:_:row:)`` (GRDB's `fetchAll(_:keys:)` prepares a statement
    /// for every call).
    static func fetchIn<R: FetchableRecord>(_ type: R.Type, _ db: Database, _ select: String, _ keys: [String]) throws -> [R] {
        var out: [R] = []
        try paddedIn(db, select, keys) { statement, chunk, places in
            var values: [(any DatabaseValueConvertible)?] = chunk.map { $0 }
            values += [(any DatabaseValueConvertible)?](repeating: nil, count: places - chunk.count)
            out += try R.fetchAll(statement, arguments: StatementArguments(values))
        }
        return out
    }

    /// The cached statement of `select` + ` IN (?, …)` for each chunk of `keys`: up to 4,096
    /// keys a chunk, the places rounded up to a power of two from 8.
    private static func paddedIn(_ db: Database, _ select: String, _ keys: [String],
                                 _ body: (Statement, ArraySlice<String>, Int) throws -> Void) throws {
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(keys.count, start + 4_096)]
            var places = 8
            while places < chunk.count { places *= 2 }
            let placeholders = String(repeating: "?, ", count: places - 1) + "?"
            try body(try db.cachedStatement(sql: "\(select) IN (\(placeholders))"), chunk, places)
            start += chunk.count
        }
    }

    public func commit(_ changes: [Change], ticket: ClaimTicket?) async throws -> CommitReport {
        do {
            return try await commit(changes, ticket: ticket, savepointsOnly: false)
        } catch is RetryWithSavepoints {
            // A unit without a savepoint hit a constraint after its guard: the transaction was
            // rolled back whole; do it again with a savepoint around every unit.
            return try await commit(changes, ticket: ticket, savepointsOnly: true)
        }
    }

    /// Thrown out of a commit's transaction (rolling it back) when a unit written without a
    /// savepoint fails on a constraint half-way.
    struct RetryWithSavepoints: Error {}

    func commit(_ changes: [Change], ticket: ClaimTicket?, savepointsOnly: Bool) async throws -> CommitReport {
        try await writer.write { db in
            var report = CommitReport()
            var history = HistoryBuffer()
            // Provider references are checked against early delivery reports (a receipt that
            // came before its send was recorded) only when there are any: one query for a
            // commit that records references instead of one per reference, none for the others.
            let recordsReferences = changes.contains { $0.distribution?.reference != nil }
            let earlyReports = try recordsReferences
                && Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM delivery_reports WHERE disposition = 'unmatched')")) == true
            for change in changes {
                var applied = false
                if !savepointsOnly, !earlyReports, Self.hasSingleGuard(change) {
                    // The unit's only guarded write comes first: when it finds the row moved on,
                    // nothing was written, so no savepoint is needed (most units of a batch).
                    do {
                        applied = try Self.apply(change, token: ticket?.token, earlyReports: false, in: db, history: &history)
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        throw RetryWithSavepoints()
                    }
                } else {
                    // One savepoint per unit, so a unit that conflicts half-way leaves nothing behind.
                    try history.flush(db)  // keep the history in order
                    applied = try db.inUnitSavepoint {
                        do {
                            guard try Self.apply(change, token: ticket?.token, earlyReports: earlyReports, in: db, history: &history) else { return false }
                            try history.flush(db)
                            return true
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                            return false  // e.g. a second distribution for the request: the unit conflicts
                        }
                    }
                    if !applied { history = HistoryBuffer() }
                }
                if applied { report.applied += 1 } else { report.conflicts.append(change.requestId) }
            }
            try history.flush(db)
            return report
        }
    }

    /// Whether a unit has one guarded write, made first, and nothing after it that can fail on
    /// a constraint: a request move alone, a distribution move alone, or a request move plus a
    /// new distribution (whose one-per-request constraint ``apply`` checks before any write).
    /// Units that raise workflow events keep their savepoint.
    static func hasSingleGuard(_ change: Change) -> Bool {
        guard change.raisedEvents.isEmpty, change.resend == nil, change.disabledPushToken == nil else { return false }
        if change.storage != nil || change.printBatch != nil || change.callback != nil {
            return change.request == nil && change.distribution == nil && change.newDistribution == nil
        }
        switch (change.request != nil, change.newDistribution != nil, change.distribution != nil) {
        case (true, false, false), (false, false, true), (true, true, false): return true
        default: return false
        }
    }

    /// Applies one unit; false when its guarded move finds the row moved on or claimed by
    /// another (then nothing of the unit was written when ``hasSingleGuard(_:)`` holds).
    static func apply(_ change: Change, token: String?, earlyReports: Bool, in db: Database, history: inout HistoryBuffer) throws -> Bool {
        // A unit must move something; one that does not would leave its claimed row to come
        // back after every lease, forever.
        guard change.request != nil || change.distribution != nil || change.storage != nil || change.printBatch != nil
            || change.callback != nil else { return false }
        if let t = change.callback {
            // The callback stage's units move their delivery and nothing else (no history row:
            // a callback is not a status change of the comm).
            return try db.apply(t, claimToken: token)
        }
        if let t = change.printBatch {
            // A drop's batch unit moves its batch and nothing else (its letters are units of their own).
            return try db.apply(t, claimToken: token)
        }
        if let t = change.storage {
            // The store stage's units move their stored document and nothing else.
            return try db.apply(t, claimToken: token, history: &history)
        }
        if let d = change.newDistribution {
            // One distribution per request: checked before the first write of the unit.
            let exists = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM distributions WHERE request_id = ?)")
            var found = true
            try exists.stepDirect(db, { $0.add(d.requestId) }) { found = $0.int64(0) != 0 }
            guard !found else { return false }
        }
        if let t = change.request {
            // Under a claim, the token guards the claimed table: requests for the monitor's units.
            guard try db.apply(t, claimToken: change.distribution == nil ? token : nil, history: &history) else { return false }
        }
        if let d = change.newDistribution {
            try StatusMachine.check(distribution: nil, to: d.status)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO distributions (id, request_id, method, target, alias, status, message, file_location, reference, fields,
                    language, excluded_until, retry_at, attempts, priority, created_at, updated_at)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, priority, ?, ? FROM comms_requests WHERE id = ?
                """)
            try insert.runDirect(db) { b in
                b.add(d.id); b.add(d.requestId); b.add(d.method.rawValue); b.add(d.target); b.add(d.alias); b.add(d.status.code)
                b.add(d.message); b.add(d.fileLocation); b.add(d.reference); b.add(JSONColumn.encode(d.fields)); b.add(d.language)
                b.add(Millis.from(d.excludedUntil)); b.add(Millis.from(d.retryAt)); b.add(d.attempts)
                b.add(Millis.from(d.createdAt)); b.add(Millis.from(d.updatedAt)); b.add(d.requestId)
            }
            guard db.changesCount == 1 else { return false }
            history.append(requestId: d.requestId, entity: .distribution, from: nil, to: d.status.rawValue, at: d.createdAt,
                           actor: change.request?.actor ?? "system", reason: "\(d.method.rawValue) to \(d.method == .letter ? "postal address" : d.target)")
        }
        if let t = change.distribution {
            let update = try db.cachedStatement(sql: """
                UPDATE distributions SET status = ?, updated_at = ?,
                    message = COALESCE(?, message), file_location = COALESCE(?, file_location), reference = COALESCE(?, reference),
                    sent_at = COALESCE(?, sent_at), retry_at = ?, attempts = COALESCE(?, attempts), last_error = COALESCE(?, last_error),
                    actual_sent_at = COALESCE(?, actual_sent_at), actual_target = COALESCE(?, actual_target),
                    actual_method = COALESCE(?, actual_method), read_at = COALESCE(?, read_at),
                    claim_token = NULL, lease_until = NULL
                WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
                """)
            try update.runDirect(db) { b in
                b.add(t.to.code); b.add(Millis.from(t.at)); b.add(t.message); b.add(t.fileLocation); b.add(t.reference)
                b.add(Millis.from(t.sentAt)); b.add(Millis.from(t.retryAt)); b.add(t.attempts); b.add(t.lastError)
                b.add(Millis.from(t.actualSentAt)); b.add(t.actualTarget); b.add(t.actualMethod?.rawValue); b.add(Millis.from(t.readAt))
                b.add(t.distributionId); b.add(t.from.code); b.add(token); b.add(token)
            }
            guard db.changesCount == 1 else { return false }
            history.append(requestId: t.requestId, entity: .distribution, from: t.from.rawValue, to: t.to.rawValue, at: t.at,
                           actor: t.actor, reason: t.reason)
            if let filing = change.printFiling {
                // The letter joins its open batch (or a new one) in the same unit.
                try db.file(filing, at: t.at)
            }
            if let document = change.newDocument {
                // The document the merge wrote waits for its long-term copy from this commit on.
                try db.insert(document)
            }
            if let reference = t.reference, t.to == .sent || t.to == .published {
                // An early report applied now writes its own history: ours must come first.
                if earlyReports { try history.flush(db) }
                try db.indexReferences(reference, method: t.method, distributionId: t.distributionId, earlyReports: earlyReports)
            }
        }
        for p in change.problems {
            let insert = try db.cachedStatement(sql: "INSERT INTO request_problems (request_id, kind, reason, at) VALUES (?, ?, ?, ?)")
            try insert.runDirect(db) { b in
                b.add(change.requestId); b.add(p.kind.rawValue); b.add(p.reason); b.add(Millis.from(p.at))
            }
        }
        for e in change.raisedEvents {
            try WorkflowEventRecord(e).insert(db)
        }
        if let p = change.disabledPushToken {
            try db.disablePushToken(p, ofRequest: change.requestId)
        }
        if let r = change.resend {
            try db.insertResend(r, history: &history)
        }
        return true
    }

    public func renew(_ stage: Stage, ticket: ClaimTicket, until: Date) async throws -> Int {
        // The rows are found through the stage's partial index (its waiting rows), not a scan
        // of the whole table for the token.
        let sql = Self.renewSQL(stage)
        let method = Self.method(of: stage)
        let lease = Millis.from(until)
        let token = ticket.token
        return try await writer.write { db in
            let statement = try db.cachedStatement(sql: sql)
            try statement.runDirect(db) { b in
                b.add(token)
                b.add(lease)
                if let method { b.add(method) }
            }
            return db.changesCount
        }
    }

    public func release(_ stage: Stage, ticket: ClaimTicket) async throws {
        let table = Self.queue(stage).table
        try await writer.write { db in
            try db.execute(sql: "UPDATE \(table) SET claim_token = NULL, lease_until = NULL WHERE claim_token = ?", arguments: [ticket.token])
        }
    }

    public func nextDue(_ stage: Stage, now: Date) async throws -> Date? {
        let method = Self.method(of: stage)
        let sql = Self.nextDueSQL(stage)
        let ms: Int64? = try await writer.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: method.map { [$0] } ?? [])
        }
        return ms.map(Millis.date)
    }

    /// The query of a stage's next due time: the earliest moment one of its waiting rows is
    /// due (its lease, and for send stages its exclusion and retry time); the method is `?`.
    static func nextDueSQL(_ stage: Stage) -> String {
        let q = stage.queue
        // MAX(a, b, c) is SQLite's scalar max; PostgreSQL spells it GREATEST.
        let due = q.waitsForExclusionAndRetry
            ? "MAX(COALESCE(excluded_until, 0), COALESCE(retry_at, 0), COALESCE(lease_until, 0))"
            : q.waitsForCloseTime
            ? "MAX(CASE WHEN status = '\(q.statusCodes[0])' THEN close_at ELSE 0 END, COALESCE(retry_at, 0), COALESCE(lease_until, 0))"
            : q.waitsForRetry ? "MAX(COALESCE(retry_at, 0), COALESCE(lease_until, 0))" : "COALESCE(lease_until, 0)"
        let table = StatusSQL.table(q.table)
        return "SELECT MIN(\(due)) FROM \(queue(stage).indexed) WHERE \(StatusSQL.condition(q.statusCodes))"
            + (q.method == nil ? "" : " AND method = ?")
            + (q.waitsForPredecessor ? predecessorCondition(table: table, codes: q.statusCodes) : "")
    }

    /// The queries of the queue depths: one per distinct waiting predicate (`COUNT(*)` for a
    /// queue without methods, per method for the others), each with the stages it answers.
    static func queueDepthQueries() -> [(sql: String, stages: [Stage])] {
        var queries: [(sql: String, stages: [Stage])] = []
        for stage in Stage.all {
            let q = stage.queue
            let from = "FROM \(queue(stage).indexed) WHERE \(StatusSQL.condition(q.statusCodes))"
            let sql = q.method == nil ? "SELECT NULL AS method, COUNT(*) AS n \(from)" : "SELECT method, COUNT(*) AS n \(from) GROUP BY method"
            if let i = queries.firstIndex(where: { $0.sql == sql }) { queries[i].stages.append(stage) } else { queries.append((sql, [stage])) }
        }
        return queries
    }

    public func queueDepths(now: Date) async throws -> [QueueDepth] {
        let queries = Self.queueDepthQueries()
        return try await writer.read { db in
            var depth: [Stage: Int] = [:]
            for (sql, stages) in queries {
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { counts[row["method"] ?? ""] = row["n"] }
                for stage in stages { depth[stage] = counts[stage.queue.method?.rawValue ?? ""] ?? 0 }
            }
            return Stage.all.map { QueueDepth(stage: $0, waiting: depth[$0] ?? 0) }
        }
    }
}

/// JSON text columns written by hand-written SQL (records encode their own).
enum JSONColumn {
    static func encode(_ value: [String: String]) -> String {
        StringMapJSON.encode(value)
    }
}
