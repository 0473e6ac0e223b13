import Foundation
import HeraldCore
import Hummingbird
import Logging

extension HeraldAPI {
    /// `POST /v1/webhook-subscriptions` (role admin): `{"url", "secret"?, "events"?,
    /// "commsCodes"?, "sources"?, "description"?}` → `201` with the subscription and its
    /// secret (made when not given; shown only in this answer).
    func createWebhookSubscription(_ call: Call) async throws -> Response {
        let data = try await bodies.collect(call.request)
        guard let parsed = try? JSONSerialization.jsonObject(with: data) else { throw Problem.badRequest("the body is not valid JSON") }
        guard let object = parsed as? [String: Any] else { throw Problem.badRequest("the body must be a JSON object") }
        var subscription = try WebhookSubscription.parse(object, id: "wsub_" + Identifier.make(now: now), origin: .api, createdAt: now,
                                                         secretRequired: false)
        if subscription.secret.isEmpty { subscription.secret = WebhookSubscription.makeSecret() }
        try await store.addWebhookSubscription(subscription)
        deps.logger.info("webhook subscription created", metadata: [
            "herald.subscription": "\(subscription.id)", "herald.actor": "\(call.actor)", "url": "\(subscription.url)",
        ])
        return try JSONResponse.make(WebhookSubscriptionRepresentation(subscription: subscription, showSecret: true), status: .created)
    }

    /// `GET /v1/webhook-subscriptions` (role admin): `{"items": [...]}`, secrets left out.
    func listWebhookSubscriptions(_ call: Call) async throws -> Response {
        let items = try await store.webhookSubscriptions().map { WebhookSubscriptionRepresentation(subscription: $0, showSecret: false) }
        return try JSONResponse.make(ItemsRepresentation(items: items))
    }

    /// `GET /v1/webhook-subscriptions/{id}` (role admin), deleted ones too (with `deletedAt`).
    func getWebhookSubscription(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let subscription = try await store.webhookSubscription(id: id) else {
            throw HeraldError.notFound("no webhook subscription \(id)", field: "id")
        }
        return try JSONResponse.make(WebhookSubscriptionRepresentation(subscription: subscription, showSecret: false))
    }

    /// `DELETE /v1/webhook-subscriptions/{id}` (role admin): `204`; `409` for the config file's.
    func deleteWebhookSubscription(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        try await store.deleteWebhookSubscription(id: id, at: now)
        deps.logger.info("webhook subscription deleted", metadata: ["herald.subscription": "\(id)", "herald.actor": "\(call.actor)"])
        return Response(status: .noContent)
    }

    /// `GET /v1/webhook-deliveries?status=waiting|delivered|failed&subscriptionId=&limit=&cursor=`
    /// (role admin): deliveries by id, `{"items": [...], "nextCursor"}`.
    func listWebhookDeliveries(_ call: Call) async throws -> Response {
        let parameters = call.request.uri.queryParameters
        let known: Set<String> = ["status", "subscriptionId", "limit", "cursor"]
        if let unknown = parameters.map(\.key).first(where: { !known.contains(String($0)) }) {
            throw Problem.badRequest("unknown query parameter '\(unknown)'", field: String(unknown))
        }
        var status: CallbackDeliveryStatus?
        if let raw = parameters["status"] {
            guard let s = CallbackDeliveryStatus(rawValue: String(raw)) else {
                throw Problem.badRequest("status must be waiting, delivered or failed", field: "status")
            }
            status = s
        }
        var limit = 100
        if let raw = parameters["limit"] {
            guard let n = Int(raw), (1...Self.maxLimit).contains(n) else {
                throw Problem.badRequest("limit must be an integer from 1 to \(Self.maxLimit)", field: "limit")
            }
            limit = n
        }
        let page = try await store.callbackDeliveries(status: status, subscriptionId: parameters["subscriptionId"].map(String.init),
                                                      limit: limit, cursor: parameters["cursor"].map(String.init))
        return try JSONResponse.make(WebhookDeliveryPageRepresentation(page: page))
    }

    /// `POST /v1/webhook-deliveries/{id}/redeliver` (role admin): a failed or delivered
    /// callback waits again (attempts and its retry window restarted); `409` when it waits already.
    func redeliverWebhook(_ call: Call) async throws -> Response {
        let raw = try call.parameter("id")
        guard let id = Int64(raw) else { throw HeraldError.notFound("no webhook delivery \(raw)", field: "id") }
        let delivery = try await store.redeliver(deliveryId: id, actor: call.actor, at: now)
        deps.intake.signals.ring(.callback)
        deps.logger.info("webhook redelivery asked", metadata: ["herald.delivery": "\(id)", "herald.actor": "\(call.actor)"])
        return try JSONResponse.make(WebhookDeliveryRepresentation(delivery: delivery))
    }
}

/// A subscription: `{"id", "url", "events", "commsCodes", "sources", "description", "origin",
/// "createdAt", "deletedAt"?, "secret"? (only when created)}`.
struct WebhookSubscriptionRepresentation: Encodable {
    var subscription: WebhookSubscription
    var showSecret: Bool

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        let s = subscription
        try c.encode(s.id, forKey: "id")
        try c.encode(s.url, forKey: "url")
        try c.encode(CallbackEventType.allCases.filter { s.events.contains($0) }.map(\.rawValue), forKey: "events")
        try c.encode(s.commsCodes, forKey: "commsCodes")
        try c.encode(s.sources?.map(\.rawValue), forKey: "sources")
        try c.encode(s.description, forKey: "description")
        try c.encode(s.origin.rawValue, forKey: "origin")
        try c.encode(Timestamp.string(s.createdAt), forKey: "createdAt")
        if let deleted = s.deletedAt { try c.encode(Timestamp.string(deleted), forKey: "deletedAt") }
        if showSecret { try c.encode(s.secret, forKey: "secret") }
    }
}

/// A delivery: `{"id", "subscriptionId", "requestId", "sequence", "status", "statusCode",
/// "attempts", "createdAt", "firstAttemptAt", "retryAt", "deliveredAt", "responseStatus", "lastError"}`.
struct WebhookDeliveryRepresentation: Encodable {
    var delivery: CallbackDelivery

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        let d = delivery
        try c.encode(String(d.id), forKey: "id")
        try c.encode(d.subscriptionId, forKey: "subscriptionId")
        try c.encode(d.requestId, forKey: "requestId")
        try c.encode(d.sequence, forKey: "sequence")
        try c.encode(d.status.rawValue, forKey: "status")
        try c.encode(d.status.code, forKey: "statusCode")
        try c.encode(d.attempts, forKey: "attempts")
        try c.encode(Timestamp.string(d.createdAt), forKey: "createdAt")
        try c.encode(Timestamp.string(d.firstAttemptAt), forKey: "firstAttemptAt")
        try c.encode(Timestamp.string(d.retryAt), forKey: "retryAt")
        try c.encode(Timestamp.string(d.deliveredAt), forKey: "deliveredAt")
        try c.encode(d.responseStatus, forKey: "responseStatus")
        try c.encode(d.lastError, forKey: "lastError")
    }
}

/// `{"items": [...], "nextCursor": "…" | null}`.
struct WebhookDeliveryPageRepresentation: Encodable {
    var page: CallbackDeliveryPage

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(page.items.map { WebhookDeliveryRepresentation(delivery: $0) }, forKey: "items")
        try c.encode(page.nextCursor, forKey: "nextCursor")
    }
}
