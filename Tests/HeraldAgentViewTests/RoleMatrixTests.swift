import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

/// Every route of ``AgentView/routes`` against every role and none: the table is the rule.
struct RoleMatrixTests {
    /// A path of the route with its parameter filled in: a customer, or for a comm's routes the
    /// comm of `comms` (`email`, `letter`) that has what the route shows.
    static func uri(_ route: AgentRoute, comms: [String: String] = [:]) -> String {
        if route.path.hasPrefix("/agent/catalog/") { return route.path.replacingOccurrences(of: ":id", with: "NOTE") }
        guard route.path.hasPrefix("/agent/comms/:id") else { return route.path.replacingOccurrences(of: ":id", with: "C-1") }
        let comm = route.path.hasSuffix("/email") ? comms["email"] : comms["letter"]
        return route.path.replacingOccurrences(of: ":id", with: comm ?? "R-404")
    }

    @Test func theTableNamesEveryRouteOnceWithItsLeastRole() {
        let routes = AgentView.routes.map { "\($0.method) \($0.path)" }
        #expect(Set(routes).count == routes.count)
        let table = Dictionary(uniqueKeysWithValues: AgentView.routes.map { ("\($0.method) \($0.path)", $0.minimumRole) })
        #expect(table["GET /agent/sign-in"] == .some(nil))
        #expect(table["POST /agent/sign-in"] == .some(nil))
        #expect(table["GET /agent/static/agent.css"] == .some(nil))
        #expect(table["GET /agent"] == .agent)
        #expect(table["GET /agent/search"] == .agent)
        #expect(table["GET /agent/customers/:id"] == .agent)
        #expect(table["POST /agent/sign-out"] == .agent)
        #expect(table["GET /agent/audit"] == .supervisor)
        #expect(table["GET /agent/comms/:id"] == .agent)
        #expect(table["GET /agent/comms/:id/email"] == .agent)
        #expect(table["GET /agent/comms/:id/letter.pdf"] == .agent)
        #expect(table["POST /agent/comms/:id/cancel"] == .agent)
        #expect(table["POST /agent/comms/:id/resend"] == .agent)
        #expect(table["POST /agent/comms/:id/requeue"] == .supervisor)
        #expect(table["GET /agent/customers/:id/one-off"] == .agent)
        #expect(table["POST /agent/customers/:id/one-off"] == .agent)
        #expect(table["GET /agent/catalog"] == .agent)
        #expect(table["GET /agent/catalog/:id"] == .agent)
        #expect(table["GET /agent/operations"] == .supervisor)
        #expect(AgentRole.agent < .supervisor && AgentRole.supervisor < .admin)
    }

    @Test(arguments: AgentView.routes.filter { $0.minimumRole != nil }.map(\.description))
    func everyProtectedRouteForEveryRole(_ routeName: String) async throws {
        let route = try #require(AgentView.routes.first { $0.description == routeName })
        let minimum = try #require(route.minimumRole)
        let h = try await AgentHarness()
        let comms = [
            "email": try await h.comm("BILL", at: AgentHarness.t0, method: .email, sentTo: "zoe@example.net",
                                      document: ("email.eml", CommPageTests.eml)),
            "letter": try await h.comm("BILL", at: AgentHarness.t0, method: .letter, sentTo: "1 High Street", document: ("letter.pdf", CommPageTests.pdf)),
        ]
        try await h.run { client in
            func call(_ browser: Browser?) async throws -> TestResponse {
                route.method == .post
                    ? try await client.post(Self.uri(route, comms: comms), form: [("csrf", browser?.csrf ?? "")], cookie: browser?.cookie)
                    : try await client.get(Self.uri(route, comms: comms) + "?q=C-1", cookie: browser?.cookie)
            }
            // Signed out: to the sign-in page, whatever the route.
            let anonymous = try await call(nil)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/agent/sign-in")
            for (name, role) in AgentHarness.users {
                let browser = try await client.signIn(name)
                let answer = try await call(browser)
                if role.satisfies(minimum) {
                    #expect(answer.status != .forbidden, "\(name) (\(role)) on \(routeName)")
                    if route.method == .get {
                        #expect(answer.status == .ok || (answer.status == .seeOther && answer.headers[.location] == "/agent/customers/C-1"),
                                "\(name) (\(role)) on \(routeName): \(answer.status)")
                    } else if route.path == "/agent/sign-out" {
                        // Sign-out: the session is gone afterwards.
                        #expect(try await client.get("/agent", cookie: browser.cookie).status == .seeOther)
                    } else {
                        // An action's form without its reason (or code): refused as incomplete.
                        #expect(answer.status == .badRequest, "\(name) (\(role)) on \(routeName): \(answer.status)")
                    }
                } else {
                    #expect(answer.status == .forbidden, "\(name) (\(role)) on \(routeName)")
                    #expect(answer.text.contains("needs the \(minimum.rawValue) role"))
                }
            }
        }
    }

    @Test func publicRoutesNeedNoSession() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            for route in AgentView.routes where route.minimumRole == nil && route.method == .get {
                let answer = try await client.get(Self.uri(route))
                #expect(answer.status == .ok, "\(route)")
            }
        }
    }

    @Test func supervisorsSeeTheAuditAndAgentsDoNotSeeItsLink() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let kim = try await client.signIn("kim")
            #expect(!(try await client.get("/agent", cookie: kim.cookie)).text.contains("/agent/audit"))
            let sam = try await client.signIn("sam")
            let home = try await client.get("/agent", cookie: sam.cookie)
            #expect(home.text.contains(#"<a href="/agent/audit">Audit</a>"#))
            let audit = try await client.get("/agent/audit", cookie: sam.cookie)
            #expect(audit.status == .ok)
            #expect(audit.text.contains("<td>kim</td><td>sign-in</td>"))
        }
    }
}
