import Foundation
import HeraldCore
import Testing

@Suite("AgentStore conformance: agents' actions on comms, each with its audit row")
struct AgentActionsConformance {
    typealias F = Fixtures

    static func audit(_ action: String, _ requestId: String?, at: Date, reason: String = "customer asked") -> AgentAuditEntry {
        AgentAuditEntry(at: at, agent: "kim", action: action, requestId: requestId, reason: reason)
    }

    @Test(arguments: StoreFactory.all)
    func cancelWritesHistoryAndAuditTogether(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try AgentStoreConformance.agentStore(t)
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let at = F.t0.addingTimeInterval(30)
        let detail = try await s.agentCancel(requestId: r.id, audit: Self.audit("cancel", r.id, at: at))
        #expect(detail.request.status == .cancelled)
        #expect(detail.history.last == HistoryEntry(entity: .request, from: "awaitingProcessing", to: "cancelled", at: at,
                                                    actor: "agent:kim", reason: "customer asked"))
        let rows = try await s.agentAudit(limit: 10)
        #expect(rows.count == 1)
        #expect(rows.first?.action == "cancel" && rows.first?.requestId == r.id && rows.first?.reason == "customer asked")

        // Not waiting any more: refused, and no audit row is left behind.
        let again = await heraldError { _ = try await s.agentCancel(requestId: r.id, audit: Self.audit("cancel", r.id, at: at)) }
        #expect(again?.kind == .illegalTransition)
        let (processed, _) = try await F.processed(t.store, at: F.t0.addingTimeInterval(1))
        let refused = await heraldError { _ = try await s.agentCancel(requestId: processed.id, audit: Self.audit("cancel", processed.id, at: at)) }
        #expect(refused?.kind == .illegalTransition)
        let missing = await heraldError { _ = try await s.agentCancel(requestId: "R-404", audit: Self.audit("cancel", "R-404", at: at)) }
        #expect(missing?.kind == .notFound)
        #expect(try await s.agentAudit(limit: 10).count == 1)
        #expect(try await t.store.request(id: processed.id)?.request.status == .processed)
    }

    @Test(arguments: StoreFactory.all)
    func requeueMovesAnErroredRequestBackToTheQueue(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try AgentStoreConformance.agentStore(t)
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let failed = try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .error, actor: "comms-monitor", reason: "template broken", at: F.t0)
        #expect(try await t.store.commit([Change(requestId: r.id, request: failed)], ticket: nil).applied == 1)
        let at = F.t0.addingTimeInterval(60)
        let detail = try await s.agentRequeue(requestId: r.id, audit: Self.audit("requeue", r.id, at: at, reason: "template fixed"))
        #expect(detail.request.status == .awaitingProcessing)
        #expect(detail.history.last == HistoryEntry(entity: .request, from: "error", to: "awaitingProcessing", at: at,
                                                    actor: "agent:kim", reason: "template fixed"))
        #expect(try await t.store.claim(.monitor, ticket: F.ticket(at: at), limit: 10).map(\.request.id) == [r.id])
        #expect(try await s.agentAudit(limit: 10).map(\.action) == ["requeue"])
        // Only a request in error.
        let (processed, _) = try await F.processed(t.store, at: F.t0.addingTimeInterval(1))
        let refused = await heraldError { _ = try await s.agentRequeue(requestId: processed.id, audit: Self.audit("requeue", processed.id, at: at)) }
        #expect(refused?.kind == .illegalTransition)
        #expect(try await s.agentAudit(limit: 10).count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func agentSubmitStoresTheRequestWithItsHistoryAndAudit(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try AgentStoreConformance.agentStore(t)
        try await F.seed(t.store)
        let original = try await F.submit(t.store, F.request(fields: ["PLAN": "Gold"]))
        let at = F.t0.addingTimeInterval(90)
        var copy = F.request(target: TargetRef(.account, "A1"), at: at, fields: ["PLAN": "Gold"])
        copy.copyOf = original.id
        copy.overrideMethod = .email
        copy.source = .agent
        copy.createdBy = "agent:kim"
        try await s.agentSubmit(copy, audit: AgentAuditEntry(at: at, agent: "kim", action: "resend", requestId: original.id,
                                                             reason: "lost it", detail: "new request \(copy.id)"))
        let stored = try #require(try await t.store.request(id: copy.id))
        #expect(stored.request.copyOf == original.id && stored.request.overrideMethod == .email && stored.request.source == .agent)
        #expect(stored.request.fields == ["PLAN": "Gold"])
        #expect(stored.history == [HistoryEntry(entity: .request, from: nil, to: "awaitingProcessing", at: at, actor: "agent:kim", reason: "lost it")])
        // The account's customer is the request's: it is on Alice's comms list.
        let list = try await s.agentComms(AgentCommsQuery(customerId: "C1", limit: 10))
        #expect(list.items.map(\.request.id).contains(copy.id))
        #expect(try await s.agentAudit(limit: 10).first?.detail == "new request \(copy.id)")

        let nowhere = F.request(target: TargetRef(.customer, "C404"), at: at)
        let refused = await heraldError { try await s.agentSubmit(nowhere, audit: Self.audit("one-off", nil, at: at)) }
        #expect(refused?.kind == .invalidInput)
        #expect(try await t.store.request(id: nowhere.id) == nil)
        #expect(try await s.agentAudit(limit: 10).count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func operationsFiguresOldestSendCountsAndProblems(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let s = try AgentStoreConformance.agentStore(t)
        try await F.seed(t.store)
        #expect(try await s.oldestWaiting().isEmpty)
        #expect(try await s.sendCounts(since: F.t0).allSatisfy { $0.sent == 0 && $0.failed == 0 })
        #expect(try await s.sendCounts(since: F.t0).map(\.method) == DeliveryMethod.allCases)
        let waiting = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(5)))
        _ = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(9)))
        let (_, sms) = try await F.processed(t.store, at: F.t0.addingTimeInterval(2))
        let oldest = try await s.oldestWaiting()
        #expect(oldest[.monitor] == waiting.createdAt)
        #expect(oldest[.send(.sms)] == sms.createdAt)
        #expect(oldest[.send(.email)] == nil)
        // The SMS sent, an email failed for good with a problem.
        let sent = try DistributionTransition(distribution: sms, to: .sent, actor: "sender:sms", at: F.t0.addingTimeInterval(20))
        var sentChange = Change(requestId: sms.requestId, distribution: sent)
        sentChange.distribution?.sentAt = F.t0.addingTimeInterval(20)
        #expect(try await t.store.commit([sentChange], ticket: nil).applied == 1)
        let (emailRequest, email) = try await F.processed(t.store, method: .email, at: F.t0.addingTimeInterval(3))
        let merged = try DistributionTransition(distribution: email, to: .errorNoRetry, actor: "merge:email", reason: "template", at: F.t0.addingTimeInterval(30))
        let problem = RequestProblem(kind: .error, reason: "template broken", at: F.t0.addingTimeInterval(30))
        #expect(try await t.store.commit([Change(requestId: emailRequest.id, distribution: merged, problems: [problem])], ticket: nil).applied == 1)
        let counts = Dictionary(uniqueKeysWithValues: try await s.sendCounts(since: F.t0).map { ($0.method, $0) })
        #expect(counts[.sms]?.sent == 1 && counts[.sms]?.failed == 0)
        #expect(counts[.email]?.sent == 0 && counts[.email]?.failed == 1)
        #expect(try await s.sendCounts(since: F.t0.addingTimeInterval(60)).allSatisfy { $0.sent == 0 && $0.failed == 0 })
        #expect(try await s.recentProblems(limit: 10) == [RecentProblem(requestId: emailRequest.id, commsCode: "WELCOME", problem: problem)])
    }
}
