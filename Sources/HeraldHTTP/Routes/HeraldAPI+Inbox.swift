import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `GET /v1/customers/{id}/inbox?limit=&cursor=`: the customer's published online comms,
    /// newest first, with the unread count of the whole inbox. Role `inbox` (a customer portal).
    func getInbox(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let parameters = call.request.uri.queryParameters
        if let unknown = parameters.map(\.key).first(where: { $0 != "limit" && $0 != "cursor" }) {
            throw Problem.badRequest("unknown query parameter '\(unknown)'", field: String(unknown))
        }
        var limit = 50
        if let raw = parameters["limit"] {
            guard let n = Int(raw), (1...Self.maxLimit).contains(n) else {
                throw Problem.badRequest("limit must be an integer from 1 to \(Self.maxLimit)", field: "limit")
            }
            limit = n
        }
        let cursor = parameters["cursor"].map(String.init)
        if let cursor, cursor.isEmpty { throw Problem.badRequest("cursor must not be empty", field: "cursor") }
        guard try await store.customer(id: id) != nil else { throw HeraldError.notFound("no customer \(id)", field: "id") }
        let page = try await store.inbox(customerId: id, limit: limit, cursor: cursor)
        return try JSONResponse.make(InboxPageRepresentation(page: page))
    }

    /// `GET /v1/customers/{id}/inbox/{requestId}`: one item; 404 when it is not a published
    /// online comm of this customer.
    func getInboxItem(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let requestId = try call.parameter("requestId")
        guard let item = try await store.inboxItem(customerId: id, requestId: requestId) else {
            throw HeraldError.notFound("no comm \(requestId) in the inbox of customer \(id)", field: "requestId")
        }
        return try JSONResponse.make(InboxItemRepresentation(item: item))
    }

    /// `POST /v1/customers/{id}/inbox/{requestId}/read`: records the first read as the
    /// distribution's `readAt`; reading again answers the same item, unchanged.
    func markInboxItemRead(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let requestId = try call.parameter("requestId")
        let item = try await store.markRead(customerId: id, requestId: requestId, actor: call.actor, at: now)
        return try JSONResponse.make(InboxItemRepresentation(item: item))
    }
}

/// An inbox item: `{"requestId", "commsCode", "message", "priority", "publishedAt", "readAt", "read"}`.
struct InboxItemRepresentation: Encodable {
    var item: InboxItem

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(item.requestId, forKey: "requestId")
        try c.encode(item.commsCode, forKey: "commsCode")
        try c.encode(item.message, forKey: "message")
        try c.encode(item.priority, forKey: "priority")
        try c.encode(Timestamp.string(item.publishedAt), forKey: "publishedAt")
        try c.encode(Timestamp.string(item.readAt), forKey: "readAt")
        try c.encode(item.readAt != nil, forKey: "read")
    }
}

/// `{"items": [...], "nextCursor": "…" | null, "unread": N}`.
struct InboxPageRepresentation: Encodable {
    var page: InboxPage

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(page.items.map { InboxItemRepresentation(item: $0) }, forKey: "items")
        try c.encode(page.nextCursor, forKey: "nextCursor")
        try c.encode(page.unread, forKey: "unread")
    }
}
