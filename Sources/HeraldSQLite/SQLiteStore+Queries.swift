import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func request(id: String) async throws -> RequestDetail? {
        try await writer.read { db in
            guard let r = try RequestRecord.fetchOne(db, key: id) else { return nil }
            return try Self.details(for: [r], in: db).first
        }
    }

    public func requests(_ query: RequestQuery) async throws -> RequestPage {
        var owners: [String] = []
        if query.customerId == nil,
           let (kind, id) = query.accountId.map({ (TargetRef.Kind.account, $0) }) ?? query.subscriptionId.map({ (.subscription, $0) }) {
            owners = try await writer.read { db in
                try String.fetchAll(db.cachedStatement(sql: "SELECT customer_id FROM target_owners WHERE kind = ? AND target_id = ?"),
                                    arguments: [kind.rawValue, id])
            }
            guard !owners.isEmpty else { return RequestPage(items: [], nextCursor: nil) }
        }
        let (sql, arguments) = Self.requestListSQL(query, owners: owners)
        return try await requestPage(sql: sql, arguments: arguments, limit: Self.requestListLimit(query))
    }

    static func requestListLimit(_ query: RequestQuery) -> Int { max(1, min(query.limit, 500)) }

    /// The statement of ``requests(_:)`` and its arguments (the page's limit + 1 last).
    /// `owners`: for a list by account or subscription without a customer, the customers it
    /// has belonged to (`target_owners`, never empty).
    static func requestListSQL(_ query: RequestQuery, owners: [String]) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        // Requests are indexed by customer only (not by account or subscription: two fewer
        // B-tree inserts at random places per request). A listing by account or subscription
        // walks the requests of the customer it belongs to, newest first, and stops at the page's
        // end; one that moved between customers (`target_owners` has each it belonged to) walks
        // all of theirs and sorts.
        if let v = query.customerId {
            conditions.append("customer_id = ?")
            arguments += [v]
        } else if !owners.isEmpty {
            // A list of literals, not the subquery: SQLite then walks one customer's range in id
            // order instead of collecting and sorting every request of the customer.
            conditions.append(owners.count == 1 ? "customer_id = ?" : "customer_id IN (\(databaseQuestionMarks(count: owners.count)))")
            arguments += StatementArguments(owners)
        }
        if let v = query.accountId { conditions.append("account_id = ?"); arguments += [v] }
        if let v = query.subscriptionId { conditions.append("subscription_id = ?"); arguments += [v] }
        // SQLite-specific: without statistics the planner may walk `requests_status` (every
        // request in a status) or the whole id index for a customer's few rows.
        let byCustomer = query.customerId != nil || query.accountId != nil || query.subscriptionId != nil
        if let v = query.status {
            conditions.append("status = ?")
            arguments += [v.code]
            // `requests_status` leaves out the requests awaiting processing: another status names
            // the index's condition so the planner may use it; awaiting processing walks the ids
            // newest first (the queue drains oldest first: those waiting are the newest).
            if v != .awaitingProcessing { conditions.append(StatusSQL.notAwaitingProcessing) }
        }
        if let v = query.commsCode { conditions.append("comms_code = ?"); arguments += [v] }
        if let v = query.cursor { conditions.append("id < ?"); arguments += [v] }
        let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [requestListLimit(query) + 1]
        let index = byCustomer ? " INDEXED BY requests_customer" : ""
        return ("SELECT * FROM comms_requests\(index) \(whereSQL) ORDER BY id DESC LIMIT ?", arguments)
    }

    /// A page of requests newest first: `sql` selects request rows with `limit + 1` as its last
    /// argument; the extra row only says there is a next page (its cursor: the last id shown).
    func requestPage(sql: String, arguments: StatementArguments, limit: Int) async throws -> RequestPage {
        try await writer.read { db in
            var rows = try RequestRecord.fetchAll(db, sql: sql, arguments: arguments)
            var next: String?
            if rows.count > limit {
                rows.removeLast()
                next = rows.last?.id
            }
            return RequestPage(items: try Self.details(for: rows, in: db), nextCursor: next)
        }
    }

    public func cancelRequest(id: String, actor: String, reason: String?, at: Date) async throws -> RequestDetail {
        try await writer.write { db in try Self.cancel(id: id, actor: actor, reason: reason, at: at, in: db) }
    }

    /// Cancels a waiting request inside the caller's transaction (the API's cancel and an agent's).
    static func cancel(id: String, actor: String, reason: String?, at: Date, in db: Database) throws -> RequestDetail {
        guard let r = try RequestRecord.fetchOne(db, key: id) else { throw HeraldError.notFound("no comms request '\(id)'") }
        let current = RequestStatus(code: r.status) ?? .error
        guard current == .awaitingProcessing || current == .awaitingEventResolution else {
            throw HeraldError.illegalTransition("comms request '\(id)' is \(current.rawValue); only waiting requests can be cancelled")
        }
        let t = try RequestTransition(requestId: id, from: current, to: .cancelled, actor: actor, reason: reason ?? "cancelled", at: at)
        guard try db.apply(t, claimToken: nil) else {
            throw HeraldError.conflict("comms request '\(id)' changed while cancelling; try again")
        }
        guard let updated = try RequestRecord.fetchOne(db, key: id) else { throw HeraldError.notFound("no comms request '\(id)'") }
        return try details(for: [updated], in: db)[0]
    }

    /// Requests with their distribution, history and problems, in the order given.
    static func details(for rows: [RequestRecord], in db: Database) throws -> [RequestDetail] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        let placeholders = databaseQuestionMarks(count: ids.count)
        let args = StatementArguments(ids)
        let distributions = try DistributionRecord.fetchAll(db, sql: "SELECT * FROM distributions WHERE request_id IN (\(placeholders))", arguments: args)
        let byRequest = Dictionary(distributions.map { ($0.requestId, $0.model) }, uniquingKeysWith: { a, _ in a })
        let history = try HistoryRecord.fetchAll(db, sql: "SELECT * FROM status_history WHERE request_id IN (\(placeholders)) ORDER BY id", arguments: args)
        let historyBy = Dictionary(grouping: history, by: \.requestId)
        let problems = try ProblemRecord.fetchAll(db, sql: "SELECT * FROM request_problems WHERE request_id IN (\(placeholders)) ORDER BY id", arguments: args)
        let problemsBy = Dictionary(grouping: problems, by: \.requestId)
        var stored: [String: StoredDocument] = [:]
        let storedRows = try db.makeStatement(sql: "SELECT \(StoredDocumentRecord.allColumns) FROM stored_documents WHERE request_id IN (\(placeholders))")
        try storedRows.stepDirect(db, { b in for id in ids { b.add(id) } }) { row in
            let s = StoredDocumentRecord.stored(direct: row)
            stored[s.requestId] = s
        }
        return rows.map { r in
            RequestDetail(request: r.model, distribution: byRequest[r.id], history: (historyBy[r.id] ?? []).map(\.model),
                          problems: (problemsBy[r.id] ?? []).map(\.model), storedDocument: stored[r.id])
        }
    }
}
