import Foundation
import HTTPTypes
import HeraldCore
import Logging

extension AgentView {
    /// `GET /agent/static/agent.css`.
    func stylesheet(_ call: AgentCall) -> AgentReply {
        AgentReply(status: .ok, contentType: "text/css; charset=utf-8", body: AgentTemplates.css, cacheable: true)
    }

    /// `GET /agent/sign-in`: the form, with a CSRF token of its own in a cookie (no session yet).
    func signInPage(_ call: AgentCall) async throws -> AgentReply {
        if try await signedIn(call.request) != nil { return .redirect("/agent") }
        return signInForm(call, status: .ok, name: nil, error: nil)
    }

    /// The sign-in form; reuses the form's cookie token when the browser has one (two tabs).
    func signInForm(_ call: AgentCall, status: HTTPResponse.Status, name: String?, error: String?) -> AgentReply {
        let token = call.cookie(AgentSecurity.signInCookie).flatMap { $0.count == 43 ? $0 : nil } ?? AgentSecurity.randomToken()
        var values: [String: Any] = ["csrf": token]
        if let name { values["name"] = name }
        if let error { values["error"] = error }
        var anonymous = call
        anonymous.user = nil
        anonymous.session = nil
        return page(anonymous, status: status, title: "Sign in", template: "sign-in", values,
                    cookies: [AgentSecurity.setCookie(AgentSecurity.signInCookie, token, secure: deps.secureCookies, maxAge: 3600)])
    }

    /// `POST /agent/sign-in`: the form's token must match its cookie; a locked user is refused
    /// without checking the password; a wrong password counts towards the lock. A good one
    /// starts a session (cookie: the token; store: its SHA-256) and goes to the search page.
    func signIn(_ call: AgentCall) async throws -> AgentReply {
        guard let cookie = call.cookie(AgentSecurity.signInCookie), let token = call.form.raw("csrf"),
              AgentSecurity.constantTimeEqual(cookie, token) else {
            return page(call, status: .forbidden, title: "Form expired", template: "message",
                        ["title": "Form expired", "message": "The sign-in form had no valid token (CSRF). Load it again and retry."])
        }
        let name = call.form["name"] ?? ""
        let password = call.form.raw("password") ?? ""
        let at = now
        let user = AgentUser.isValidName(name) ? try await agents.agentUser(name: name) : nil
        let lockedMessage = "Too many failed sign-ins: this user is locked for \(Int(deps.policy.lockout / 60)) minutes."
        if let user, user.isLocked(at: at) {
            try await agents.appendAgentAudit(AgentAuditEntry(at: at, agent: user.name, action: "sign-in-refused", detail: "locked"))
            deps.logger.info("agent sign-in refused: locked", metadata: ["agent.user": "\(user.name)"])
            return signInForm(call, status: .unauthorized, name: name, error: lockedMessage)
        }
        let usable = user.flatMap { $0.disabled ? nil : $0 }
        guard await deps.passwords.verify(password, hash: usable?.passwordHash), let usable else {
            var error = "Wrong user name or password."
            if let usable {
                let counted = try await agents.recordAgentSignInFailure(name: usable.name, policy: deps.policy, at: at)
                let locked = counted?.isLocked(at: at) ?? false
                if locked { error = lockedMessage }
                try await agents.appendAgentAudit(AgentAuditEntry(at: at, agent: usable.name, action: "sign-in-refused",
                                                                  detail: locked ? "wrong password; now locked" : "wrong password"))
                deps.logger.info("agent sign-in refused", metadata: ["agent.user": "\(usable.name)"])
            }
            return signInForm(call, status: .unauthorized, name: name, error: error)
        }
        let sessionToken = AgentSecurity.randomToken()
        let session = AgentSession(id: AgentSecurity.sessionId(token: sessionToken), user: usable.name,
                                   csrfToken: AgentSecurity.randomToken(), createdAt: at, expiresAt: at.addingTimeInterval(deps.policy.idleTimeout))
        // Sessions left to idle out are swept here, at the one moment a new one is written.
        _ = try await agents.purgeExpiredAgentSessions(now: at)
        try await agents.startAgentSession(session)
        try await agents.appendAgentAudit(AgentAuditEntry(at: at, agent: usable.name, action: "sign-in"))
        deps.logger.info("agent signed in", metadata: ["agent.user": "\(usable.name)", "agent.role": "\(usable.role.rawValue)"])
        return .redirect("/agent", cookies: [
            AgentSecurity.setCookie(AgentSecurity.sessionCookie, sessionToken, secure: deps.secureCookies),
            AgentSecurity.setCookie(AgentSecurity.signInCookie, "", secure: deps.secureCookies, maxAge: 0),
        ])
    }

    /// `POST /agent/sign-out`: ends the session and deletes the cookie.
    func signOut(_ call: AgentCall) async throws -> AgentReply {
        if let session = call.session {
            try await agents.endAgentSession(id: session.id)
            try await agents.appendAgentAudit(AgentAuditEntry(at: now, agent: session.user, action: "sign-out"))
        }
        return .redirect("/agent/sign-in", cookies: [AgentSecurity.setCookie(AgentSecurity.sessionCookie, "", secure: deps.secureCookies, maxAge: 0)])
    }
}
