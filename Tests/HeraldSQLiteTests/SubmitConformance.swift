import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: submit")
struct SubmitConformance {
    @Test(arguments: StoreFactory.durable)
    func submitStoresRequestsAndHistory(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let r = Fixtures.request("WELCOME", target: TargetRef(.subscription, "S1"), priority: 1, fields: ["OFFERCODE": "X1"])
        let result = try await t.store.submit(TriggerSubmission(requests: [r], actor: "api:crm"), idempotencyWindow: Fixtures.window)
        #expect(result == SubmissionResult(requestIds: [r.id], eventId: nil, replayed: false))
        let detail = try #require(try await t.store.request(id: r.id))
        #expect(detail.request == r)
        #expect(detail.distribution == nil)
        #expect(detail.problems.isEmpty)
        #expect(detail.history.count == 1)
        let h = try #require(detail.history.first)
        #expect(h.entity == .request)
        #expect(h.from == nil)
        #expect(h.to == RequestStatus.awaitingProcessing.rawValue)
        #expect(h.actor == "api:crm")
        #expect(h.at == r.createdAt)
    }

    @Test(arguments: StoreFactory.all)
    func submitWithAnEventStoresBoth(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let event = WorkflowEvent(id: Identifier.make(now: Fixtures.t0), eventType: "DEBT", eventCode: "DBAR",
                                  target: TargetRef(.account, "A1"), whenToCreate: .onResolve, note: "n", createdAt: Fixtures.t0)
        let r1 = Fixtures.request("PAYMENT_REMINDER", target: TargetRef(.account, "A1"), status: .awaitingEventResolution, event: event.id)
        let r2 = Fixtures.request("DEBT_LETTER", target: TargetRef(.account, "A1"), status: .awaitingEventResolution,
                                  at: Fixtures.t0.addingTimeInterval(0.001), event: event.id)
        let result = try await t.store.submit(TriggerSubmission(requests: [r1, r2], event: event, actor: "api:billing"),
                                              idempotencyWindow: Fixtures.window)
        #expect(result == SubmissionResult(requestIds: [r1.id, r2.id], eventId: event.id, replayed: false))
        #expect(try await t.store.workflowEvent(id: event.id) == event)
        for r in [r1, r2] {
            let d = try #require(try await t.store.request(id: r.id))
            #expect(d.request.status == .awaitingEventResolution)
            #expect(d.request.workflowEventId == event.id)
            #expect(d.history.map(\.to) == ["awaitingEventResolution"])
            #expect(d.history.first?.reason?.contains(event.id) == true)
        }
    }

    @Test(arguments: StoreFactory.all)
    func submitIsAtomic(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let event = WorkflowEvent(id: Identifier.make(now: Fixtures.t0), eventType: "DEBT", eventCode: "DBAR",
                                  target: TargetRef(.customer, "C1"), whenToCreate: .onCreate, createdAt: Fixtures.t0)
        let good = Fixtures.request(target: TargetRef(.customer, "C1"), event: event.id)
        let bad = Fixtures.request(target: TargetRef(.account, "A404"), at: Fixtures.t0.addingTimeInterval(1), event: event.id)
        let error = await heraldError {
            _ = try await t.store.submit(TriggerSubmission(requests: [good, bad], event: event, actor: "x"), idempotencyWindow: Fixtures.window)
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.field == "accountId")
        #expect(try await t.store.request(id: good.id) == nil)
        #expect(try await t.store.workflowEvent(id: event.id) == nil)
        #expect(try await Fixtures.allRequests(t.store).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func sameKeySameHashReplays(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let idem = TriggerSubmission.Idempotency(key: "k-1", bodyHash: "h-1")
        let first = Fixtures.request()
        let r1 = try await t.store.submit(TriggerSubmission(requests: [first], idempotency: idem, actor: "a"), idempotencyWindow: Fixtures.window)
        #expect(r1.replayed == false)
        t.clock.advance(3600)
        let second = Fixtures.request(at: Fixtures.t0.addingTimeInterval(3600))
        let r2 = try await t.store.submit(TriggerSubmission(requests: [second], idempotency: idem, actor: "a"), idempotencyWindow: Fixtures.window)
        #expect(r2.replayed == true)
        #expect(r2.requestIds == [first.id])
        #expect(r2.eventId == nil)
        #expect(try await t.store.request(id: second.id) == nil)
        let all = try await Fixtures.allRequests(t.store)
        #expect(all.map(\.request.id) == [first.id])
        #expect(all.first?.history.count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func replayReturnsTheEventToo(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let idem = TriggerSubmission.Idempotency(key: "k-ev", bodyHash: "h")
        func submission() -> TriggerSubmission {
            let e = WorkflowEvent(id: Identifier.make(), eventType: "DEBT", eventCode: "DBAR", target: TargetRef(.customer, "C1"),
                                  whenToCreate: .onCreate, createdAt: Fixtures.t0)
            return TriggerSubmission(requests: [Fixtures.request(event: e.id)], event: e, idempotency: idem, actor: "a")
        }
        let first = try await t.store.submit(submission(), idempotencyWindow: Fixtures.window)
        let again = try await t.store.submit(submission(), idempotencyWindow: Fixtures.window)
        #expect(again == SubmissionResult(requestIds: first.requestIds, eventId: first.eventId, replayed: true))
    }

    @Test(arguments: StoreFactory.all)
    func sameKeyDifferentHashConflicts(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let first = Fixtures.request()
        _ = try await t.store.submit(TriggerSubmission(requests: [first], idempotency: .init(key: "k-2", bodyHash: "h-1"), actor: "a"),
                                     idempotencyWindow: Fixtures.window)
        let second = Fixtures.request(at: Fixtures.t0.addingTimeInterval(1))
        let error = await heraldError {
            _ = try await t.store.submit(TriggerSubmission(requests: [second], idempotency: .init(key: "k-2", bodyHash: "h-2"), actor: "a"),
                                         idempotencyWindow: Fixtures.window)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.field == "Idempotency-Key")
        #expect(try await Fixtures.allRequests(t.store).map(\.request.id) == [first.id])
    }

    @Test(arguments: StoreFactory.all)
    func expiredKeyMakesANewRequest(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let idem = TriggerSubmission.Idempotency(key: "k-3", bodyHash: "h-1")
        let first = Fixtures.request()
        _ = try await t.store.submit(TriggerSubmission(requests: [first], idempotency: idem, actor: "a"), idempotencyWindow: Fixtures.window)
        t.clock.advance(23 * 3600)
        let within = try await t.store.submit(TriggerSubmission(requests: [Fixtures.request(at: t.clock.now)], idempotency: idem, actor: "a"),
                                              idempotencyWindow: Fixtures.window)
        #expect(within.replayed)
        t.clock.set(Fixtures.t0.addingTimeInterval(25 * 3600))
        let second = Fixtures.request(at: t.clock.now)
        let after = try await t.store.submit(TriggerSubmission(requests: [second], idempotency: idem, actor: "a"), idempotencyWindow: Fixtures.window)
        #expect(after == SubmissionResult(requestIds: [second.id], eventId: nil, replayed: false))
        #expect(Set(try await Fixtures.allRequests(t.store).map(\.request.id)) == [first.id, second.id])
        // The new result is what the key now replays, and with a different body it conflicts.
        t.clock.advance(60)
        let replay = try await t.store.submit(TriggerSubmission(requests: [Fixtures.request(at: t.clock.now)], idempotency: idem, actor: "a"),
                                              idempotencyWindow: Fixtures.window)
        #expect(replay.requestIds == [second.id] && replay.replayed)
    }

    @Test(arguments: StoreFactory.all)
    func batchItemFailureDoesNotStopTheOthers(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let good1 = Fixtures.request(target: TargetRef(.customer, "C1"))
        let badEvent = WorkflowEvent(id: Identifier.make(now: Fixtures.t0), eventType: "DEBT", eventCode: "DBAR",
                                     target: TargetRef(.customer, "C404"), whenToCreate: .onCreate, createdAt: Fixtures.t0)
        let bad = Fixtures.request(target: TargetRef(.customer, "C404"), at: Fixtures.t0.addingTimeInterval(1), event: badEvent.id)
        let good2 = Fixtures.request(target: TargetRef(.subscription, "S1"), at: Fixtures.t0.addingTimeInterval(2))
        let results = try await t.store.submitBatch([
            TriggerSubmission(requests: [good1], actor: "import"),
            TriggerSubmission(requests: [bad], event: badEvent, idempotency: .init(key: "bad", bodyHash: "h"), actor: "import"),
            TriggerSubmission(requests: [good2], actor: "import"),
        ], idempotencyWindow: Fixtures.window)
        #expect(results.count == 3)
        #expect((try? results[0].get()) == SubmissionResult(requestIds: [good1.id], eventId: nil, replayed: false))
        #expect((try? results[2].get()) == SubmissionResult(requestIds: [good2.id], eventId: nil, replayed: false))
        guard case .failure(let error) = results[1] else {
            Issue.record("the unknown target should fail")
            return
        }
        #expect(error.kind == .invalidInput)
        #expect(error.field == "customerId")
        #expect(try await t.store.request(id: bad.id) == nil)
        #expect(try await t.store.workflowEvent(id: badEvent.id) == nil)
        #expect(Set(try await Fixtures.allRequests(t.store).map(\.request.id)) == [good1.id, good2.id])
        // The failed item did not record its idempotency key: the same key is free.
        let retry = Fixtures.request(target: TargetRef(.customer, "C1"), at: Fixtures.t0.addingTimeInterval(3))
        let r = try await t.store.submit(TriggerSubmission(requests: [retry], idempotency: .init(key: "bad", bodyHash: "other"), actor: "a"),
                                         idempotencyWindow: Fixtures.window)
        #expect(r.replayed == false)
    }

    @Test(arguments: StoreFactory.all)
    func batchReplaysWithinTheBatch(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let a = Fixtures.request()
        let b = Fixtures.request(at: Fixtures.t0.addingTimeInterval(1))
        let c = Fixtures.request(at: Fixtures.t0.addingTimeInterval(2))
        let results = try await t.store.submitBatch([
            TriggerSubmission(requests: [a], idempotency: .init(key: "k", bodyHash: "h"), actor: "i"),
            TriggerSubmission(requests: [b], idempotency: .init(key: "k", bodyHash: "h"), actor: "i"),
            TriggerSubmission(requests: [c], idempotency: .init(key: "k", bodyHash: "different"), actor: "i"),
        ], idempotencyWindow: Fixtures.window)
        #expect((try? results[0].get())?.replayed == false)
        #expect((try? results[1].get()) == SubmissionResult(requestIds: [a.id], eventId: nil, replayed: true))
        guard case .failure(let e) = results[2] else {
            Issue.record("a different body under the same key should conflict")
            return
        }
        #expect(e.kind == .conflict)
        #expect(try await Fixtures.allRequests(t.store).map(\.request.id) == [a.id])
    }
}
