import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import Hummingbird
import Logging
import Mustache

/// Adds AgentView's routes (``AgentView/routes``) under `/agent` to Herald's router: the same
/// Hummingbird application as the API, so `herald serve` serves both.
public func addAgentView(to router: Router<HeraldRequestContext>, _ deps: AgentViewDependencies) {
    let view = AgentView(deps: deps)
    for route in AgentView.routes {
        router.on(RouterPath(route.path), method: route.method) { request, context in
            await view.respond(route, request: request, context: context)
        }
    }
}

/// AgentView: server-rendered pages for customer-service agents. Every route goes through
/// ``respond(_:request:context:)``: the session (cookie → SHA-256 → `agent_sessions`, expiry
/// slid forward), the route's least role, the CSRF token of every POST, then the handler; every
/// answer carries the security headers, and every error becomes a page (never a stack trace).
public struct AgentView: Sendable {
    let deps: AgentViewDependencies

    var now: Date { deps.clock() }
    var agents: any AgentStore { deps.agents }

    /// The largest form accepted.
    static let maxFormBytes = 64 * 1024
    /// Comms per page of a customer's list.
    static let commsPageSize = 50

    func respond(_ route: AgentRoute, request: Request, context: HeraldRequestContext) async -> Response {
        var call = AgentCall(request: request, context: context)
        let reply: AgentReply
        do {
            reply = try await authorizeAndRun(route, &call)
        } catch let error as HeraldError {
            reply = page(call, status: Self.status(for: error.kind), title: Self.title(for: error.kind), template: "message",
                         ["title": Self.title(for: error.kind), "message": error.message])
        } catch {
            deps.logger.error("agent view failed", metadata: ["http.route": "\(route)", "error.type": "\(type(of: error))"])
            reply = page(call, status: .internalServerError, title: "Something went wrong", template: "message",
                         ["title": "Something went wrong", "message": "The page could not be made; the error is logged."])
        }
        return reply.response()
    }

    private func authorizeAndRun(_ route: AgentRoute, _ call: inout AgentCall) async throws -> AgentReply {
        if let minimum = route.minimumRole {
            guard let (session, user) = try await signedIn(call.request) else { return .redirect("/agent/sign-in") }
            call.session = session
            call.user = user
            guard user.role.satisfies(minimum) else {
                return page(call, status: .forbidden, title: "Not allowed", template: "message",
                            ["title": "Not allowed", "message": "This page needs the \(minimum.rawValue) role; you are \(user.role.rawValue)."])
            }
        }
        if route.method == .post {
            let body = try await call.request.body.collect(upTo: Self.maxFormBytes)
            call.form = FormFields(String(buffer: body))
            if let session = call.session {
                guard let token = call.form.raw("csrf"), AgentSecurity.constantTimeEqual(token, session.csrfToken) else {
                    return page(call, status: .forbidden, title: "Form expired", template: "message",
                                ["title": "Form expired", "message": "The form had no valid token (CSRF). Load the page again and retry."])
                }
            }
        }
        return try await route.handler(self, call)
    }

    /// The live session of the request's cookie and its user, expiry slid forward; nil when
    /// there is none or it has expired.
    func signedIn(_ request: Request) async throws -> (AgentSession, AgentUser)? {
        guard let token = request.cookies[AgentSecurity.sessionCookie]?.value, !token.isEmpty, token.count <= 128 else { return nil }
        return try await agents.touchAgentSession(id: AgentSecurity.sessionId(token: token), policy: deps.policy, now: now)
    }

    static func status(for kind: HeraldError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict, .illegalTransition: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }

    static func title(for kind: HeraldError.Kind) -> String {
        switch kind {
        case .invalidInput: "Check what you typed"
        case .notFound: "Not found"
        case .conflict, .illegalTransition: "Not possible now"
        case .unauthorized, .forbidden: "Not allowed"
        case .tooLarge: "Too large"
        default: "Something went wrong"
        }
    }

    // MARK: Rendering

    /// A page: `template` filled with `values`, inside the layout (title, the user's name and
    /// role, the sign-out form with the session's CSRF token).
    func page(_ call: AgentCall, status: HTTPResponse.Status = .ok, title: String, template: String, _ values: [String: Any],
              cookies: [String] = []) -> AgentReply {
        let body = AgentTemplates.library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let user = call.user, let session = call.session {
            layout["user"] = ["name": user.name, "role": user.role.rawValue, "csrf": session.csrfToken,
                              "supervisor": user.role.satisfies(.supervisor)] as [String: Any]
        }
        let html = AgentTemplates.library.render(layout, withTemplate: "layout") ?? ""
        return AgentReply(status: status, body: html, cookies: cookies)
    }

    /// The characters left as they are in path segments and query values (RFC 3986 unreserved).
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// A path segment, percent-encoded (ids may hold any character; the usual UUIDs and codes
    /// need nothing and are returned as they are, without Foundation's encoder).
    static func segment(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
        }
        return plain ? text : text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A query string from name/value pairs, values percent-encoded; empty values left out.
    static func query(_ pairs: [(String, String?)]) -> String {
        let allowed = unreserved
        return pairs.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    /// A time as pages show it: `2026-12-07 10:00:00Z` (UTC).
    static func display(_ date: Date?) -> String? {
        date.map { date in
            let text = UTCTimestamp.string(date, milliseconds: false)
            return String(text.prefix(10)) + " " + text.dropFirst(11)
        }
    }
}

/// One request as a handler sees it.
struct AgentCall: Sendable {
    var request: Request
    var context: HeraldRequestContext
    var session: AgentSession?
    var user: AgentUser?
    /// The form of a POST (empty for a GET).
    var form = FormFields("")

    init(request: Request, context: HeraldRequestContext) {
        self.request = request
        self.context = context
    }

    /// The URL's query.
    var query: FormFields { FormFields(request.uri.query ?? "") }

    /// A cookie's value.
    func cookie(_ name: String) -> String? { request.cookies[name]?.value }

    /// A path parameter.
    func parameter(_ name: String) throws -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else { throw HeraldError.invalid(name, "missing \(name)") }
        return value.removingPercentEncoding ?? value
    }
}

/// What a handler answers: a page, a redirect or a file, with cookies to set.
struct AgentReply: Sendable {
    var status: HTTPResponse.Status
    var contentType = "text/html; charset=utf-8"
    var body: String
    var location: String?
    var cookies: [String] = []
    /// The stylesheet may be cached; pages never (they show customer data).
    var cacheable = false
    /// A binary body (a PDF) instead of `body`.
    var bytes: [UInt8]?
    /// The `Content-Security-Policy` (nil: none).
    var policy: String? = AgentSecurity.contentSecurityPolicy
    /// Whether AgentView's own pages may frame it (an email, a letter).
    var sameOriginFrames = false
    /// `Content-Disposition` of a file.
    var disposition: String?

    init(status: HTTPResponse.Status, contentType: String = "text/html; charset=utf-8", body: String, location: String? = nil,
         cookies: [String] = [], cacheable: Bool = false) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.location = location
        self.cookies = cookies
        self.cacheable = cacheable
    }

    /// `303 See Other` to `location` (after a POST, or to the one customer a search found).
    static func redirect(_ location: String, cookies: [String] = []) -> AgentReply {
        AgentReply(status: .seeOther, body: "", location: location, cookies: cookies)
    }

    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        AgentSecurity.apply(to: &headers, cacheable: cacheable, policy: policy, sameOriginFrames: sameOriginFrames)
        if let location { headers[.location] = location }
        if let disposition { headers[.contentDisposition] = disposition }
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        let buffer = bytes.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
