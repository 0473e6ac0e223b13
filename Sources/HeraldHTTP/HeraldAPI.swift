import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird

/// Builds Herald's HTTP API: every endpoint of the OpenAPI document
/// (`GET /openapi.json`), bearer-key authentication per route, and problem documents for
/// every error. Wrap the router in `Application(router:configuration:)`.
public func buildRouter(_ deps: APIDependencies) -> Router<HeraldRequestContext> {
    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: ProblemMiddleware(logger: deps.logger))
    let api = HeraldAPI(deps)
    for endpoint in api.endpoints {
        router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
            try await api.respond(endpoint, request: request, context: context)
        }
    }
    return router
}

/// The route table and the handlers behind it; extensions hold the handlers by resource.
struct HeraldAPI: Sendable {
    /// One operation: method, OpenAPI path template, the roles allowed (nil: no authentication).
    struct Endpoint: Sendable {
        var method: HTTPRequest.Method
        /// OpenAPI form: `/v1/comms-requests/{id}`.
        var path: String
        var roles: Set<APIRole>?
        var handler: @Sendable (HeraldAPI, Call) async throws -> Response

        /// Hummingbird form: `/v1/comms-requests/:id`.
        var routerPath: String {
            path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
            }.joined(separator: "/")
        }
    }

    /// One request as a handler sees it.
    struct Call: Sendable {
        var request: Request
        var context: HeraldRequestContext
        var principal: APIPrincipal?

        /// The audit actor: `api:<key name>`.
        var actor: String { principal?.actor ?? "api:anonymous" }

        /// A path parameter.
        func parameter(_ name: String) throws -> String {
            guard let value = context.parameters.get(name), !value.isEmpty else {
                throw Problem.badRequest("missing path parameter \(name)", field: name)
            }
            return value
        }

        /// A request header.
        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
    }

    let deps: APIDependencies
    let bodies: BodyReader
    /// The last good store ping, for a second (`/healthz` under load does no I/O per call).
    let health = RefreshCache<Bool>(interval: .seconds(1))

    init(_ deps: APIDependencies) {
        self.deps = deps
        self.bodies = BodyReader(maxBytes: deps.maxBodyBytes)
    }

    var store: any CommsStore { deps.store }
    var now: Date { deps.intake.clock() }

    /// Authenticates (when the endpoint needs it) and runs the handler.
    func respond(_ endpoint: Endpoint, request: Request, context: HeraldRequestContext) async throws -> Response {
        var principal: APIPrincipal?
        if let roles = endpoint.roles {
            principal = try deps.keyring.authorize(authorization: request.headers[.authorization], roles: roles)
        }
        return try await endpoint.handler(self, Call(request: request, context: context, principal: principal))
    }

    /// Every operation the router serves.
    var endpoints: [Endpoint] {
        let trigger: Set<APIRole> = [.trigger]
        let agent: Set<APIRole> = [.agent]
        return [
            Endpoint(method: .post, path: "/v1/comms-requests", roles: trigger) { try await $0.createRequest($1) },
            Endpoint(method: .get, path: "/v1/comms-requests", roles: agent) { try await $0.listRequests($1) },
            Endpoint(method: .get, path: "/v1/comms-requests/{id}", roles: [.agent, .trigger]) { try await $0.getRequest($1) },
            Endpoint(method: .post, path: "/v1/comms-requests/{id}/cancel", roles: agent) { try await $0.cancelRequest($1) },
            Endpoint(method: .get, path: "/v1/comms-requests/{id}/document", roles: agent) { try await $0.getDocument($1) },
            Endpoint(method: .post, path: "/v1/workflow-events", roles: trigger) { try await $0.raiseEvent($1) },
            Endpoint(method: .post, path: "/v1/workflow-events/{id}/resolve", roles: trigger) { try await $0.resolveEvent($1) },
            Endpoint(method: .post, path: "/v1/workflow-events/{id}/cancel", roles: trigger) { try await $0.cancelEvent($1) },
            Endpoint(method: .post, path: "/v1/external-triggers", roles: trigger) { try await $0.externalTrigger($1) },
            Endpoint(method: .put, path: "/v1/customers/{id}", roles: trigger) { try await $0.putCustomer($1) },
            Endpoint(method: .get, path: "/v1/customers/{id}", roles: agent) { try await $0.getCustomer($1) },
            Endpoint(method: .post, path: "/v1/status-updates", roles: [.statusUpdate]) { try await $0.statusUpdates($1) },
            Endpoint(method: .get, path: "/v1/customers/{id}/inbox", roles: [.inbox]) { try await $0.getInbox($1) },
            Endpoint(method: .get, path: "/v1/customers/{id}/inbox/{requestId}", roles: [.inbox]) { try await $0.getInboxItem($1) },
            Endpoint(method: .post, path: "/v1/customers/{id}/inbox/{requestId}/read", roles: [.inbox]) { try await $0.markInboxItemRead($1) },
            Endpoint(method: .put, path: "/v1/accounts/{id}", roles: trigger) { try await $0.putAccount($1) },
            Endpoint(method: .get, path: "/v1/accounts/{id}", roles: agent) { try await $0.getAccount($1) },
            Endpoint(method: .put, path: "/v1/subscriptions/{id}", roles: trigger) { try await $0.putSubscription($1) },
            Endpoint(method: .get, path: "/v1/subscriptions/{id}", roles: agent) { try await $0.getSubscription($1) },
            Endpoint(method: .get, path: "/v1/comms-codes", roles: [.agent, .trigger]) { try await $0.listCommsCodes($1) },
            Endpoint(method: .post, path: "/v1/inbound/email-dsn", roles: [.statusUpdate]) { try await $0.emailDSN($1) },
            Endpoint(method: .post, path: "/v1/inbound/sms-status/{route}", roles: [.statusUpdate]) { try await $0.smsStatus($1) },
            Endpoint(method: .post, path: "/v1/webhook-subscriptions", roles: [.admin]) { try await $0.createWebhookSubscription($1) },
            Endpoint(method: .get, path: "/v1/webhook-subscriptions", roles: [.admin]) { try await $0.listWebhookSubscriptions($1) },
            Endpoint(method: .get, path: "/v1/webhook-subscriptions/{id}", roles: [.admin]) { try await $0.getWebhookSubscription($1) },
            Endpoint(method: .delete, path: "/v1/webhook-subscriptions/{id}", roles: [.admin]) { try await $0.deleteWebhookSubscription($1) },
            Endpoint(method: .get, path: "/v1/webhook-deliveries", roles: [.admin]) { try await $0.listWebhookDeliveries($1) },
            Endpoint(method: .post, path: "/v1/webhook-deliveries/{id}/redeliver", roles: [.admin]) { try await $0.redeliverWebhook($1) },
            Endpoint(method: .get, path: "/healthz", roles: nil) { try await $0.health($1) },
            Endpoint(method: .get, path: "/metrics", roles: nil) { try await $0.metrics($1) },
            Endpoint(method: .get, path: "/openapi.json", roles: nil) { try await $0.openAPI($1) },
        ]
    }
}
