import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

/// Signing in and out, the lock, the idle timeout, cookies and CSRF.
struct SignInTests {
    @Test func wrongPasswordOrUnknownUserIsRefusedAndAGoodOneSignsIn() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let wrong = try await client.attemptSignIn("kim", "not-the-password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Wrong user name or password."))
            #expect(wrong.cookies["herald_agent"] == nil)
            let unknown = try await client.attemptSignIn("nobody", "password-nobody")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("Wrong user name or password."))

            let good = try await client.attemptSignIn("kim", "password-kim")
            #expect(good.status == .seeOther)
            #expect(good.headers[.location] == "/agent")
            let cookie = try #require(good.setCookie("herald_agent"))
            #expect(cookie.contains("; Path=/agent") && cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            let token = try #require(good.cookies["herald_agent"])
            #expect(token.count == 43)
            // The store keeps only the token's SHA-256.
            let home = try await client.get("/agent", cookie: "herald_agent=\(token)")
            #expect(home.status == .ok)
            #expect(home.text.contains("kim (agent)"))
        }
        let audit = try await h.store.agentAudit(limit: 10).map(\.action)
        #expect(audit == ["sign-in", "sign-in-refused"])
        #expect(try await h.store.agentUser(name: "kim")?.failedAttempts == 0)
    }

    @Test func secureCookiesWhenTheSettingIsOn() async throws {
        let h = try await AgentHarness(secureCookies: true)
        try await h.run { client in
            let form = try await client.get("/agent/sign-in")
            #expect(form.setCookie("herald_agent_signin")?.hasSuffix("; Secure") == true)
            let good = try await client.attemptSignIn("kim", "password-kim")
            #expect(good.setCookie("herald_agent")?.contains("; Secure") == true)
        }
    }

    @Test func fiveFailuresLockTheUserForFifteenMinutes() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            for attempt in 1...5 {
                let answer = try await client.attemptSignIn("sam", "wrong-\(attempt)")
                #expect(answer.status == .unauthorized)
                #expect(answer.text.contains("locked") == (attempt == 5))
            }
            // The right password is refused while locked, and does not count.
            let locked = try await client.attemptSignIn("sam", "password-sam")
            #expect(locked.status == .unauthorized)
            #expect(locked.text.contains("Too many failed sign-ins"))
            #expect(locked.cookies["herald_agent"] == nil)
            h.clock.advance(14 * 60)
            #expect(try await client.attemptSignIn("sam", "password-sam").status == .unauthorized)
            h.clock.advance(61)
            #expect(try await client.attemptSignIn("sam", "password-sam").status == .seeOther)
        }
        let actions = try await h.store.agentAudit(limit: 20).map(\.action)
        #expect(actions.filter { $0 == "sign-in-refused" }.count == 7)
        #expect(actions.first == "sign-in")
    }

    @Test func signInFormNeedsItsOwnToken() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let noCookie = try await client.post("/agent/sign-in", form: [("csrf", "x"), ("name", "kim"), ("password", "password-kim")])
            #expect(noCookie.status == .forbidden)
            let form = try await client.get("/agent/sign-in")
            let token = try #require(form.cookies["herald_agent_signin"])
            let mismatch = try await client.post("/agent/sign-in", form: [("csrf", "other"), ("name", "kim"), ("password", "password-kim")],
                                                 cookie: "herald_agent_signin=\(token)")
            #expect(mismatch.status == .forbidden)
            #expect(mismatch.cookies["herald_agent"] == nil)
        }
        #expect(try await h.store.agentUser(name: "kim")?.failedAttempts == 0)
    }

    @Test func sessionsIdleOutAfterThirtyMinutesAndUseSlidesThem() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            h.clock.advance(29 * 60)
            #expect(try await client.get("/agent", cookie: b.cookie).status == .ok)
            h.clock.advance(29 * 60)
            #expect(try await client.get("/agent", cookie: b.cookie).status == .ok)
            h.clock.advance(30 * 60 + 1)
            let expired = try await client.get("/agent", cookie: b.cookie)
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/agent/sign-in")
            // And it stays gone.
            h.clock.advance(-3600)
            #expect(try await client.get("/agent", cookie: b.cookie).status == .seeOther)
            #expect(try await client.get("/agent", cookie: "herald_agent=forged").status == .seeOther)
        }
    }

    @Test func signOutEndsTheSessionAndClearsTheCookie() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            let out = try await client.post("/agent/sign-out", form: [("csrf", b.csrf)], cookie: b.cookie)
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/agent/sign-in")
            #expect(out.setCookie("herald_agent")?.contains("Max-Age=0") == true)
            #expect(try await client.get("/agent", cookie: b.cookie).status == .seeOther)
        }
        #expect(try await h.store.agentAudit(limit: 1).first?.action == "sign-out")
    }

    @Test func postWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            let other = try await client.signIn("sam")
            for form in [[], [("csrf", "")], [("csrf", "wrong")], [("csrf", other.csrf)]] {
                let refused = try await client.post("/agent/sign-out", form: form, cookie: b.cookie)
                #expect(refused.status == .forbidden)
                #expect(refused.text.contains("CSRF"))
            }
            // Nothing happened: the session is still live.
            #expect(try await client.get("/agent", cookie: b.cookie).status == .ok)
        }
    }

    @Test func logsNameTheUserButNeverAPassword() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            _ = try await client.attemptSignIn("kim", "typed-by-mistake-1")
            _ = try await client.attemptSignIn("password-kim", "password-kim")
            _ = try await client.signIn("kim")
        }
        let logs = h.logs.all
        #expect(logs.contains { $0.contains("agent signed in") && $0.contains("kim") })
        #expect(logs.contains { $0.contains("agent sign-in refused") && $0.contains("kim") })
        #expect(!logs.contains { $0.contains("typed-by-mistake") || $0.contains("password-kim") }, "\(logs)")
    }
}
