import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// Published online comms (`P`, or `V` once a portal confirmed them) of one customer, read
    /// through `requests_customer` (customer, id) and the one distribution of each request.
    static let inboxFrom = """
        FROM comms_requests r JOIN distributions d ON d.request_id = r.id
        WHERE r.customer_id = ?1 AND d.target = 'inbox:' || ?1 AND d.method = 'online' AND d.status IN ('\(DistributionStatus.published.code)', '\(DistributionStatus.delivered.code)')
        """
    static let inboxColumns = "SELECT r.id, r.comms_code, r.priority, d.message, d.sent_at, d.read_at"

    static func inboxItem(_ row: Row) -> InboxItem {
        InboxItem(requestId: row[0], commsCode: row[1], message: row[3] ?? "", priority: row[2],
                  publishedAt: (row[4] as Int64?).map(Millis.date), readAt: (row[5] as Int64?).map(Millis.date))
    }

    public func inbox(customerId: String, limit: Int, cursor: String?) async throws -> InboxPage {
        let limit = max(1, min(limit, 500))
        return try await writer.read { db in
            var arguments: StatementArguments = [customerId]
            var sql = "\(Self.inboxColumns) \(Self.inboxFrom)"
            if let cursor {
                sql += " AND r.id < ?"
                arguments += [cursor]
            }
            sql += " ORDER BY r.id DESC LIMIT ?"
            arguments += [limit + 1]
            var items = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.inboxItem)
            var next: String?
            if items.count > limit {
                items.removeLast()
                next = items.last?.requestId
            }
            let unread = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(Self.inboxFrom) AND d.read_at IS NULL", arguments: [customerId]) ?? 0
            return InboxPage(items: items, nextCursor: next, unread: unread)
        }
    }

    public func inboxItem(customerId: String, requestId: String) async throws -> InboxItem? {
        try await writer.read { db in try Self.inboxItem(customerId: customerId, requestId: requestId, in: db) }
    }

    static func inboxItem(customerId: String, requestId: String, in db: Database) throws -> InboxItem? {
        try Row.fetchOne(db, sql: "\(inboxColumns) \(inboxFrom) AND r.id = ?", arguments: [customerId, requestId]).map(inboxItem)
    }

    public func markRead(customerId: String, requestId: String, actor: String, at: Date) async throws -> InboxItem {
        try await writer.write { db in
            guard let item = try Self.inboxItem(customerId: customerId, requestId: requestId, in: db) else {
                throw HeraldError.notFound("no comm \(requestId) in the inbox of customer \(customerId)", field: "requestId")
            }
            guard item.readAt == nil else { return item }
            try db.execute(sql: "UPDATE distributions SET read_at = ?, updated_at = ? WHERE request_id = ? AND read_at IS NULL",
                           arguments: [Millis.from(at), Millis.from(at), requestId])
            let status = try String.fetchOne(db, sql: "SELECT status FROM distributions WHERE request_id = ?", arguments: [requestId])
                .flatMap(DistributionStatus.init(code:)) ?? .published
            // A read is no status move: the history records it as such, from and to the same status.
            var history = HistoryBuffer()
            history.append(requestId: requestId, entity: .distribution, from: status.rawValue, to: status.rawValue, at: at,
                           actor: actor, reason: "read in the customer's inbox")
            try history.flush(db)
            var read = item
            let ms: Int64 = Millis.from(at)
            read.readAt = Millis.date(ms) as Date
            return read
        }
    }
}
