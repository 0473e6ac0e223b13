import HTTPTypes
import HeraldCore

/// One AgentView route: its method, its path (Hummingbird form, `:id` for a parameter) and the
/// least role that may use it (nil: anyone, signed in or not). ``AgentView/routes`` is the one
/// table; the router is built from it and the tests check every row against every role.
public struct AgentRoute: Sendable, CustomStringConvertible {
    /// GET or POST.
    public var method: HTTPRequest.Method
    /// Under `/agent`; `:id` names a path parameter.
    public var path: String
    /// Nil: public (the sign-in page, the stylesheet).
    public var minimumRole: AgentRole?
    let handler: @Sendable (AgentView, AgentCall) async throws -> AgentReply

    /// `GET /agent/search`.
    public var description: String { "\(method) \(path)" }
}

/// The table of every AgentView route and the least role each needs.
extension AgentView {
    /// Every route AgentView serves: a POST also needs its session's CSRF token (the sign-in
    /// form its own, a cookie it set).
    public static let routes: [AgentRoute] = [
        AgentRoute(method: .get, path: "/agent/static/agent.css", minimumRole: nil) { v, c in v.stylesheet(c) },
        AgentRoute(method: .get, path: "/agent/sign-in", minimumRole: nil) { v, c in try await v.signInPage(c) },
        AgentRoute(method: .post, path: "/agent/sign-in", minimumRole: nil) { v, c in try await v.signIn(c) },
        AgentRoute(method: .post, path: "/agent/sign-out", minimumRole: .agent) { v, c in try await v.signOut(c) },
        AgentRoute(method: .get, path: "/agent", minimumRole: .agent) { v, c in try v.home(c) },
        AgentRoute(method: .get, path: "/agent/search", minimumRole: .agent) { v, c in try await v.search(c) },
        AgentRoute(method: .get, path: "/agent/customers/:id", minimumRole: .agent) { v, c in try await v.customer(c) },
        AgentRoute(method: .get, path: "/agent/comms/:id", minimumRole: .agent) { v, c in try await v.comm(c) },
        AgentRoute(method: .get, path: "/agent/comms/:id/email", minimumRole: .agent) { v, c in try await v.commEmail(c) },
        AgentRoute(method: .get, path: "/agent/comms/:id/letter.pdf", minimumRole: .agent) { v, c in try await v.commLetter(c) },
        AgentRoute(method: .post, path: "/agent/comms/:id/cancel", minimumRole: .agent) { v, c in try await v.cancel(c) },
        AgentRoute(method: .post, path: "/agent/comms/:id/resend", minimumRole: .agent) { v, c in try await v.resend(c) },
        AgentRoute(method: .post, path: "/agent/comms/:id/requeue", minimumRole: .supervisor) { v, c in try await v.requeue(c) },
        AgentRoute(method: .get, path: "/agent/customers/:id/one-off", minimumRole: .agent) { v, c in try await v.oneOffForm(c) },
        AgentRoute(method: .post, path: "/agent/customers/:id/one-off", minimumRole: .agent) { v, c in try await v.oneOff(c) },
        AgentRoute(method: .get, path: "/agent/catalog", minimumRole: .agent) { v, c in try v.catalogPage(c) },
        AgentRoute(method: .get, path: "/agent/catalog/:id", minimumRole: .agent) { v, c in try v.catalogCode(c) },
        AgentRoute(method: .get, path: "/agent/operations", minimumRole: .supervisor) { v, c in try await v.operations(c) },
        AgentRoute(method: .get, path: "/agent/audit", minimumRole: .supervisor) { v, c in try await v.audit(c) },
    ]
}
