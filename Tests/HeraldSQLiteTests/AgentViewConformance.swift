import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: agent view and events")
struct AgentViewConformance {
    typealias F = Fixtures

    @Test(arguments: StoreFactory.all)
    func cancelAwaitingProcessing(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let at = F.t0.addingTimeInterval(30)
        let detail = try await t.store.cancelRequest(id: r.id, actor: "agent:kim", reason: "customer asked", at: at)
        #expect(detail.request.status == .cancelled)
        #expect(detail.request.updatedAt == at)
        #expect(detail.history.count == 2)
        #expect(detail.history.last == HistoryEntry(entity: .request, from: "awaitingProcessing", to: "cancelled", at: at,
                                                    actor: "agent:kim", reason: "customer asked"))
        #expect(try await t.store.request(id: r.id) == detail)
        #expect(try await t.store.claim(.monitor, ticket: F.ticket(at: at), limit: 10).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func cancelAwaitingEventResolution(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (event, requests) = try await Self.onResolveEvent(t.store, count: 1)
        let detail = try await t.store.cancelRequest(id: requests[0].id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(5))
        #expect(detail.request.status == .cancelled)
        #expect(detail.history.last?.from == "awaitingEventResolution")
        // The event itself stays open; resolving it now moves nothing.
        #expect(try await t.store.workflowEvent(id: event.id)?.state == .open)
        #expect(try await t.store.resolveEvent(id: event.id, actor: "x", at: F.t0.addingTimeInterval(6)) == [])
        #expect(try await t.store.request(id: requests[0].id)?.request.status == .cancelled)
    }

    @Test(arguments: StoreFactory.all)
    func cancelProcessedIsIllegal(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, _) = try await F.processed(t.store)
        let error = await heraldError { _ = try await t.store.cancelRequest(id: r.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(5)) }
        #expect(error?.kind == .illegalTransition)
        let after = try #require(try await t.store.request(id: r.id))
        #expect(after.request.status == .processed)
        #expect(after.history.filter { $0.entity == .request }.count == 2)
        let again = await heraldError {
            _ = try await t.store.cancelRequest(id: r.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(5))
        }
        #expect(again?.kind == .illegalTransition)
    }

    @Test(arguments: StoreFactory.all)
    func cancelTwiceIsIllegal(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        _ = try await t.store.cancelRequest(id: r.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(1))
        let error = await heraldError { _ = try await t.store.cancelRequest(id: r.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(2)) }
        #expect(error?.kind == .illegalTransition)
        #expect(try await t.store.request(id: r.id)?.history.count == 2)
    }

    @Test(arguments: StoreFactory.all)
    func cancelUnknownIsNotFound(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let error = await heraldError { _ = try await t.store.cancelRequest(id: "nope", actor: "agent", reason: nil, at: F.t0) }
        #expect(error?.kind == .notFound)
    }

    /// Submits an OnResolve event with `count` waiting requests against account A1.
    static func onResolveEvent(_ store: any CommsStore, count: Int, at: Date = Fixtures.t0) async throws -> (WorkflowEvent, [CommsRequest]) {
        let event = WorkflowEvent(id: Identifier.make(now: at), eventType: "DEBT", eventCode: "DBAR", target: TargetRef(.account, "A1"),
                                  whenToCreate: .onResolve, createdAt: at)
        let requests = (0..<count).map { i in
            Fixtures.request("CODE\(i)", target: TargetRef(.account, "A1"), status: .awaitingEventResolution,
                             at: at.addingTimeInterval(Double(i) / 1000), event: event.id)
        }
        _ = try await store.submit(TriggerSubmission(requests: requests, event: event, actor: "billing"), idempotencyWindow: Fixtures.window)
        return (event, requests)
    }

    @Test(arguments: StoreFactory.all)
    func resolveEventMovesItsWaitingRequests(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (event, requests) = try await Self.onResolveEvent(t.store, count: 2)
        let (otherEvent, others) = try await Self.onResolveEvent(t.store, count: 1, at: F.t0.addingTimeInterval(1))
        let at = F.t0.addingTimeInterval(60)
        let moved = try await t.store.resolveEvent(id: event.id, actor: "billing", at: at)
        #expect(Set(moved) == Set(requests.map(\.id)))
        let stored = try #require(try await t.store.workflowEvent(id: event.id))
        #expect(stored.state == .resolved)
        #expect(stored.resolvedAt == at)
        for r in requests {
            let d = try #require(try await t.store.request(id: r.id))
            #expect(d.request.status == .awaitingProcessing)
            #expect(d.history.last?.from == "awaitingEventResolution")
            #expect(d.history.last?.to == "awaitingProcessing")
            #expect(d.history.last?.actor == "billing")
            #expect(d.history.last?.at == at)
        }
        #expect(try await t.store.request(id: others[0].id)?.request.status == .awaitingEventResolution)
        #expect(try await t.store.workflowEvent(id: otherEvent.id)?.state == .open)
        let claimed = try await t.store.claim(.monitor, ticket: F.ticket(at: at), limit: 10)
        #expect(Set(claimed.map(\.request.id)) == Set(requests.map(\.id)))
    }

    @Test(arguments: StoreFactory.all)
    func cancelEventCancelsItsWaitingRequests(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (event, requests) = try await Self.onResolveEvent(t.store, count: 2)
        let at = F.t0.addingTimeInterval(60)
        let moved = try await t.store.cancelEvent(id: event.id, actor: "billing", at: at)
        #expect(Set(moved) == Set(requests.map(\.id)))
        #expect(try await t.store.workflowEvent(id: event.id)?.state == .cancelled)
        for r in requests {
            let d = try #require(try await t.store.request(id: r.id))
            #expect(d.request.status == .cancelled)
            #expect(d.history.last?.to == "cancelled")
        }
        #expect(try await t.store.claim(.monitor, ticket: F.ticket(at: at), limit: 10).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func closingAnEventTwiceIsIllegal(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (event, requests) = try await Self.onResolveEvent(t.store, count: 1)
        _ = try await t.store.resolveEvent(id: event.id, actor: "a", at: F.t0.addingTimeInterval(1))
        let twice = await heraldError { _ = try await t.store.resolveEvent(id: event.id, actor: "a", at: F.t0.addingTimeInterval(2)) }
        #expect(twice?.kind == .illegalTransition)
        let cancel = await heraldError { _ = try await t.store.cancelEvent(id: event.id, actor: "a", at: F.t0.addingTimeInterval(2)) }
        #expect(cancel?.kind == .illegalTransition)
        #expect(try await t.store.workflowEvent(id: event.id)?.state == .resolved)
        #expect(try await t.store.request(id: requests[0].id)?.request.status == .awaitingProcessing)
        #expect(try await t.store.request(id: requests[0].id)?.history.count == 2)
    }

    @Test(arguments: StoreFactory.all)
    func unknownEventIsNotFound(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let resolve = await heraldError { _ = try await t.store.resolveEvent(id: "nope", actor: "a", at: F.t0) }
        #expect(resolve?.kind == .notFound)
        let cancel = await heraldError { _ = try await t.store.cancelEvent(id: "nope", actor: "a", at: F.t0) }
        #expect(cancel?.kind == .notFound)
        #expect(try await t.store.workflowEvent(id: "nope") == nil)
    }

    // MARK: Listing

    /// Requests against C1 (directly, via A1, via S1, via S2), C2 (directly and via A2).
    static func listingData(_ store: any CommsStore) async throws -> [String: CommsRequest] {
        try await Fixtures.seed(store)
        let plan: [(String, String, TargetRef)] = [
            ("c1", "WELCOME", TargetRef(.customer, "C1")),
            ("a1", "PAYMENT_REMINDER", TargetRef(.account, "A1")),
            ("s1", "DATA_80", TargetRef(.subscription, "S1")),
            ("c2", "WELCOME", TargetRef(.customer, "C2")),
            ("a2", "PAYMENT_REMINDER", TargetRef(.account, "A2")),
            ("s2", "DATA_80", TargetRef(.subscription, "S2")),
            ("a1b", "WELCOME", TargetRef(.account, "A1")),
        ]
        var out: [String: CommsRequest] = [:]
        for (i, (name, code, target)) in plan.enumerated() {
            out[name] = try await Fixtures.submit(store, Fixtures.request(code, target: target, at: Fixtures.t0.addingTimeInterval(Double(i))))
        }
        return out
    }

    static func ids(_ store: any CommsStore, _ query: RequestQuery) async throws -> [String] {
        try await Fixtures.allRequests(store, query).map(\.request.id)
    }

    @Test(arguments: StoreFactory.all)
    func listingFiltersByCustomerAccountSubscription(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let r = try await Self.listingData(t.store)
        func ids(_ names: [String]) -> [String] { names.map { r[$0]!.id } }
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C1")) == ids(["a1b", "s2", "s1", "a1", "c1"]))
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C2")) == ids(["a2", "c2"]))
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A1")) == ids(["a1b", "s1", "a1"]))
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A2")) == ids(["a2"]))
        #expect(try await Self.ids(t.store, RequestQuery(subscriptionId: "S1")) == ids(["s1"]))
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C404")).isEmpty)
        #expect(try await Self.ids(t.store, RequestQuery()) == ids(["a1b", "s2", "a2", "c2", "s1", "a1", "c1"]))
        // The listing carries the request's own target, not the resolved customer.
        let page = try await t.store.requests(RequestQuery(customerId: "C1", limit: 1))
        #expect(page.items.first?.request.target == TargetRef(.account, "A1"))
    }

    /// Requests are indexed by customer only: a listing by account or subscription walks the
    /// requests of every customer the account or subscription has belonged to, so an account
    /// that moves to another customer keeps its earlier requests in its listing.
    @Test(arguments: StoreFactory.all)
    func anAccountThatMovesKeepsItsEarlierRequests(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let r = try await Self.listingData(t.store)
        try await t.store.upsertAccount(Account(id: "A2", customerId: "C1", currency: "GBP", amountDue: "1.00"))
        let moved = try await Fixtures.submit(t.store, Fixtures.request("WELCOME", target: TargetRef(.account, "A2"), at: Fixtures.t0.addingTimeInterval(50)))
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A2")) == [moved.id, r["a2"]!.id])
        let first = try await t.store.requests(RequestQuery(accountId: "A2", limit: 1))  // page by page
        #expect(first.items.map(\.request.id) == [moved.id])
        let second = try await t.store.requests(RequestQuery(accountId: "A2", limit: 1, cursor: first.nextCursor))
        #expect(second.items.map(\.request.id) == [r["a2"]!.id] && second.nextCursor == nil)
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C1", accountId: "A2")) == [moved.id])
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C2", accountId: "A2")) == [r["a2"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A404")).isEmpty)
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A1", subscriptionId: "S1")) == [r["s1"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(subscriptionId: "S2")) == [r["s2"]!.id])
    }

    @Test(arguments: StoreFactory.all)
    func listingFiltersByStatusAndCode(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let r = try await Self.listingData(t.store)
        _ = try await t.store.cancelRequest(id: r["s1"]!.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(100))
        _ = try await t.store.cancelRequest(id: r["c2"]!.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(100))
        #expect(try await Self.ids(t.store, RequestQuery(status: .cancelled)) == [r["c2"]!.id, r["s1"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(customerId: "C1", status: .cancelled)) == [r["s1"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(status: .awaitingProcessing)).count == 5)
        #expect(try await Self.ids(t.store, RequestQuery(status: .processed)).isEmpty)
        #expect(try await Self.ids(t.store, RequestQuery(commsCode: "WELCOME")) == [r["a1b"]!.id, r["c2"]!.id, r["c1"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(accountId: "A1", commsCode: "WELCOME")) == [r["a1b"]!.id])
        #expect(try await Self.ids(t.store, RequestQuery(commsCode: "NOPE")).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func listingItemsCarryDistributionHistoryAndProblems(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, d) = try await F.processed(t.store)
        let page = try await t.store.requests(RequestQuery(customerId: "C1"))
        #expect(page.items.count == 1)
        #expect(page.items.first == (try await t.store.request(id: r.id)))
        #expect(page.items.first?.distribution == d)
        #expect(page.items.first?.history.count == 3)
        #expect(page.nextCursor == nil)
    }

    @Test(arguments: StoreFactory.all, [1, 3, 7, 25, 26, 100])
    func pagingCoversEveryRowExactlyOnce(_ factory: StoreFactory, limit: Int) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        var expected: [String] = []
        for i in 0..<25 {
            let target = [TargetRef(.customer, "C1"), TargetRef(.account, "A1"), TargetRef(.subscription, "S1")][i % 3]
            expected.append(try await F.submit(t.store, F.request(target: target, at: F.t0.addingTimeInterval(Double(i) * 0.5))).id)
        }
        _ = try await F.submit(t.store, F.request(target: TargetRef(.customer, "C2"), at: F.t0.addingTimeInterval(5.25)))
        expected.reverse()
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await t.store.requests(RequestQuery(customerId: "C1", limit: limit, cursor: cursor))
            #expect(page.items.count <= limit)
            #expect(page.items.count == limit || page.nextCursor == nil)
            seen += page.items.map(\.request.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 100
        #expect(seen == expected)
        #expect(pages == max(1, (25 + limit - 1) / limit))
    }
}
