import Foundation
import HeraldCore
import Testing

@Suite("AgentStore conformance: users, sessions, audit, search, comms list")
struct AgentStoreConformance {
    typealias F = Fixtures

    static func agentStore(_ t: TestStore) throws -> any AgentStore {
        try #require(t.store as? any AgentStore)
    }

    static func user(_ name: String = "kim", role: AgentRole = .agent, at: Date = Fixtures.t0) -> AgentUser {
        AgentUser(name: name, role: role, passwordHash: "$2b$04$hash-of-\(name)", createdAt: at)
    }

    @Test(arguments: StoreFactory.all)
    func usersAddListPasswordDisable(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        try await s.addAgentUser(Self.user("kim"))
        try await s.addAgentUser(Self.user("ana", role: .supervisor))
        let again = await heraldError { try await s.addAgentUser(Self.user("kim", role: .admin)) }
        #expect(again?.kind == .conflict)
        #expect(try await s.agentUsers().map(\.name) == ["ana", "kim"])
        #expect(try await s.agentUser(name: "ana")?.role == .supervisor)
        #expect(try await s.agentUser(name: "kim") == Self.user("kim"))

        let later = F.t0.addingTimeInterval(60)
        try await s.setAgentPassword(name: "kim", passwordHash: "$2b$04$new", at: later)
        let kim = try #require(try await s.agentUser(name: "kim"))
        #expect(kim.passwordHash == "$2b$04$new")
        #expect(kim.updatedAt == later)
        try await s.setAgentDisabled(name: "kim", disabled: true, at: later)
        #expect(try await s.agentUser(name: "kim")?.disabled == true)
        #expect(await heraldError { try await s.setAgentPassword(name: "nobody", passwordHash: "x", at: later) }?.kind == .notFound)
        #expect(await heraldError { try await s.setAgentDisabled(name: "nobody", disabled: true, at: later) }?.kind == .notFound)
    }

    @Test(arguments: StoreFactory.all)
    func fiveFailuresLockForFifteenMinutes(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        try await s.addAgentUser(Self.user())
        let policy = AgentSignInPolicy.standard
        for i in 1...4 {
            let u = try #require(try await s.recordAgentSignInFailure(name: "kim", policy: policy, at: F.t0.addingTimeInterval(Double(i))))
            #expect(u.failedAttempts == i)
            #expect(!u.isLocked(at: F.t0.addingTimeInterval(Double(i))))
        }
        let fifth = F.t0.addingTimeInterval(5)
        let locked = try #require(try await s.recordAgentSignInFailure(name: "kim", policy: policy, at: fifth))
        #expect(locked.lockedUntil == fifth.addingTimeInterval(15 * 60))
        #expect(locked.isLocked(at: fifth.addingTimeInterval(15 * 60 - 1)))
        #expect(!locked.isLocked(at: fifth.addingTimeInterval(15 * 60)))
        #expect(try await s.agentUser(name: "kim")?.isLocked(at: fifth) == true)
        // Unknown names write nothing.
        #expect(try await s.recordAgentSignInFailure(name: "nobody", policy: policy, at: fifth) == nil)
        // A good sign-in (after the lock) clears the count; a new password clears a lock.
        let after = fifth.addingTimeInterval(16 * 60)
        try await s.startAgentSession(AgentSession(id: "h1", user: "kim", csrfToken: "c", createdAt: after, expiresAt: after.addingTimeInterval(1800)))
        let cleared = try #require(try await s.agentUser(name: "kim"))
        #expect(cleared.failedAttempts == 0 && cleared.lockedUntil == nil)
        for i in 1...5 { _ = try await s.recordAgentSignInFailure(name: "kim", policy: policy, at: after.addingTimeInterval(Double(i))) }
        #expect(try await s.agentUser(name: "kim")?.isLocked(at: after.addingTimeInterval(6)) == true)
        try await s.setAgentPassword(name: "kim", passwordHash: "new", at: after.addingTimeInterval(7))
        #expect(try await s.agentUser(name: "kim")?.isLocked(at: after.addingTimeInterval(7)) == false)
    }

    @Test(arguments: StoreFactory.all)
    func sessionsSlideAndIdleOut(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        try await s.addAgentUser(Self.user())
        let policy = AgentSignInPolicy.standard
        try await s.startAgentSession(AgentSession(id: "h1", user: "kim", csrfToken: "csrf-1", createdAt: F.t0,
                                                   expiresAt: F.t0.addingTimeInterval(policy.idleTimeout)))
        // Used after 29 minutes: still live, and the expiry moves to 30 minutes after that use.
        let use = F.t0.addingTimeInterval(29 * 60)
        let (session, user) = try #require(try await s.touchAgentSession(id: "h1", policy: policy, now: use))
        #expect(user.name == "kim")
        #expect(session.csrfToken == "csrf-1")
        #expect(session.lastSeenAt == use)
        #expect(session.expiresAt == use.addingTimeInterval(30 * 60))
        #expect(try await s.touchAgentSession(id: "h1", policy: policy, now: use.addingTimeInterval(30 * 60 - 1)) != nil)
        // Idle for 30 minutes: gone, and stays gone.
        let idle = use.addingTimeInterval(30 * 60 - 1 + 30 * 60)
        #expect(try await s.touchAgentSession(id: "h1", policy: policy, now: idle) == nil)
        #expect(try await s.touchAgentSession(id: "h1", policy: policy, now: use) == nil)
        #expect(try await s.touchAgentSession(id: "unknown", policy: policy, now: use) == nil)
    }

    @Test(arguments: StoreFactory.all)
    func aUseWithinTheTouchIntervalWritesNothing(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        try await s.addAgentUser(Self.user())
        let policy = AgentSignInPolicy.standard
        try await s.startAgentSession(AgentSession(id: "h1", user: "kim", csrfToken: "c", createdAt: F.t0, expiresAt: F.t0.addingTimeInterval(1800)))
        let soon = try #require(try await s.touchAgentSession(id: "h1", policy: policy, now: F.t0.addingTimeInterval(59)))
        #expect(soon.0.lastSeenAt == F.t0 && soon.0.expiresAt == F.t0.addingTimeInterval(1800))
        let later = try #require(try await s.touchAgentSession(id: "h1", policy: policy, now: F.t0.addingTimeInterval(60)))
        #expect(later.0.lastSeenAt == F.t0.addingTimeInterval(60) && later.0.expiresAt == F.t0.addingTimeInterval(1860))
        let again = try #require(try await s.touchAgentSession(id: "h1", policy: policy, now: F.t0.addingTimeInterval(61)))
        #expect(again.0.expiresAt == F.t0.addingTimeInterval(1860))
    }

    @Test(arguments: StoreFactory.all)
    func signOutDisableAndPasswordEndSessions(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        try await s.addAgentUser(Self.user())
        let policy = AgentSignInPolicy.standard
        func start(_ id: String) async throws {
            try await s.startAgentSession(AgentSession(id: id, user: "kim", csrfToken: "c", createdAt: F.t0, expiresAt: F.t0.addingTimeInterval(1800)))
        }
        try await start("a")
        try await start("b")
        try await s.endAgentSession(id: "a")
        #expect(try await s.touchAgentSession(id: "a", policy: policy, now: F.t0) == nil)
        #expect(try await s.touchAgentSession(id: "b", policy: policy, now: F.t0) != nil)
        try await s.setAgentPassword(name: "kim", passwordHash: "other", at: F.t0)
        #expect(try await s.touchAgentSession(id: "b", policy: policy, now: F.t0) == nil)
        try await start("c")
        try await s.setAgentDisabled(name: "kim", disabled: true, at: F.t0)
        #expect(try await s.touchAgentSession(id: "c", policy: policy, now: F.t0) == nil)
        try await s.setAgentDisabled(name: "kim", disabled: false, at: F.t0)
        try await start("d")
        #expect(try await s.purgeExpiredAgentSessions(now: F.t0.addingTimeInterval(1799)) == 0)
        #expect(try await s.purgeExpiredAgentSessions(now: F.t0.addingTimeInterval(1800)) == 1)
    }

    @Test(arguments: StoreFactory.all)
    func auditNewestFirst(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try Self.agentStore(t)
        let first = try await s.appendAgentAudit(AgentAuditEntry(at: F.t0, agent: "kim", action: "sign-in"))
        let second = try await s.appendAgentAudit(AgentAuditEntry(at: F.t0.addingTimeInterval(1), agent: "kim", action: "cancel",
                                                                  requestId: "R1", reason: "customer asked", detail: "from A"))
        #expect(second > first)
        let rows = try await s.agentAudit(limit: 10)
        #expect(rows == [
            AgentAuditEntry(id: second, at: F.t0.addingTimeInterval(1), agent: "kim", action: "cancel", requestId: "R1",
                            reason: "customer asked", detail: "from A"),
            AgentAuditEntry(id: first, at: F.t0, agent: "kim", action: "sign-in"),
        ])
        #expect(try await s.agentAudit(limit: 1).count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func searchByEveryKey(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let s = try Self.agentStore(t)
        func ids(_ text: String) async throws -> [String] {
            try await s.searchCustomers(try #require(CustomerSearch(text)), limit: 10).map(\.customer.id)
        }
        func how(_ text: String) async throws -> [String] {
            try await s.searchCustomers(try #require(CustomerSearch(text)), limit: 10).map(\.matchedBy)
        }
        #expect(try await ids("C1") == ["C1"])
        #expect(try await how("C1") == ["customer id"])
        #expect(try await ids("A2") == ["C2"])
        #expect(try await how("A2") == ["account id"])
        #expect(try await ids("S2") == ["C1"])
        #expect(try await how("S2") == ["subscription id"])
        // MSISDN: the customer's mobile or a subscription's number, typed in any usual way.
        #expect(try await ids("+447700900001") == ["C1"])
        #expect(try await ids("0044 7700 900222") == ["C1"])
        #expect(try await ids("447700900111") == ["C1"])
        #expect(try await how("+33 6 12 34 56 78") == ["MSISDN"])
        #expect(try await ids("+33 6 12 34 56 78") == ["C2"])
        // Email, any case.
        #expect(try await ids("Alice@Example.NET") == ["C1"])
        #expect(try await how("alice@example.net") == ["email"])
        // Name: first, last, both in either order.
        #expect(try await ids("bob") == ["C2"])
        #expect(try await ids("Ångström") == ["C1"])
        #expect(try await ids("alice Ångström") == ["C1"])
        #expect(try await ids("Ångström Alice") == ["C1"])
        #expect(try await how("ALICE") == ["name"])
        #expect(try await ids("nobody") == [])
        #expect(try await ids("+440000000000") == [])
        #expect(CustomerSearch("   ") == nil)
    }

    @Test(arguments: StoreFactory.all)
    func holdingsOfACustomer(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let s = try Self.agentStore(t)
        let h = try await s.holdings(customerId: "C1")
        #expect(h.accounts.map(\.id) == ["A1"])
        #expect(h.subscriptions.map(\.id) == ["S1", "S2"])
    }

    @Test(arguments: StoreFactory.all)
    func commsListFiltersAndPages(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let s = try Self.agentStore(t)
        // Alice: three at the customer, one at her account, one at a line; Bob: one.
        var mine: [CommsRequest] = []
        for i in 0..<3 { mine.append(try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(Double(i) * 60)))) }
        mine.append(try await F.submit(t.store, F.request("BILL", target: TargetRef(.account, "A1"), at: F.t0.addingTimeInterval(300))))
        mine.append(try await F.submit(t.store, F.request(target: TargetRef(.subscription, "S1"), at: F.t0.addingTimeInterval(400))))
        _ = try await F.submit(t.store, F.request(target: TargetRef(.customer, "C2"), at: F.t0.addingTimeInterval(500)))
        let (processed, _) = try await F.processed(t.store, method: .email, at: F.t0.addingTimeInterval(600))
        mine.append(processed)
        func list(_ q: AgentCommsQuery) async throws -> [String] { try await s.agentComms(q).items.map(\.request.id) }
        let newestFirst = mine.sorted { $0.id > $1.id }.map(\.id)
        #expect(try await list(AgentCommsQuery(customerId: "C1")) == newestFirst)
        #expect(try await list(AgentCommsQuery(customerId: "C1", status: .processed)) == [processed.id])
        #expect(try await list(AgentCommsQuery(customerId: "C1", method: .email)) == [processed.id])
        #expect(try await list(AgentCommsQuery(customerId: "C1", method: .sms)) == [])
        #expect(try await list(AgentCommsQuery(customerId: "C1", commsCode: "BILL")) == [mine[3].id])
        #expect(try await list(AgentCommsQuery(customerId: "C1", level: .account)) == [mine[3].id])
        #expect(try await list(AgentCommsQuery(customerId: "C1", level: .subscription)) == [mine[4].id])
        #expect(try await list(AgentCommsQuery(customerId: "C1", createdFrom: F.t0.addingTimeInterval(60),
                                                createdBefore: F.t0.addingTimeInterval(300))) == [mine[2].id, mine[1].id])
        // Pages of two, newest first, each page's cursor leading to the next.
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await s.agentComms(AgentCommsQuery(customerId: "C1", limit: 2, cursor: cursor))
            seen += page.items.map(\.request.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(seen == newestFirst)
        #expect(pages == 3)
        let first = try await s.agentComms(AgentCommsQuery(customerId: "C1", limit: 10)).items.first
        #expect(first?.distribution?.method == .email)
    }
}
