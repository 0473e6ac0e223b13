import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: AgentStore {
    // MARK: Users

    public func addAgentUser(_ user: AgentUser) async throws {
        try await writer.write { db in
            guard try AgentUserRecord.fetchOne(db, key: user.name) == nil else {
                throw HeraldError.conflict("agent user '\(user.name)' already exists", field: "name")
            }
            try AgentUserRecord(user).insert(db)
        }
    }

    public func agentUser(name: String) async throws -> AgentUser? {
        try await writer.read { db in try AgentUserRecord.fetchOne(db, key: name)?.model }
    }

    public func agentUsers() async throws -> [AgentUser] {
        try await writer.read { db in
            try AgentUserRecord.fetchAll(db, sql: "SELECT * FROM agent_users ORDER BY name").map(\.model)
        }
    }

    public func setAgentPassword(name: String, passwordHash: String, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE agent_users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE name = ?
                """, arguments: [passwordHash, Millis.from(at), name])
            guard db.changesCount == 1 else { throw HeraldError.notFound("no agent user '\(name)'", field: "name") }
            try db.execute(sql: "DELETE FROM agent_sessions WHERE user_name = ?", arguments: [name])
        }
    }

    public func setAgentDisabled(name: String, disabled: Bool, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE agent_users SET disabled = ?, updated_at = ? WHERE name = ?",
                           arguments: [disabled, Millis.from(at), name])
            guard db.changesCount == 1 else { throw HeraldError.notFound("no agent user '\(name)'", field: "name") }
            if disabled { try db.execute(sql: "DELETE FROM agent_sessions WHERE user_name = ?", arguments: [name]) }
        }
    }

    // MARK: Signing in

    public func recordAgentSignInFailure(name: String, policy: AgentSignInPolicy, at: Date) async throws -> AgentUser? {
        try await writer.write { db in
            guard let record = try AgentUserRecord.fetchOne(db, key: name) else { return nil }
            let updated = policy.failed(record.model, at: at)
            try AgentUserRecord(updated).update(db)
            return updated
        }
    }

    public func startAgentSession(_ session: AgentSession) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE agent_users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
                           arguments: [Millis.from(session.createdAt), session.user])
            guard db.changesCount == 1 else { throw HeraldError.notFound("no agent user '\(session.user)'", field: "name") }
            try AgentSessionRecord(session).insert(db)
        }
    }

    public func touchAgentSession(id: String, policy: AgentSignInPolicy, now: Date) async throws -> (AgentSession, AgentUser)? {
        // A read first: most page views find a live session used within the last minute, and
        // then write nothing.
        let found = try await writer.read { db -> (AgentSessionRecord, AgentUser?)? in
            // Cached statements: this runs for every page view.
            guard let record = try AgentSessionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_sessions WHERE id = ?"),
                                                               arguments: [id]) else { return nil }
            return (record, try AgentUserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_users WHERE name = ?"),
                                                         arguments: [record.userName])?.model)
        }
        guard let (record, user) = found else { return nil }
        guard Millis.date(record.expiresAt) > now, let user, !user.disabled else {
            try await writer.write { db in try db.execute(sql: "DELETE FROM agent_sessions WHERE id = ?", arguments: [id]) }
            return nil
        }
        var session = record.model
        guard now.timeIntervalSince(session.lastSeenAt) >= policy.touchInterval else { return (session, user) }
        session.lastSeenAt = now
        session.expiresAt = now.addingTimeInterval(policy.idleTimeout)
        let (lastSeen, expires) = (Millis.from(session.lastSeenAt), Millis.from(session.expiresAt))
        let live = try await writer.write { db in
            // Only a session still there: a sign-out in between stays a sign-out.
            try db.execute(sql: "UPDATE agent_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
                           arguments: [lastSeen, expires, id])
            return db.changesCount == 1
        }
        return live ? (session, user) : nil
    }

    public func endAgentSession(id: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM agent_sessions WHERE id = ?", arguments: [id]) }
    }

    public func purgeExpiredAgentSessions(now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM agent_sessions WHERE expires_at <= ?", arguments: [Millis.from(now)])
            return db.changesCount
        }
    }

    // MARK: Audit

    @discardableResult
    public func appendAgentAudit(_ entry: AgentAuditEntry) async throws -> Int64 {
        try await writer.write { db in try Self.appendAgentAudit(entry, in: db) }
    }

    /// Writes one audit row inside the caller's transaction (the actions write theirs with their change).
    static func appendAgentAudit(_ entry: AgentAuditEntry, in db: Database) throws -> Int64 {
        var record = AgentAuditRecord(entry)
        record.id = nil
        try record.insert(db)
        return db.lastInsertedRowID
    }

    public func agentAudit(limit: Int) async throws -> [AgentAuditEntry] {
        try await writer.read { db in
            try AgentAuditRecord.fetchAll(db, sql: "SELECT * FROM agent_audit ORDER BY id DESC LIMIT ?",
                                          arguments: [max(1, min(limit, 1000))]).map(\.model)
        }
    }

    // MARK: Look-ups

    public func searchCustomers(_ search: CustomerSearch, limit: Int) async throws -> [CustomerMatch] {
        let limit = max(1, min(limit, 200))
        return try await writer.read { db in
            // Customer id → what matched first, in the order the kinds are tried.
            var found: [(String, String)] = []
            func add(_ ids: [String], _ how: String) {
                for id in ids where !found.contains(where: { $0.0 == id }) { found.append((id, how)) }
            }
            let id = search.id
            add(try String.fetchAll(db, sql: "SELECT id FROM customers WHERE id = ?", arguments: [id]), "customer id")
            add(try String.fetchAll(db, sql: "SELECT customer_id FROM accounts WHERE id = ?", arguments: [id]), "account id")
            add(try String.fetchAll(db, sql: "SELECT customer_id FROM subscriptions WHERE id = ?", arguments: [id]), "subscription id")
            if !search.msisdns.isEmpty {
                let marks = databaseQuestionMarks(count: search.msisdns.count)
                let args = StatementArguments(search.msisdns)
                add(try String.fetchAll(db, sql: "SELECT id FROM customers WHERE mobile IN (\(marks)) ORDER BY id LIMIT \(limit)",
                                        arguments: args), "MSISDN")
                add(try String.fetchAll(db, sql: "SELECT customer_id FROM subscriptions WHERE msisdn IN (\(marks)) ORDER BY customer_id LIMIT \(limit)",
                                        arguments: args), "MSISDN")
            }
            if let email = search.email {
                add(try String.fetchAll(db, sql: "SELECT id FROM customers WHERE lower(email) = ? AND email IS NOT NULL ORDER BY id LIMIT \(limit)",
                                        arguments: [email]), "email")
            }
            let words = search.nameWords
            if words.count == 1 {
                let w = Self.nameForms(words[0])
                add(try String.fetchAll(db, sql: """
                    SELECT id FROM customers WHERE lower(last_name) IN (?, ?) AND last_name IS NOT NULL
                    UNION SELECT id FROM customers WHERE lower(first_name) IN (?, ?) AND first_name IS NOT NULL
                    ORDER BY id LIMIT \(limit)
                    """, arguments: StatementArguments(w + w)), "name")
            } else if words.count > 1 {
                // "First Last" (the rest of the words are the last name), or "Last First".
                let first = Self.nameForms(words[0]), last = Self.nameForms(words.dropFirst().joined(separator: " "))
                let lastFirst = Self.nameForms(words.dropLast().joined(separator: " ")), firstLast = Self.nameForms(words[words.count - 1])
                add(try String.fetchAll(db, sql: """
                    SELECT id FROM customers WHERE lower(last_name) IN (?, ?) AND last_name IS NOT NULL AND lower(first_name) IN (?, ?)
                    UNION SELECT id FROM customers WHERE lower(last_name) IN (?, ?) AND last_name IS NOT NULL AND lower(first_name) IN (?, ?)
                    ORDER BY id LIMIT \(limit)
                    """, arguments: StatementArguments(last + first + lastFirst + firstLast)), "name")
            }
            let chosen = Array(found.prefix(limit))
            guard !chosen.isEmpty else { return [] }
            let customers = try CustomerRecord.fetchAll(
                db, sql: "SELECT * FROM customers WHERE id IN (\(databaseQuestionMarks(count: chosen.count)))",
                arguments: StatementArguments(chosen.map(\.0)))
            let byId = Dictionary(customers.map { ($0.id, $0.model) }, uniquingKeysWith: { a, _ in a })
            return chosen.compactMap { id, how in byId[id].map { CustomerMatch(customer: $0, matchedBy: how) } }
        }
    }

    /// A typed name in the two forms compared with `lower(<column>)`: as SQLite lowers it
    /// (ASCII letters only) and fully lower-cased. ASCII case never matters; a non-ASCII
    /// capital (`Å`) matches when typed as stored.
    static func nameForms(_ typed: String) -> [String] {
        let ascii = String(typed.unicodeScalars.map { $0.isASCII ? Character(String($0).lowercased()) : Character($0) })
        return [ascii, typed.lowercased()]
    }

    public func holdings(customerId: String) async throws -> (accounts: [Account], subscriptions: [Subscription]) {
        try await writer.read { db in
            let accounts = try AccountRecord.fetchAll(db, sql: "SELECT * FROM accounts WHERE customer_id = ? ORDER BY id", arguments: [customerId])
            let subscriptions = try SubscriptionRecord.fetchAll(
                db, sql: "SELECT * FROM subscriptions WHERE customer_id = ? ORDER BY id", arguments: [customerId])
            return (accounts.map(\.model), subscriptions.map(\.model))
        }
    }

    public func agentComms(_ query: AgentCommsQuery) async throws -> RequestPage {
        /// A bound value of the list's statement (bound through SQLite's C API).
        enum Argument: Sendable { case text(String), integer(Int64) }
        let limit = max(1, min(query.limit, 200))
        var conditions = ["r.customer_id = ?"]
        var arguments: [Argument] = [.text(query.customerId)]
        var join = ""
        if let v = query.method {
            join = "JOIN distributions d ON d.request_id = r.id"
            conditions.append("d.method = ?")
            arguments.append(.text(v.rawValue))
        }
        if let v = query.status { conditions.append("r.status = ?"); arguments.append(.text(v.code)) }
        if let v = query.commsCode { conditions.append("r.comms_code = ?"); arguments.append(.text(v)) }
        if let v = query.level { conditions.append("r.target_kind = ?"); arguments.append(.text(v.rawValue)) }
        if let v = query.createdFrom { conditions.append("r.created_at >= ?"); arguments.append(.integer(Millis.from(v))) }
        if let v = query.createdBefore { conditions.append("r.created_at < ?"); arguments.append(.integer(Millis.from(v))) }
        if let v = query.cursor { conditions.append("r.id < ?"); arguments.append(.text(v)) }
        arguments.append(.integer(Int64(limit + 1)))
        // SQLite-specific: without statistics the planner takes `requests_status` for a status
        // filter and walks every request in that status; one customer's rows are few, so the
        // customer's index (in id order, as the page wants) is always the one to use.
        let columns = RequestRecord.columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let sql = """
            SELECT \(columns.joined(separator: ", ")) FROM comms_requests r INDEXED BY requests_customer \(join)
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY r.id DESC LIMIT ?
            """
        let finalArguments = arguments
        // The list shows each request and its distribution only: no history, problems or
        // documents (a page of 50 read them all for nothing), rows read by position.
        return try await writer.read { db in
            let statement = try db.cachedStatement(sql: sql)
            var rows: [RequestRecord] = []
            try statement.stepDirect(db, { b in
                for argument in finalArguments {
                    switch argument {
                    case .text(let v): b.add(v)
                    case .integer(let v): b.add(v)
                    }
                }
            }) { rows.append(RequestRecord(direct: $0)) }
            var next: String?
            if rows.count > limit {
                rows.removeLast()
                next = rows.last?.id
            }
            let distributions = try Self.distributions(ofRequests: rows.map(\.id), in: db)
            return RequestPage(items: rows.map { RequestDetail(request: $0.model, distribution: distributions[$0.id], history: [], problems: []) },
                               nextCursor: next)
        }
    }

    /// The distributions of these requests, by request id.
    static func distributions(ofRequests ids: [String], in db: Database) throws -> [String: Distribution] {
        var out: [String: Distribution] = [:]
        try stepIn(db, "SELECT \(DistributionRecord.columns) FROM distributions WHERE request_id", ids) { row in
            let d = DistributionRecord(direct: row)
            out[d.requestId] = d.model
        }
        return out
    }
}

extension SQLiteStore {
    // MARK: Actions on comms

    public func agentCancel(requestId: String, audit: AgentAuditEntry) async throws -> RequestDetail {
        try await writer.write { db in
            let detail = try Self.cancel(id: requestId, actor: agentActor(audit.agent), reason: audit.reason, at: audit.at, in: db)
            _ = try Self.appendAgentAudit(audit, in: db)
            return detail
        }
    }

    public func agentRequeue(requestId: String, audit: AgentAuditEntry) async throws -> RequestDetail {
        try await writer.write { db in
            guard let r = try RequestRecord.fetchOne(db, key: requestId) else { throw HeraldError.notFound("no comms request '\(requestId)'") }
            let current = RequestStatus(code: r.status) ?? .error
            guard current == .error else {
                throw HeraldError.illegalTransition("comms request '\(requestId)' is \(current.rawValue); only requests in error can be requeued")
            }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM distributions WHERE request_id = ?)", arguments: [requestId]) != true else {
                throw HeraldError.conflict("comms request '\(requestId)' already has a distribution; resend it instead")
            }
            let t = try RequestTransition(requestId: requestId, from: .error, to: .awaitingProcessing, actor: agentActor(audit.agent),
                                          reason: audit.reason ?? "requeued", at: audit.at)
            guard try db.apply(t, claimToken: nil) else {
                throw HeraldError.conflict("comms request '\(requestId)' changed while requeueing; try again")
            }
            _ = try Self.appendAgentAudit(audit, in: db)
            guard let updated = try RequestRecord.fetchOne(db, key: requestId) else { throw HeraldError.notFound("no comms request '\(requestId)'") }
            return try Self.details(for: [updated], in: db)[0]
        }
    }

    public func agentSubmit(_ request: CommsRequest, audit: AgentAuditEntry) async throws {
        try await writer.write { db in
            guard let ids = try Self.resolveTarget(request.target, in: db) else {
                throw HeraldError.invalid(request.target.kind.field, "unknown \(request.target.kind.rawValue) '\(request.target.id)'")
            }
            try db.insertRequest(request, customerId: ids.0, accountId: ids.1, subscriptionId: ids.2)
            try db.insertHistory(requestId: request.id, entity: .request, from: nil, to: request.status.rawValue, at: request.createdAt,
                                 actor: agentActor(audit.agent), reason: audit.reason)
            _ = try Self.appendAgentAudit(audit, in: db)
        }
    }
}

extension SQLiteStore {
    // MARK: Operations

    /// The column that says when a stage's waiting row was created.
    static func createdColumn(_ stage: Stage) -> String {
        switch stage {
        case .store: "merged_at"
        default: "created_at"
        }
    }

    public func oldestWaiting() async throws -> [Stage: Date] {
        try await writer.read { db in
            var out: [Stage: Date] = [:]
            for stage in Stage.all {
                let q = Self.queue(stage)
                let method = stage.queue.method.map { " AND method = '\($0.rawValue)'" } ?? ""
                let sql = "SELECT MIN(\(Self.createdColumn(stage))) FROM \(q.indexed) WHERE \(StatusSQL.condition(stage.queue.statusCodes))\(method)"
                if let millis = try Int64.fetchOne(db, sql: sql) { out[stage] = Millis.date(millis) }
            }
            return out
        }
    }

    public func sendCounts(since: Date) async throws -> [MethodSendCounts] {
        let from = Millis.from(since) as Int64
        let failed = [DistributionStatus.errorNoRetry.code, DistributionStatus.undeliverable.code]
        return try await writer.read { db in
            var counts: [String: (Int, Int)] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT method, SUM(sent_at >= ?1) AS sent, SUM(status IN (?2, ?3) AND updated_at >= ?1) AS failed
                FROM distributions WHERE sent_at >= ?1 OR updated_at >= ?1 GROUP BY method
                """, arguments: [from, failed[0], failed[1]])
            for row in rows { counts[row["method"]] = (row["sent"] ?? 0, row["failed"] ?? 0) }
            return DeliveryMethod.allCases.map { m in
                MethodSendCounts(method: m, sent: counts[m.rawValue]?.0 ?? 0, failed: counts[m.rawValue]?.1 ?? 0)
            }
        }
    }

    public func recentProblems(limit: Int) async throws -> [RecentProblem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.request_id, r.comms_code, p.kind, p.reason, p.at FROM request_problems p JOIN comms_requests r ON r.id = p.request_id
                WHERE p.kind IN (?, ?) ORDER BY p.id DESC LIMIT ?
                """, arguments: [RequestProblem.Kind.error.rawValue, RequestProblem.Kind.delivery.rawValue, max(1, min(limit, 500))]).map { row in
                RecentProblem(requestId: row["request_id"], commsCode: row["comms_code"],
                              problem: RequestProblem(kind: RequestProblem.Kind(rawValue: row["kind"]) ?? .error, reason: row["reason"],
                                                      at: Millis.date(row["at"] as Int64)))
            }
        }
    }
}
