import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// The triggers in one transaction (`herald import`'s chunks) through the group commit's
    /// path, ``submitTogether(_:in:now:)``: each all-or-nothing, a trigger that throws (an
    /// unexpected SQLite error) that line's failure alone.
    public func submitBatch(_ submissions: [TriggerSubmission], idempotencyWindow: Duration) async throws -> [Result<SubmissionResult, HeraldError>] {
        let now = self.now
        let outcomes = try await writer.writeWithoutTransaction { db in
            try Self.submitTogether(submissions.map { ($0, idempotencyWindow) }, in: db, now: now)
        }
        return outcomes.map { outcome in
            switch outcome {
            case .success(let result): result
            case .failure(let error): .failure(error as? HeraldError ?? .internalError("the trigger could not be stored: \(error)"))
            }
        }
    }

    /// ``submitTogether(_:in:now:)``'s first attempt: one transaction, no savepoints; throws
    /// (everything rolled back) when any statement does.
    ///
    /// The triggers are checked and their keys written in the order of the keys' hashes, then
    /// their requests written in the order of their customers: each is an insert at a random
    /// place of a large index (`idempotency_key_hash`, `requests_customer`), and in that order
    /// each of the index's pages is read, changed and written once per transaction instead of
    /// again for every trigger landing on it after SQLite's page cache let it go (a 10,000-line
    /// import transaction on a million-request store: ~11,000 page writes instead of ~24,000).
    /// The order changes nothing else: every refusal is found by ``check(_:in:now:hash:targets:)``
    /// before a trigger writes anything, a key is written as soon as its trigger is checked (so
    /// the same key later in the batch finds it), and triggers with the same key, or without
    /// one, keep their order. Each caller gets its own outcome, in the order given.
    static func submitWithoutSavepoints(_ submissions: [(TriggerSubmission, Duration)], in db: Database,
                                        now: Date) throws -> [Result<Result<SubmissionResult, HeraldError>, any Error>] {
        var outcomes = [Result<Result<SubmissionResult, HeraldError>, any Error>?](repeating: nil, count: submissions.count)
        let hashes = submissions.map { s, _ in s.idempotency.map { IdempotencyRecord.keyHash($0.key) } }
        let byKey = submissions.indices.sorted { (hashes[$0] ?? .min, $0) < (hashes[$1] ?? .min, $1) }
        var targets = ResolvedTargets()
        var history = HistoryBuffer()
        try db.inTransaction {
            var planned: [(index: Int, plan: Plan)] = []
            planned.reserveCapacity(submissions.count)
            for i in byKey {
                let (s, window) = submissions[i]
                switch try check(s, in: db, now: now, hash: hashes[i], targets: &targets) {
                case .answered(let result):
                    outcomes[i] = .success(result)
                case .write(let plan):
                    try writeKey(s, plan, in: db, now: now, window: window)
                    planned.append((i, plan))
                }
            }
            // Each customer's rank among the batch's few distinct customers, then integers
            // sorted (comparing texts 10,000 × log 10,000 times cost 3% of an import's writer).
            let customers = planned.map { $0.plan.targets.first?.0 ?? "" }
            var rank: [String: Int] = [:]
            for customer in customers { rank[customer] = 0 }
            for (r, customer) in rank.keys.sorted().enumerated() { rank[customer] = r }
            let ranks = customers.map { rank[$0] ?? 0 }
            let byCustomer = planned.indices.sorted { (ranks[$0], planned[$0].index) < (ranks[$1], planned[$1].index) }
            for p in byCustomer {
                let (i, plan) = planned[p]
                outcomes[i] = .success(.success(try writeRequests(submissions[i].0, plan, in: db, history: &history)))
                if history.count >= HistoryBuffer.rowsPerStatement { try history.flush(db) }
            }
            try history.flush(db)
            return .commit
        }
        return outcomes.map { $0! }
    }

    /// Stores one trigger inside the caller's transaction. Expected refusals (idempotency
    /// conflict, unknown target) are returned as failures, before anything is written; database
    /// errors are thrown.
    static func submit(_ s: TriggerSubmission, in db: Database, now: Date, window: Duration) throws -> Result<SubmissionResult, HeraldError> {
        var targets = ResolvedTargets()
        switch try check(s, in: db, now: now, hash: s.idempotency.map { IdempotencyRecord.keyHash($0.key) }, targets: &targets) {
        case .answered(let result):
            return result
        case .write(let plan):
            var history = HistoryBuffer()
            try writeKey(s, plan, in: db, now: now, window: window)
            let result = try writeRequests(s, plan, in: db, history: &history)
            try history.flush(db)
            return .success(result)
        }
    }

    /// (customer, account, subscription) ids of the targets resolved so far in a transaction
    /// (which changes none of them).
    typealias ResolvedTargets = [TargetRef: (String?, String?, String?)]

    /// What ``check(_:in:now:hash:targets:)`` found: the trigger's answer without writing, or what
    /// writing it needs.
    enum Check {
        case answered(Result<SubmissionResult, HeraldError>)
        case write(Plan)
    }

    /// The ids of each request's target, in order, and the idempotency key's hash and the row of
    /// its expired earlier use (updated in place), if any.
    struct Plan {
        var targets: [(String?, String?, String?)]
        var keyHash: Int64?
        var expiredKeyRow: Int64?
    }

    /// Reads what a trigger needs, writing nothing: the earlier result of its idempotency key
    /// (a replay or a conflict ends it here), then each request's target in order (the first
    /// unknown one is its refusal). `hash` is the key's ``IdempotencyRecord/keyHash(_:)``.
    static func check(_ s: TriggerSubmission, in db: Database, now: Date, hash: Int64?, targets: inout ResolvedTargets) throws -> Check {
        var plan = Plan(targets: [])
        if let idem = s.idempotency, let hash {
            plan.keyHash = hash
            if let stored = try db.storedIdempotencyKey(idem.key, hash: hash) {
                if let answer = replay(idem, stored: stored, now: now) { return .answered(answer) }
                plan.expiredKeyRow = stored.rowid
            }
        }
        plan.targets.reserveCapacity(s.requests.count)
        for request in s.requests {
            if let ids = targets[request.target] {
                plan.targets.append(ids)
                continue
            }
            guard let ids = try resolveTarget(request.target, in: db) else {
                return .answered(.failure(.invalid(request.target.kind.field, "unknown \(request.target.kind.rawValue) '\(request.target.id)'")))
            }
            targets[request.target] = ids
            plan.targets.append(ids)
        }
        return .write(plan)
    }

    /// Writes a checked trigger's event and requests (their history rows added to `history`,
    /// which the caller flushes).
    static func writeRequests(_ s: TriggerSubmission, _ plan: Plan, in db: Database, history: inout HistoryBuffer) throws -> SubmissionResult {
        if let event = s.event {
            try db.insertEvent(event)
        }
        for (request, ids) in zip(s.requests, plan.targets) {
            try db.insertRequest(request, customerId: ids.0, accountId: ids.1, subscriptionId: ids.2)
            let h = HistoryEntry.submitted(request, actor: s.actor)
            history.append(requestId: request.id, entity: h.entity, from: h.from, to: h.to, at: h.at, actor: h.actor, reason: h.reason)
        }
        return SubmissionResult(requestIds: s.requests.map(\.id), eventId: s.event?.id, replayed: false)
    }

    /// Writes a checked trigger's idempotency key (if it has one), naming the requests and event
    /// ``writeRequests(_:_:in:history:)`` writes.
    static func writeKey(_ s: TriggerSubmission, _ plan: Plan, in db: Database, now: Date, window: Duration) throws {
        guard let idem = s.idempotency, let hash = plan.keyHash else { return }
        let created = Millis.from(now)
        try db.writeIdempotencyKey(idem, hash: hash, replacing: plan.expiredKeyRow, requestIds: s.requests.map(\.id), eventId: s.event?.id,
                                   createdAt: created, expiresAt: created + Int64(window.seconds * 1000))
    }

    public func replay(_ idempotency: TriggerSubmission.Idempotency) async throws -> SubmissionResult? {
        let now = self.now
        return try await writer.read { db in try Self.replay(idempotency, in: db, now: now)?.get() }
    }

    public func liveIdempotencyKeys(_ keys: [String], now: Date) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let now = Millis.from(now)
        return try await writer.read { db in try Self.liveIdempotencyKeys(keys, now: now, in: db) }
    }

    /// The body hash of each live key among `keys`, found by their hashes (rows of other keys
    /// with the same hash are left out). The `IN (?, …)` statements are cached in a few sizes
    /// (powers of two from 8 to 4,096; unused places bound to NULL, which matches nothing), as
    /// ``requests(ids:in:)`` does, so a connection keeps at most ten of them. The unary `+`
    /// keeps SQLite on the hash's index (never a scan of `idempotency_expiry`). A row is matched
    /// to the key asked for with its hash (one comparison), not through a set of the texts.
    static func liveIdempotencyKeys(_ keys: [String], now: Int64, in db: Database) throws -> [String: String] {
        var out: [String: String] = [:]
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(keys.count, start + 4_096)]
            var asked: [Int64: String] = [:]
            asked.reserveCapacity(chunk.count)
            var collided: Set<String> = []
            for key in chunk {
                let hash = IdempotencyRecord.keyHash(key)
                if let other = asked.updateValue(key, forKey: hash), other != key { collided.insert(other) }
            }
            var places = 8
            while places < asked.count { places *= 2 }
            let placeholders = String(repeating: "?, ", count: places - 1) + "?"
            let statement = try db.cachedStatement(
                sql: "SELECT key_hash, key, body_hash FROM idempotency_keys WHERE +expires_at > ? AND key_hash IN (\(placeholders))")
            try statement.stepDirect(db, { b in
                b.add(now)
                for hash in asked.keys { b.add(hash) }
                for _ in asked.count..<places { b.add(nil as Int64?) }
            }) { row in
                let key = row.string(1)
                if asked[row.int64(0)] == key || collided.contains(key) { out[key] = row.string(2) }
            }
            start += chunk.count
        }
        return out
    }

    public func purgeExpiredIdempotencyKeys(now: Date) async throws -> Int {
        try await purgeInChunks("""
            DELETE FROM idempotency_keys WHERE rowid IN (
                SELECT rowid FROM idempotency_keys INDEXED BY idempotency_expiry WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
            """, [Millis.from(now) as Int64])
    }

    /// Rows a housekeeping purge deletes per transaction (``purgeInChunks(_:_:)``).
    static let purgeChunk = 5_000

    /// Runs `sql` — a DELETE of at most ``purgeChunk`` rows, its last parameter that limit, after
    /// `arguments` — in transactions of its own until one deletes fewer; returns how many rows
    /// in all. A purge of a large backlog (an hour of API keys at thousands a second, a first
    /// purge after an upgrade or an outage) then never holds the one writer that triggers and
    /// the pipeline share for more than a few milliseconds at a time.
    func purgeInChunks(_ sql: String, _ arguments: StatementArguments) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await writer.write { db in
                try db.cachedStatement(sql: sql).execute(arguments: arguments + [Self.purgeChunk])
                return db.changesCount
            }
            total += deleted
            if deleted < Self.purgeChunk { return total }
        }
    }

    /// The earlier result of a live key: success with the same body hash, a conflict with
    /// another; nil when the key is unknown or expired (an expired row is replaced on insert).
    static func replay(_ idem: TriggerSubmission.Idempotency, in db: Database, now: Date) throws -> Result<SubmissionResult, HeraldError>? {
        guard let stored = try db.storedIdempotencyKey(idem.key, hash: IdempotencyRecord.keyHash(idem.key)) else { return nil }
        return replay(idem, stored: stored, now: now)
    }

    /// The earlier result `stored` gives `idem` (see ``replay(_:in:now:)``).
    static func replay(_ idem: TriggerSubmission.Idempotency, stored: StoredIdempotencyKey, now: Date) -> Result<SubmissionResult, HeraldError>? {
        guard stored.expiresAt > Millis.from(now) else { return nil }
        guard stored.bodyHash == idem.bodyHash else {
            return .failure(.conflict("Idempotency-Key '\(TriggerIntake.unscoped(idem.key))' was used with a different request body",
                                      field: "Idempotency-Key"))
        }
        return .success(SubmissionResult(requestIds: IdempotencyRecord.decodeIds(stored.requestIds), eventId: stored.eventId, replayed: true))
    }

    /// (customer, account, subscription) ids of a target, or nil if it does not exist.
    static func resolveTarget(_ t: TargetRef, in db: Database) throws -> (String?, String?, String?)? {
        switch t.kind {
        case .customer:
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM customers WHERE id = ?")
            var found = false
            try statement.stepDirect(db, { $0.add(t.id) }) { _ in found = true }
            return found ? (t.id, nil, nil) : nil
        case .account:
            let statement = try db.cachedStatement(sql: "SELECT customer_id FROM accounts WHERE id = ?")
            var customer: String?
            try statement.stepDirect(db, { $0.add(t.id) }) { row in customer = row.string(0) }
            return customer.map { ($0, t.id, nil) }
        case .subscription:
            let statement = try db.cachedStatement(sql: "SELECT customer_id, account_id FROM subscriptions WHERE id = ?")
            var found: (String?, String?, String?)?
            try statement.stepDirect(db, { $0.add(t.id) }) { row in found = (row.string(0), row.optionalString(1), t.id) }
            return found
        }
    }

    public func workflowEvent(id: String) async throws -> WorkflowEvent? {
        try await writer.read { db in try WorkflowEventRecord.fetchOne(db, key: id)?.model }
    }

    public func resolveEvent(id: String, actor: String, at: Date) async throws -> [String] {
        try await closeEvent(id: id, state: .resolved, moveTo: .awaitingProcessing, actor: actor, at: at)
    }

    public func cancelEvent(id: String, actor: String, at: Date) async throws -> [String] {
        try await closeEvent(id: id, state: .cancelled, moveTo: .cancelled, actor: actor, at: at)
    }

    private func closeEvent(id: String, state: WorkflowEvent.State, moveTo: RequestStatus, actor: String, at: Date) async throws -> [String] {
        try await writer.write { db in
            guard var event = try WorkflowEventRecord.fetchOne(db, key: id) else {
                throw HeraldError.notFound("no workflow event '\(id)'")
            }
            guard event.state == WorkflowEvent.State.open.rawValue else {
                throw HeraldError.illegalTransition("workflow event '\(id)' is \(event.state), not open")
            }
            event.state = state.rawValue
            event.resolvedAt = Millis.from(at)
            try event.update(db)
            let waiting = try String.fetchAll(db, sql: "SELECT id FROM comms_requests WHERE workflow_event_id = ? AND status = ?",
                                              arguments: [id, RequestStatus.awaitingEventResolution.code])
            let reason = state == .resolved ? "event \(id) resolved" : "event \(id) cancelled"
            for requestId in waiting {
                let t = try RequestTransition(requestId: requestId, from: .awaitingEventResolution, to: moveTo, actor: actor, reason: reason, at: at)
                try db.apply(t, claimToken: nil)
            }
            return waiting
        }
    }
}

extension Database {
    /// Runs `body` inside `SAVEPOINT herald_unit`, keeping its writes when it returns true and
    /// rolling them back when it returns false or throws (the error is rethrown). The three
    /// statements are prepared once per connection: GRDB's `inSavepoint` prepares two per call,
    /// which was most of the time of a batch of small units.
    func inUnitSavepoint(_ body: () throws -> Bool) throws -> Bool {
        let begin = try cachedStatement(sql: "SAVEPOINT herald_unit")
        let release = try cachedStatement(sql: "RELEASE SAVEPOINT herald_unit")
        let rollback = try cachedStatement(sql: "ROLLBACK TO SAVEPOINT herald_unit")
        try begin.runDirect(self) { _ in }
        let keep: Bool
        do {
            keep = try body()
        } catch {
            try? rollback.runDirect(self) { _ in }
            try? release.runDirect(self) { _ in }
            throw error
        }
        if !keep { try rollback.runDirect(self) { _ in } }
        try release.runDirect(self) { _ in }
        return keep
    }

    /// Inserts a request header with a cached statement (the hot path of every trigger).
    func insertRequest(_ r: CommsRequest, customerId: String?, accountId: String?, subscriptionId: String?) throws {
        let statement = try cachedStatement(sql: """
            INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, customer_id, account_id,
                subscription_id, workflow_event_id, external_trigger_id, override_method, copy_of, fields, source, created_by,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.runDirect(self) { b in
            b.add(r.id); b.add(r.commsCode); b.add(r.priority); b.add(r.status.code); b.add(r.target.kind.rawValue); b.add(r.target.id)
            b.add(customerId); b.add(accountId); b.add(subscriptionId); b.add(r.workflowEventId); b.add(r.externalTriggerId)
            b.add(r.overrideMethod?.rawValue); b.add(r.copyOf); b.add(JSONColumn.encode(r.fields)); b.add(r.source.rawValue)
            b.add(r.createdBy); b.add(Millis.from(r.createdAt)); b.add(Millis.from(r.updatedAt))
        }
    }

    /// Inserts a workflow event with a cached statement (GRDB's record `insert`, Codable encoding
    /// and callbacks, cost an event line of a bulk import more than the rest of its unit).
    func insertEvent(_ e: WorkflowEvent) throws {
        let statement = try cachedStatement(sql: """
            INSERT INTO workflow_events (id, event_type, event_code, target_kind, target_id, when_to_create, state,
                related_request_id, note, created_at, resolved_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.runDirect(self) { b in
            b.add(e.id); b.add(e.eventType); b.add(e.eventCode); b.add(e.target.kind.rawValue); b.add(e.target.id)
            b.add(e.whenToCreate.rawValue); b.add(e.state.rawValue); b.add(e.relatedRequestId); b.add(e.note)
            b.add(Millis.from(e.createdAt)); b.add(Millis.from(e.resolvedAt))
        }
    }

    /// The `idempotency_keys` row of `key` whose hash is `hash`, live or expired (a cached
    /// statement: read for every keyed trigger). The hash's index finds it; the key is compared.
    func storedIdempotencyKey(_ key: String, hash: Int64) throws -> StoredIdempotencyKey? {
        let statement = try cachedStatement(sql: """
            SELECT rowid, body_hash, request_ids, event_id, expires_at FROM idempotency_keys WHERE key_hash = ? AND key = ?
            """)
        var found: StoredIdempotencyKey?
        try statement.stepDirect(self, { $0.add(hash); $0.add(key) }) { row in
            found = StoredIdempotencyKey(rowid: row.int64(0), bodyHash: row.string(1), requestIds: row.string(2),
                                         eventId: row.optionalString(3), expiresAt: row.int64(4))
        }
        return found
    }

    /// Writes the `idempotency_keys` row of a trigger: a new row, or in place of the expired
    /// row `rowid` of the same key (there is one row per key: the caller looked the key up in
    /// this transaction, ``storedIdempotencyKey(_:hash:)``, and found none live).
    func writeIdempotencyKey(_ idem: TriggerSubmission.Idempotency, hash: Int64, replacing rowid: Int64?, requestIds: [String],
                             eventId: String?, createdAt: Int64, expiresAt: Int64) throws {
        if let rowid {
            let statement = try cachedStatement(sql: """
                UPDATE idempotency_keys SET body_hash = ?, request_ids = ?, event_id = ?, created_at = ?, expires_at = ? WHERE rowid = ?
                """)
            try statement.runDirect(self) { b in
                b.add(idem.bodyHash); b.add(IdempotencyRecord.encodeIds(requestIds)); b.add(eventId); b.add(createdAt); b.add(expiresAt)
                b.add(rowid)
            }
            return
        }
        let statement = try cachedStatement(sql: """
            INSERT INTO idempotency_keys (key_hash, key, body_hash, request_ids, event_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.runDirect(self) { b in
            b.add(hash); b.add(idem.key); b.add(idem.bodyHash); b.add(IdempotencyRecord.encodeIds(requestIds)); b.add(eventId)
            b.add(createdAt); b.add(expiresAt)
        }
    }

    /// Writes one `status_history` row now (through the one INSERT of ``HistoryBuffer``).
    func insertHistory(requestId: String, entity: HistoryEntry.Entity, from: String?, to: String, at: Date, actor: String, reason: String?) throws {
        var history = HistoryBuffer()
        history.append(requestId: requestId, entity: entity, from: from, to: to, at: at, actor: actor, reason: reason)
        try history.flush(self)
    }

    /// Applies a request transition guarded by the expected status (and claim token); writes
    /// the history row. Returns false when the guard failed.
    @discardableResult
    func apply(_ t: RequestTransition, claimToken: String?) throws -> Bool {
        var history = HistoryBuffer()
        guard try apply(t, claimToken: claimToken, history: &history) else { return false }
        try history.flush(self)
        return true
    }

    /// The same, with the history row added to `history` (written when the buffer is flushed).
    func apply(_ t: RequestTransition, claimToken: String?, history: inout HistoryBuffer) throws -> Bool {
        let statement = try cachedStatement(sql: """
            UPDATE comms_requests SET status = ?, updated_at = ?, claim_token = NULL, lease_until = NULL
            WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
            """)
        try statement.runDirect(self) { b in
            b.add(t.to.code); b.add(Millis.from(t.at)); b.add(t.requestId); b.add(t.from.code); b.add(claimToken); b.add(claimToken)
        }
        guard changesCount == 1 else { return false }
        history.append(requestId: t.requestId, entity: .request, from: t.from.rawValue, to: t.to.rawValue, at: t.at, actor: t.actor, reason: t.reason)
        return true
    }
}

/// `status_history` rows waiting to be written, in order, with multi-row INSERTs (a batch
/// commit writes one statement per 100 rows instead of one per row).
struct HistoryBuffer {
    private var entries: [HistoryRecord] = []
    var count: Int { entries.count }
    static let rowsPerStatement = 100

    mutating func append(requestId: String, entity: HistoryEntry.Entity, from: String?, to: String, at: Date, actor: String, reason: String?) {
        entries.append(HistoryRecord(id: nil, requestId: requestId, entity: entity.rawValue, fromStatus: from, toStatus: to,
                                     at: Millis.from(at), actor: actor, reason: reason))
    }

    /// Writes the rows in the order they were added and empties the buffer.
    mutating func flush(_ db: Database) throws {
        var start = 0
        while start < entries.count {
            let n = min(Self.rowsPerStatement, entries.count - start)
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", ")
            let sql = "INSERT INTO status_history (request_id, entity, from_status, to_status, at, actor, reason) VALUES " + values
            // Full chunks reuse one prepared statement; the remainder is prepared once per size.
            let statement = try db.cachedStatement(sql: sql)
            try statement.runDirect(db) { b in
                for e in entries[start..<(start + n)] {
                    b.add(e.requestId); b.add(e.entity); b.add(e.fromStatus); b.add(e.toStatus); b.add(e.at); b.add(e.actor); b.add(e.reason)
                }
            }
            start += n
        }
        entries.removeAll(keepingCapacity: true)
    }
}
