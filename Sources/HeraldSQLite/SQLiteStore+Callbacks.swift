import Foundation
import GRDB
import HeraldCore

/// Status callbacks: subscriptions, the delivery outbox (filled by the `webhook_outbox`
/// trigger on `status_history`, see the migration), the callback stage's claims and commits.
enum CallbackRecords {
    /// The columns of a delivery, in the order ``delivery(direct:)`` reads them.
    static let deliveryColumns = """
        id, subscription_id, request_id, history_id, status, attempts, created_at, first_attempt_at, retry_at, last_error, \
        response_status, delivered_at
        """

    static func delivery(direct row: DirectRow) -> CallbackDelivery {
        CallbackDelivery(id: row.int64(0), subscriptionId: row.string(1), requestId: row.string(2), sequence: row.int64(3),
                         status: CallbackDeliveryStatus(code: row.string(4)) ?? .waiting, attempts: Int(row.int64(5)),
                         createdAt: Millis.date(row.int64(6)), firstAttemptAt: row.optionalInt64(7).map(Millis.date),
                         retryAt: row.optionalInt64(8).map(Millis.date), lastError: row.optionalString(9),
                         responseStatus: row.optionalInt64(10).map { Int($0) }, deliveredAt: row.optionalInt64(11).map(Millis.date))
    }

    static let subscriptionColumns = "id, url, secret, events, comms_codes, sources, description, origin, created_at, deleted_at"

    static func subscription(direct row: DirectRow) -> WebhookSubscription {
        let bits = row.int64(3)
        var events: Set<CallbackEventType> = []
        if bits & 1 != 0 { events.insert(.requestStatus) }
        if bits & 2 != 0 { events.insert(.distributionStatus) }
        return WebhookSubscription(
            id: row.string(0), url: row.string(1), secret: row.string(2), events: events,
            commsCodes: row.optionalString(4).map(decodeList), sources: row.optionalString(5).map { decodeList($0).compactMap(RequestSource.init) },
            description: row.optionalString(6), origin: WebhookSubscription.Origin(rawValue: row.string(7)) ?? .api,
            createdAt: Millis.date(row.int64(8)), deletedAt: row.optionalInt64(9).map(Millis.date))
    }

    static func eventBits(_ events: Set<CallbackEventType>) -> Int64 {
        (events.contains(.requestStatus) ? 1 : 0) | (events.contains(.distributionStatus) ? 2 : 0)
    }

    static func encodeList(_ list: [String]?) -> String? {
        guard let list else { return nil }
        return String(decoding: try! JSONSerialization.data(withJSONObject: list), as: UTF8.self)
    }

    static func decodeList(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]) ?? []
    }
}

extension SQLiteStore {
    /// The claimed deliveries' subscriptions, changes, requests and distributions, as work items
    /// in claim order.
    static func callbacks(_ rows: [CallbackDelivery], in db: Database) throws -> [WorkItem] {
        var subscriptions: [String: WebhookSubscription] = [:]
        let subscription = try db.cachedStatement(sql: "SELECT \(CallbackRecords.subscriptionColumns) FROM webhook_subscriptions WHERE id = ?")
        for id in Set(rows.map(\.subscriptionId)) {
            try subscription.stepDirect(db, { $0.add(id) }) { subscriptions[id] = CallbackRecords.subscription(direct: $0) }
        }
        let requests = try Self.requests(ids: Array(Set(rows.map(\.requestId))), in: db)
        var distributions: [String: Distribution] = [:]
        let distribution = try db.cachedStatement(sql: "SELECT \(DistributionRecord.columns) FROM distributions WHERE request_id = ?")
        for id in Set(rows.map(\.requestId)) {
            try distribution.stepDirect(db, { $0.add(id) }) { distributions[id] = DistributionRecord(direct: $0).model }
        }
        let history = try db.cachedStatement(sql: "SELECT entity, from_status, to_status, at, actor, reason FROM status_history WHERE id = ?")
        var items: [WorkItem] = []
        items.reserveCapacity(rows.count)
        for row in rows {
            guard let request = requests[row.requestId] else { continue }
            var change: HistoryEntry?
            try history.stepDirect(db, { $0.add(row.sequence) }) { h in
                change = HistoryEntry(entity: HistoryEntry.Entity(rawValue: h.string(0)) ?? .request, from: h.optionalString(1),
                                      to: h.string(2), at: Millis.date(h.int64(3)), actor: h.string(4), reason: h.optionalString(5))
            }
            guard let change, let type = CallbackEventType(entity: change.entity) else { continue }
            let event = CallbackEvent(type: type, sequence: row.sequence, change: change, request: request,
                                      distribution: distributions[row.requestId])
            items.append(WorkItem(request: request, callback: PendingCallback(delivery: row, subscription: subscriptions[row.subscriptionId],
                                                                              event: event)))
        }
        return items
    }
}

extension Database {
    /// The outbox trigger: for each new `status_history` row of a request or a distribution,
    /// one waiting `webhook_deliveries` row per live subscription whose events, comms codes and
    /// sources match (the rule ``WebhookSubscription/matches(entity:commsCode:source:)`` states).
    static let outboxTriggerSQL = """
        CREATE TRIGGER IF NOT EXISTS webhook_outbox AFTER INSERT ON status_history
        WHEN NEW.entity IN ('request', 'distribution')
        BEGIN
            INSERT INTO webhook_deliveries (subscription_id, request_id, history_id, status, priority, created_at)
            SELECT s.id, NEW.request_id, NEW.id, '\(CallbackDeliveryStatus.waiting.code)', r.priority, NEW.at
            FROM webhook_subscriptions s INDEXED BY webhook_subscriptions_live JOIN comms_requests r ON r.id = NEW.request_id
            WHERE s.deleted_at IS NULL
                AND (s.events & (CASE NEW.entity WHEN 'request' THEN 1 ELSE 2 END)) <> 0
                AND (s.comms_codes IS NULL OR EXISTS (SELECT 1 FROM json_each(s.comms_codes) WHERE json_each.value = r.comms_code))
                AND (s.sources IS NULL OR EXISTS (SELECT 1 FROM json_each(s.sources) WHERE json_each.value = r.source))
            ORDER BY s.created_at, s.id;
        END
        """

    /// Creates the outbox trigger while a subscription is live and drops it when none is, in
    /// the transaction that changed the subscriptions: a status change costs nothing extra
    /// unless someone listens. (Other connections see the schema change at their next
    /// statement: SQLite prepares it again.)
    func syncOutboxTrigger() throws {
        let live = try Bool.fetchOne(self, sql: "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions INDEXED BY webhook_subscriptions_live WHERE deleted_at IS NULL)") == true
        if live {
            try execute(sql: Self.outboxTriggerSQL)
        } else {
            try execute(sql: "DROP TRIGGER IF EXISTS webhook_outbox")
        }
    }

    /// Applies a callback delivery's move guarded by its status and claim token.
    func apply(_ t: CallbackTransition, claimToken: String?) throws -> Bool {
        let update = try cachedStatement(sql: """
            UPDATE webhook_deliveries SET status = ?, attempts = ?, first_attempt_at = ?, retry_at = ?, last_error = ?, response_status = ?,
                delivered_at = CASE WHEN ? = '\(CallbackDeliveryStatus.delivered.code)' THEN ? ELSE delivered_at END,
                claim_token = NULL, lease_until = NULL
            WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
            """)
        try update.runDirect(self) { b in
            b.add(t.to.code); b.add(t.attempts); b.add(Millis.from(t.firstAttemptAt)); b.add(Millis.from(t.retryAt)); b.add(t.lastError)
            b.add(t.responseStatus)
            b.add(t.to.code); b.add(Millis.from(t.at))
            b.add(t.deliveryId); b.add(t.from.code); b.add(claimToken); b.add(claimToken)
        }
        return changesCount == 1
    }
}

extension SQLiteStore {
    public func syncConfiguredSubscriptions(_ subscriptions: [WebhookSubscription], at: Date) async throws {
        try await writer.write { db in
            let names = Set(subscriptions.map(\.id))
            let live = try String.fetchAll(db, sql: "SELECT id FROM webhook_subscriptions WHERE origin = 'config' AND deleted_at IS NULL")
            for id in live where !names.contains(id) {
                try db.execute(sql: "UPDATE webhook_subscriptions SET deleted_at = ? WHERE id = ?", arguments: [Millis.from(at), id])
            }
            for s in subscriptions {
                try db.execute(sql: """
                    INSERT INTO webhook_subscriptions (id, url, secret, events, comms_codes, sources, description, origin, created_at, deleted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'config', ?, NULL)
                    ON CONFLICT (id) DO UPDATE SET url = excluded.url, secret = excluded.secret, events = excluded.events,
                        comms_codes = excluded.comms_codes, sources = excluded.sources, description = excluded.description,
                        origin = 'config', deleted_at = NULL
                    """, arguments: Self.arguments(s))
            }
            try db.syncOutboxTrigger()
        }
    }

    static func arguments(_ s: WebhookSubscription) -> StatementArguments {
        [s.id, s.url, s.secret, CallbackRecords.eventBits(s.events), CallbackRecords.encodeList(s.commsCodes),
         CallbackRecords.encodeList(s.sources?.map(\.rawValue)), s.description, Millis.from(s.createdAt)]
    }

    public func addWebhookSubscription(_ s: WebhookSubscription) async throws {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ?)", arguments: [s.id]) != true else {
                throw HeraldError.conflict("webhook subscription \(s.id) exists", field: "id")
            }
            try db.execute(sql: """
                INSERT INTO webhook_subscriptions (id, url, secret, events, comms_codes, sources, description, origin, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, '\(s.origin.rawValue)', ?)
                """, arguments: Self.arguments(s))
            try db.syncOutboxTrigger()
        }
    }

    public func webhookSubscriptions() async throws -> [WebhookSubscription] {
        try await writer.read { db in
            var out: [WebhookSubscription] = []
            let statement = try db.cachedStatement(sql: """
                SELECT \(CallbackRecords.subscriptionColumns) FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id
                """)
            try statement.stepDirect(db, { _ in }) { out.append(CallbackRecords.subscription(direct: $0)) }
            return out
        }
    }

    public func webhookSubscription(id: String) async throws -> WebhookSubscription? {
        try await writer.read { db in
            var out: WebhookSubscription?
            let statement = try db.cachedStatement(sql: "SELECT \(CallbackRecords.subscriptionColumns) FROM webhook_subscriptions WHERE id = ?")
            try statement.stepDirect(db, { $0.add(id) }) { out = CallbackRecords.subscription(direct: $0) }
            return out
        }
    }

    public func deleteWebhookSubscription(id: String, at: Date) async throws {
        try await writer.write { db in
            let origin = try String.fetchOne(db, sql: "SELECT origin FROM webhook_subscriptions WHERE id = ? AND deleted_at IS NULL", arguments: [id])
            guard let origin else { throw HeraldError.notFound("no webhook subscription \(id)", field: "id") }
            guard origin == WebhookSubscription.Origin.api.rawValue else {
                throw HeraldError.conflict("webhook subscription \(id) is defined in the config file (webhooks.subscriptions); remove it there",
                                           field: "id")
            }
            try db.execute(sql: "UPDATE webhook_subscriptions SET deleted_at = ? WHERE id = ?", arguments: [Millis.from(at), id])
            try db.syncOutboxTrigger()
        }
    }

    public func callbackDeliveries(status: CallbackDeliveryStatus?, subscriptionId: String?, limit: Int, cursor: String?) async throws
        -> CallbackDeliveryPage {
        var start: Int64 = 0
        if let cursor {
            guard let n = Int64(cursor), n >= 0 else { throw HeraldError.invalid("cursor", "is not a cursor this list gave") }
            start = n
        }
        let after = start
        return try await writer.read { db in
            var conditions = ["id > ?"]
            var arguments: StatementArguments = [after]
            if let status {
                conditions.append("status = ?")
                _ = arguments.append(contentsOf: [status.code])
            }
            if let subscriptionId {
                conditions.append("subscription_id = ?")
                _ = arguments.append(contentsOf: [subscriptionId])
            }
            _ = arguments.append(contentsOf: [limit + 1])
            let index = status == nil ? "" : " INDEXED BY webhook_deliveries_status"
            let sql = "SELECT \(CallbackRecords.deliveryColumns) FROM webhook_deliveries\(index) WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?"
            var items: [CallbackDelivery] = []
            let statement = try db.cachedStatement(sql: sql)
            try statement.setArguments(arguments)
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                items.append(CallbackDelivery(
                    id: row[0], subscriptionId: row[1], requestId: row[2], sequence: row[3],
                    status: CallbackDeliveryStatus(code: row[4]) ?? .waiting, attempts: row[5], createdAt: Millis.date(row[6]),
                    firstAttemptAt: (row[7] as Int64?).map(Millis.date), retryAt: (row[8] as Int64?).map(Millis.date), lastError: row[9],
                    responseStatus: row[10], deliveredAt: (row[11] as Int64?).map(Millis.date)))
            }
            var next: String?
            if items.count > limit {
                items.removeLast()
                next = items.last.map { String($0.id) }
            }
            return CallbackDeliveryPage(items: items, nextCursor: next)
        }
    }

    public func redeliver(deliveryId: Int64, actor: String, at: Date) async throws -> CallbackDelivery {
        try await writer.write { db in
            var found: CallbackDelivery?
            let select = try db.cachedStatement(sql: "SELECT \(CallbackRecords.deliveryColumns) FROM webhook_deliveries WHERE id = ?")
            try select.stepDirect(db, { $0.add(deliveryId) }) { found = CallbackRecords.delivery(direct: $0) }
            guard var delivery = found else { throw HeraldError.notFound("no webhook delivery \(deliveryId)", field: "id") }
            let live = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ? AND deleted_at IS NULL)",
                                         arguments: [delivery.subscriptionId]) == true
            guard live else {
                throw HeraldError.conflict("webhook delivery \(deliveryId) belongs to subscription \(delivery.subscriptionId), which was deleted",
                                           field: "id")
            }
            guard delivery.status != .waiting else {
                throw HeraldError.illegalTransition("webhook delivery \(deliveryId) is waiting already (attempt \(delivery.attempts + 1) is due)")
            }
            var t = try CallbackTransition(delivery, to: .waiting, at: at)
            t.attempts = 0
            t.firstAttemptAt = nil
            t.retryAt = nil
            t.lastError = "redelivered by \(actor); before: \(delivery.lastError ?? delivery.status.rawValue)"
            guard try db.apply(t, claimToken: nil) else {
                throw HeraldError.conflict("webhook delivery \(deliveryId) changed meanwhile; try again", field: "id")
            }
            delivery.status = .waiting
            delivery.attempts = 0
            delivery.firstAttemptAt = nil
            delivery.retryAt = nil
            delivery.lastError = t.lastError
            return delivery
        }
    }

    public func purgeFinishedCallbacks(deliveredBefore: Date, failedBefore: Date) async throws -> Int {
        // Dead letters are aged by their change's time (`created_at`).
        try await purgeInChunks("""
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries INDEXED BY webhook_deliveries_status
                WHERE (status = '\(CallbackDeliveryStatus.delivered.code)' AND delivered_at < ?)
                   OR (status = '\(CallbackDeliveryStatus.failed.code)' AND created_at < ?)
                LIMIT ?)
            """, [Millis.from(deliveredBefore) as Int64, Millis.from(failedBefore) as Int64])
    }
}
