import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func applyStatusUpdates(_ updates: [StatusUpdate], scope: String, actor: String,
                                   permit: (@Sendable (_ commsCode: String, _ method: DeliveryMethod) -> String?)?) async throws -> [StatusUpdateResult] {
        let receivedAt = now
        return try await writer.write { db in
            var results: [StatusUpdateResult] = []
            results.reserveCapacity(updates.count)
            for update in updates {
                let digest = update.digest
                if let (earlier, earlierDigest) = try db.statusUpdate(scope: scope, updateId: update.updateId) {
                    results.append(earlierDigest == digest ? earlier : StatusUpdateResult(
                        updateId: update.updateId, result: .invalid,
                        detail: "updateId \(update.updateId) was used before for a different update"))
                    continue
                }
                var result: StatusUpdateResult!
                try db.inUnitSavepoint {
                    let (answer, final) = try db.apply(update, actor: actor, receivedAt: receivedAt, permit: permit)
                    result = answer
                    // Only a final answer is remembered: an update that came too early (the comm
                    // not sent yet, or being sent, its reference not recorded yet) may be sent
                    // again under the same updateId and then apply.
                    if final { try db.remember(answer, digest: digest, scope: scope, receivedAt: receivedAt) }
                    return true
                }
                results.append(result)
            }
            return results
        }
    }

    public func purgeStatusUpdates(receivedBefore: Date) async throws -> Int {
        // The oldest first, through `status_updates_received`; a WITHOUT ROWID table's rows are
        // named by their primary key.
        try await purgeInChunks("""
            DELETE FROM status_updates WHERE (scope, update_id) IN (
                SELECT scope, update_id FROM status_updates INDEXED BY status_updates_received
                WHERE received_at < ? ORDER BY received_at LIMIT ?)
            """, [Millis.from(receivedBefore) as Int64])
    }
}

extension Database {
    /// The answer given to an update taken before and the digest of that update, or nil.
    func statusUpdate(scope: String, updateId: String) throws -> (StatusUpdateResult, String)? {
        let find = try cachedStatement(sql: "SELECT result, detail, request_id, digest FROM status_updates WHERE scope = ? AND update_id = ?")
        var found: (StatusUpdateResult, String)?
        try find.stepDirect(self, { $0.add(scope); $0.add(updateId) }) { row in
            found = (StatusUpdateResult(updateId: updateId, result: StatusUpdateResult.Result(rawValue: row.string(0)) ?? .ignored,
                                        detail: row.string(1), requestId: row.optionalString(2)), row.string(3))
        }
        return found
    }

    func remember(_ result: StatusUpdateResult, digest: String, scope: String, receivedAt: Date) throws {
        let insert = try cachedStatement(sql: """
            INSERT INTO status_updates (scope, update_id, result, detail, request_id, digest, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.runDirect(self) { b in
            b.add(scope); b.add(result.updateId); b.add(result.result.rawValue); b.add(result.detail); b.add(result.requestId)
            b.add(digest); b.add(Millis.from(receivedAt))
        }
    }

    /// A reference recorded for any method: the primary key `(method, reference)` walked per
    /// method. Built once (the statement cache is keyed by this text).
    static let byReferenceSQL = """
        SELECT d.* FROM distribution_references r JOIN distributions d ON d.id = r.distribution_id
        WHERE r.method IN (\(DeliveryMethod.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))) AND r.reference = ? LIMIT 2
        """

    /// The distributions an update names: by request id; or by a provider reference — one
    /// recorded for any method (`distribution_references`, at most two read: two mean the
    /// reference is ambiguous), else a part naming its distribution (`envid:<id>`, a Message-ID),
    /// found as the delivery-report path finds it.
    func distributions(for comm: StatusUpdate.Comm) throws -> [Distribution] {
        switch comm {
        case .request(let id):
            return try DistributionRecord.fetchAll(cachedStatement(sql: "SELECT * FROM distributions WHERE request_id = ?"), arguments: [id]).map(\.model)
        case .reference(let reference):
            let found = try DistributionRecord.fetchAll(cachedStatement(sql: Self.byReferenceSQL), arguments: [reference])
            if !found.isEmpty { return found.map(\.model) }
            guard let id = ProviderReference.namedDistributionId(reference),
                  let record = try DistributionRecord.fetchOne(self, key: id),
                  ProviderReference.parts(record.reference ?? "").contains(reference) else { return [] }
            return [record.model]
        }
    }

    /// Applies one update (inside its savepoint) and says what became of it, and whether that
    /// answer is final (remembered for its updateId) or may change if the update comes again.
    func apply(_ update: StatusUpdate, actor: String, receivedAt: Date,
               permit: ((_ commsCode: String, _ method: DeliveryMethod) -> String?)?) throws -> (StatusUpdateResult, final: Bool) {
        let at = update.at ?? receivedAt
        let reference: String = switch update.comm {
        case .request(let id): "request:\(id)"
        case .reference(let r): r
        }
        let found = try distributions(for: update.comm)
        guard found.count == 1, let d = found.first else {
            let name = if case .request(let id) = update.comm { "no comm with request id \(id)" }
                else if found.count > 1 { "reference \(reference) names more than one comm; give the requestId" }
                else { "no comm with reference \(reference)" }
            // Logged as `unknown`, not `unmatched`: an external update naming no comm is answered
            // now and not held for a later send (unmatched rows put every send's commit on the
            // slower early-report path). Not final: the comm may be recorded later.
            try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "unknown", distributionId: nil, method: .external)
            return (StatusUpdateResult(updateId: update.updateId, result: .unknown, detail: name), false)
        }
        if let permit, let code = try String.fetchOne(cachedStatement(sql: "SELECT comms_code FROM comms_requests WHERE id = ?"), arguments: [d.requestId]),
           permit(code, d.method) != nil {
            // Told apart from a comm that does not exist by nothing: a key limited to one system
            // learns nothing about other systems' comms.
            try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id, method: d.method)
            let name = if case .request(let id) = update.comm { "no comm with request id \(id)" } else { "no comm with reference \(reference)" }
            return (StatusUpdateResult(updateId: update.updateId, result: .unknown, detail: name), true)
        }
        // A comm Herald is sending right now (claimed by a sender or filed in a print batch) is
        // not moved under it: the sender's commit would conflict and lose its reference.
        if [.awaitingDistribution, .errorRetry, .batched].contains(d.status) {
            let busy = try Bool.fetchOne(cachedStatement(sql: "SELECT claim_token IS NOT NULL AND lease_until > ? FROM distributions WHERE id = ?"),
                                         arguments: [Millis.from(receivedAt), d.id]) ?? false
            if busy || d.status == .batched {
                try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id, method: d.method)
                return (StatusUpdateResult(updateId: update.updateId, result: .ignored,
                                           detail: "Herald is sending this comm now (\(d.status.rawValue)); report it again shortly", requestId: d.requestId), false)
            }
        }
        let words = update.detail.map { ": \($0)" } ?? ""
        let effect = StatusMachine.effect(of: update.status, on: d.status, alreadyRead: d.readAt != nil)
        var history = HistoryBuffer()
        switch effect {
        case .ignored(let why):
            try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id, method: d.method)
            return (StatusUpdateResult(updateId: update.updateId, result: .ignored, detail: why, requestId: d.requestId), true)
        case .illegal(let why):
            // Not final: a report that came before the comm's own move (read before published)
            // applies when sent again.
            try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id, method: d.method)
            return (StatusUpdateResult(updateId: update.updateId, result: .illegal, detail: "\(why) (it is \(d.status.rawValue))", requestId: d.requestId), false)
        case .recordRead, .recordSent:
            // No move: the actual send or the read is recorded, with a history row from and to
            // the same status.
            let read = effect == .recordRead
            try execute(sql: """
                UPDATE distributions SET updated_at = ?,
                    read_at = CASE WHEN ? THEN COALESCE(read_at, ?) ELSE read_at END,
                    actual_sent_at = CASE WHEN ? THEN ? ELSE actual_sent_at END,
                    actual_method = COALESCE(?, actual_method), actual_target = COALESCE(?, actual_target)
                WHERE id = ?
                """, arguments: [Millis.from(receivedAt), read, Millis.from(at), !read, Millis.from(at),
                                 update.actualMethod?.rawValue, update.actualTarget, d.id])
            history.append(requestId: d.requestId, entity: .distribution, from: d.status.rawValue, to: d.status.rawValue, at: at,
                           actor: actor, reason: (read ? "read" : "sent, reported") + words)
        case .move(let to):
            var t = try DistributionTransition(distribution: d, to: to, actor: actor,
                                               reason: "\(update.status.rawValue), reported\(words)", at: at)
            t.retryAt = nil
            if to == .sent || update.status == .sent {
                t.actualSentAt = at
                t.sentAt = d.sentAt ?? at
            }
            t.actualMethod = update.actualMethod
            t.actualTarget = update.actualTarget
            if to == .errorNoRetry || to == .undeliverable { t.lastError = update.detail ?? update.status.rawValue }
            let problems = (to == .errorNoRetry || to == .undeliverable)
                ? [RequestProblem(kind: .delivery, reason: "\(update.status.rawValue), reported\(words)", at: at)] : []
            let change = Change(requestId: d.requestId, distribution: t, problems: problems)
            guard try SQLiteStore.apply(change, token: nil, earlyReports: false, in: self, history: &history) else {
                try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "ignored", distributionId: d.id, method: d.method)
                return (StatusUpdateResult(updateId: update.updateId, result: .ignored, detail: "the comm changed meanwhile", requestId: d.requestId), false)
            }
        }
        try history.flush(self)
        try log(update, reference: reference, at: at, receivedAt: receivedAt, disposition: "applied", distributionId: d.id, method: d.method)
        let detail: String = switch effect {
        case .move(let to): "\(d.status.rawValue) → \(to.rawValue)"
        case .recordRead: "read at \(at.formatted(.iso8601))"
        default: "actual send recorded"
        }
        return (StatusUpdateResult(updateId: update.updateId, result: .applied, detail: detail, requestId: d.requestId), true)
    }

    /// Logs the update in `delivery_reports` (outcome = the reported status).
    func log(_ update: StatusUpdate, reference: String, at: Date, receivedAt: Date, disposition: String, distributionId: String?,
             method: DeliveryMethod) throws {
        let insert = try cachedStatement(sql: """
            INSERT INTO delivery_reports (method, reference, outcome, at, detail, received_at, disposition, distribution_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.runDirect(self) { b in
            b.add(method.rawValue); b.add(reference); b.add(update.status.rawValue); b.add(Millis.from(at)); b.add(update.detail)
            b.add(Millis.from(receivedAt)); b.add(disposition); b.add(distributionId)
        }
    }
}
