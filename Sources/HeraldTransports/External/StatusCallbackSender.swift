import Foundation
import HeraldCore
import Logging
import NIOCore
import StandardWebhooks
import Synchronization
import WebhookClient

/// Sends status callbacks (the HTTP side of the `callback` stage): each delivery is `POST`ed
/// to its subscription's URL as JSON (``StatusCallbackSender/payload(_:timestamp:)``, described
/// in docs/status-callbacks.md), signed per Standard Webhooks with the subscription's secret.
/// `webhook-id` is `msg_<sequence>` — the change's `status_history` id, the same on every
/// retry and redelivery — so receivers drop duplicates; `webhook-timestamp` is the attempt's.
///
/// A 2xx answer is delivered; anything else (another status, a timeout, a refused or dropped
/// connection, an address the SSRF guard refuses) is a failed attempt the stage retries, with
/// the receiver's `Retry-After` (seconds) when it gave one. Redirects are never followed.
/// At most ``concurrency`` callbacks are in flight per subscription, over every batch.
public final class StatusCallbackSender: CallbackSender {
    /// Requests in flight per subscription at once.
    public let concurrency: Int
    /// How long one request may take, connecting included.
    public let timeout: Duration
    let client: WebhookClient
    let logger: Logger
    /// Per subscription: its signer, endpoint and limit, made on first use and remade when the
    /// subscription's URL or secret changed.
    private let routes = Mutex<[String: Route]>([:])

    struct Route {
        var url: String
        var secret: String
        var signer: Result<WebhookSigner, HeraldError>
        var endpoint: Result<WebhookClient.Endpoint, WebhookClientError>
        var limit: SharedLimit
    }

    /// The largest response body read.
    static let maxResponseBytes = 16 * 1024

    /// A sender whose connections go only to addresses the SSRF guard allows (loopback,
    /// link-local and private ones only with `allowPrivateTargets`).
    public init(concurrency: Int = 16, timeout: Duration = .seconds(10), allowPrivateTargets: Bool,
                logger: Logger = Logger(label: "herald.callbacks")) {
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        let targetGuard = TargetAddressGuard(allowPrivateTargets: allowPrivateTargets)
        self.client = WebhookClient(configuration: .init(maxResponseBodyBytes: Self.maxResponseBytes) { host, port in
            try await targetGuard.addresses(of: host).map { try SocketAddress(ipAddress: $0.description, port: port) }
        })
        self.logger = logger
    }

    deinit {
        client.closeIdleConnections()
    }

    public func deliver(_ items: [PendingCallback]) async -> [CallbackOutcome] {
        let at = Date()
        var outcomes = [CallbackOutcome?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, CallbackOutcome).self) { group in
            for (index, item) in items.enumerated() {
                guard let subscription = item.subscription else {
                    outcomes[index] = .failed(status: nil, reason: "subscription \(item.delivery.subscriptionId) does not exist", retryAfter: nil)
                    continue
                }
                let route = self.route(for: subscription)
                group.addTask { (index, await self.send(item, subscription: subscription, route: route, at: at)) }
            }
            for await (index, outcome) in group { outcomes[index] = outcome }
        }
        return outcomes.map { $0 ?? .failed(status: nil, reason: "not attempted", retryAfter: nil) }
    }

    func route(for s: WebhookSubscription) -> Route {
        routes.withLock { routes in
            if let route = routes[s.id], route.url == s.url, route.secret == s.secret { return route }
            let signer = Result { () throws(HeraldError) -> WebhookSigner in
                do {
                    return WebhookSigner(secret: try WebhookSecret(s.secret))
                } catch {
                    throw HeraldError.invalid("secret", "subscription \(s.id) has an unusable secret: \(error)")
                }
            }
            let endpoint = Result { () throws(WebhookClientError) in try client.endpoint(s.url) }
            let route = Route(url: s.url, secret: s.secret, signer: signer, endpoint: endpoint,
                              limit: routes[s.id]?.limit ?? SharedLimit(concurrency))
            routes[s.id] = route
            return route
        }
    }

    func send(_ item: PendingCallback, subscription: WebhookSubscription, route: Route, at: Date) async -> CallbackOutcome {
        let signer: WebhookSigner, endpoint: WebhookClient.Endpoint
        switch (route.signer, route.endpoint) {
        case (.success(let s), .success(let e)):
            signer = s
            endpoint = e
        case (.failure(let error), _):
            return .failed(status: nil, reason: error.message, retryAfter: nil)
        case (_, .failure(let error)):
            return .failed(status: nil, reason: "URL \(subscription.url): \(error)", retryAfter: nil)
        }
        await route.limit.acquire()
        defer { route.limit.release() }
        let body = Self.payload(item.event, timestamp: at)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "Herald-Callbacks/1"),
        ]
        headers += signer.headers(id: "msg_\(item.event.sequence)", date: at, body: body)
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        do throws(WebhookClientError) {
            let answer = try await client.execute(endpoint, headers: headers, body: body, timeout: amount)
            if (200..<300).contains(answer.status) { return .delivered(status: answer.status) }
            let retryAfter = answer.headers.first { $0.name.lowercased() == "retry-after" }
                .flatMap { Int($0.value.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
            return .failed(status: answer.status, reason: "HTTP \(answer.status): \(HTTPGatewayTransmitter.excerpt(Data(answer.body)))",
                           retryAfter: retryAfter)
        } catch {
            return .failed(status: nil, reason: "\(error)", retryAfter: nil)
        }
    }

    /// The webhook body (docs/status-callbacks.md), compact JSON:
    /// `{"type", "timestamp", "data": {"sequence", "requestId", "commsCode", "source",
    /// "customerId"|"accountId"|"subscriptionId", "copyOf"?, "externalTriggerId"?, "entity",
    /// "from"?, "to", "at", "actor", "reason"?, "distributionId"?, "method"?, "target"?,
    /// "reference"?, "actualSentAt"?, "readAt"?}}` — absent values left out; `timestamp` is the
    /// attempt's time, `at` the change's.
    public static func payload(_ event: CallbackEvent, timestamp: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        var first = true
        func key(_ name: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            ExternalCommPayload.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            ExternalCommPayload.appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "{"))
        field("type", event.type.rawValue)
        field("timestamp", ExternalCommPayload.timestamp(timestamp))
        key("data")
        out.append(UInt8(ascii: "{"))
        first = true
        key("sequence")
        out.append(contentsOf: String(event.sequence).utf8)
        let request = event.request, change = event.change
        field("requestId", request.id)
        field("commsCode", request.commsCode)
        field("source", request.source.rawValue)
        field(request.target.kind.field, request.target.id)
        field("copyOf", request.copyOf)
        field("externalTriggerId", request.externalTriggerId)
        field("entity", change.entity.rawValue)
        field("from", change.from)
        field("to", change.to)
        field("at", ExternalCommPayload.timestamp(change.at))
        field("actor", change.actor)
        field("reason", change.reason)
        if let d = event.distribution {
            field("distributionId", d.id)
            field("method", d.method.rawValue)
            field("target", d.target)
            field("reference", d.reference)
            field("actualSentAt", d.actualSentAt.map(ExternalCommPayload.timestamp))
            field("readAt", d.readAt.map(ExternalCommPayload.timestamp))
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "}"))
        return out
    }
}
