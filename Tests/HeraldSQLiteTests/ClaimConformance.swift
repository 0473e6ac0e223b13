import Foundation
import HeraldCore
import Synchronization
import Testing

/// A counter shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

@Suite("CommsStore conformance: claims")
struct ClaimConformance {
    typealias F = Fixtures

    @Test(arguments: StoreFactory.durable)
    func monitorClaimsByPriorityThenAge(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let oldLow = try await F.submit(t.store, F.request(priority: 3, at: F.t0))
        let oldHigh = try await F.submit(t.store, F.request(priority: 1, at: F.t0.addingTimeInterval(1)))
        let newLow = try await F.submit(t.store, F.request(priority: 3, at: F.t0.addingTimeInterval(2)))
        let newHigh = try await F.submit(t.store, F.request(priority: 1, at: F.t0.addingTimeInterval(3)))
        let medium = try await F.submit(t.store, F.request(priority: 2, at: F.t0.addingTimeInterval(4)))
        // One at a time: the selection itself follows the order, not just the returned batch.
        var order: [String] = []
        for i in 0..<5 {
            let items = try await t.store.claim(.monitor, ticket: F.ticket("w\(i)", at: F.t0.addingTimeInterval(10)), limit: 1)
            #expect(items.count == 1)
            order += items.map(\.request.id)
        }
        #expect(order == [oldHigh.id, newHigh.id, medium.id, oldLow.id, newLow.id])
        #expect(try await t.store.claim(.monitor, ticket: F.ticket("w9", at: F.t0.addingTimeInterval(10)), limit: 10).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func batchClaimIsInStageOrderAndHonoursTheLimit(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        var expected: [(Int, Int, String)] = []
        for i in 0..<9 {
            let p = [3, 1, 2][i % 3]
            let r = try await F.submit(t.store, F.request(priority: p, at: F.t0.addingTimeInterval(Double(i))))
            expected.append((p, i, r.id))
        }
        expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let first = try await t.store.claim(.monitor, ticket: F.ticket("a", at: F.t0.addingTimeInterval(60)), limit: 4)
        #expect(first.map(\.request.id) == expected.prefix(4).map(\.2))
        #expect(first.allSatisfy { $0.distribution == nil && $0.request.status == .awaitingProcessing })
        let rest = try await t.store.claim(.monitor, ticket: F.ticket("b", at: F.t0.addingTimeInterval(60)), limit: 100)
        #expect(rest.map(\.request.id) == expected.dropFirst(4).map(\.2))
    }

    @Test(arguments: StoreFactory.all)
    func onlyAwaitingProcessingIsClaimedByTheMonitor(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let event = WorkflowEvent(id: Identifier.make(now: F.t0), eventType: "DEBT", eventCode: "DBAR", target: TargetRef(.customer, "C1"),
                                  whenToCreate: .onResolve, createdAt: F.t0)
        let waiting = F.request(status: .awaitingEventResolution, event: event.id)
        _ = try await t.store.submit(TriggerSubmission(requests: [waiting], event: event, actor: "a"), idempotencyWindow: F.window)
        let cancelled = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(1)))
        _ = try await t.store.cancelRequest(id: cancelled.id, actor: "agent", reason: nil, at: F.t0.addingTimeInterval(2))
        #expect(try await t.store.claim(.monitor, ticket: F.ticket(at: F.t0.addingTimeInterval(5)), limit: 10).isEmpty)
        _ = try await t.store.resolveEvent(id: event.id, actor: "billing", at: F.t0.addingTimeInterval(6))
        let items = try await t.store.claim(.monitor, ticket: F.ticket(at: F.t0.addingTimeInterval(7)), limit: 10)
        #expect(items.map(\.request.id) == [waiting.id])
    }

    /// Two workers claiming concurrently from separate connection pools never get the same
    /// row, and between them get every row.
    @Test(arguments: StoreFactory.shared)
    func concurrentClaimersNeverShareARow(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let total = 2000
        let targets = [TargetRef(.customer, "C1"), TargetRef(.account, "A1"), TargetRef(.subscription, "S1"), TargetRef(.customer, "C2")]
        let submissions = (0..<total).map { i in
            TriggerSubmission(requests: [F.request(target: targets[i % targets.count], priority: 1 + i % 3,
                                                   at: F.t0.addingTimeInterval(Double(i) / 1000))], actor: "bench")
        }
        let results = try await t.store.submitBatch(submissions, idempotencyWindow: F.window)
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let second = try #require(try await t.openAnother())
        let stores: [any CommsStore] = [t.store, second]

        // Each worker waits after its first claim until the other has claimed too, so both are
        // certain to have work and the rest of the run overlaps.
        let started = Counter()
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (w, store) in stores.enumerated() {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let ticket = F.ticket("worker-\(w)", at: F.t0.addingTimeInterval(3600), lease: .seconds(300))
                        let items = try await store.claim(.monitor, ticket: ticket, limit: 100)
                        if items.isEmpty { return mine }
                        if mine.isEmpty {
                            started.increment()
                            for _ in 0..<5000 where started.value < stores.count {
                                try await Task.sleep(for: .milliseconds(1))
                            }
                        }
                        mine += items.map(\.request.id)
                        // Complete half the batches, leave the others claimed: both must stay exclusive.
                        if mine.count % 200 == 0 {
                            let changes = try items.map { item in
                                Change(requestId: item.request.id, request: try RequestTransition(
                                    requestId: item.request.id, from: .awaitingProcessing, to: .processed, actor: "w\(w)",
                                    at: ticket.now))
                            }
                            let report = try await store.commit(changes, ticket: ticket)
                            #expect(report == CommitReport(applied: items.count))
                        }
                        await Task.yield()
                    }
                }
            }
            var all: [[String]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
        let flat = claimed.flatMap { $0 }
        #expect(flat.count == total)
        #expect(Set(flat).count == total)
        #expect(Set(flat) == Set(results.compactMap { try? $0.get().requestIds.first }))
        #expect(claimed.allSatisfy { !$0.isEmpty }, "both workers should have had work: \(claimed.map(\.count))")
    }

    @Test(arguments: StoreFactory.durable)
    func claimedRowIsHeldUntilItsLeaseEnds(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let a = F.ticket("a", at: F.t0.addingTimeInterval(10), lease: .seconds(30))
        #expect(try await t.store.claim(.monitor, ticket: a, limit: 10).map(\.request.id) == [r.id])
        #expect(try await t.store.claim(.monitor, ticket: F.ticket("b", at: F.t0.addingTimeInterval(11)), limit: 10).isEmpty)
        #expect(try await t.store.claim(.monitor, ticket: F.ticket("b", at: F.t0.addingTimeInterval(39)), limit: 10).isEmpty)
        #expect(try await t.store.nextDue(.monitor, now: F.t0.addingTimeInterval(11)) == a.leaseUntil)
        let b = F.ticket("b", at: F.t0.addingTimeInterval(41))
        let again = try await t.store.claim(.monitor, ticket: b, limit: 10)
        #expect(again.map(\.request.id) == [r.id])
    }

    @Test(arguments: StoreFactory.durable)
    func staleTicketCommitIsAConflictAndChangesNothing(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let a = F.ticket("a", at: F.t0, lease: .seconds(30))
        _ = try await t.store.claim(.monitor, ticket: a, limit: 1)
        let b = F.ticket("b", at: F.t0.addingTimeInterval(60), lease: .seconds(30))
        #expect(try await t.store.claim(.monitor, ticket: b, limit: 1).map(\.request.id) == [r.id])

        let at = F.t0.addingTimeInterval(61)
        let stale = Change(requestId: r.id,
                           request: try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "a", at: at),
                           newDistribution: F.distribution(for: r, at: at),
                           problems: [RequestProblem(kind: .error, reason: "stale", at: at)])
        let report = try await t.store.commit([stale], ticket: a)
        #expect(report == CommitReport(applied: 0, conflicts: [r.id]))
        let after = try #require(try await t.store.request(id: r.id))
        #expect(after.request.status == .awaitingProcessing)
        #expect(after.distribution == nil)
        #expect(after.problems.isEmpty)
        #expect(after.history.count == 1)
        // Worker a's conflict did not free b's claim.
        #expect(try await t.store.claim(.monitor, ticket: F.ticket("c", at: at), limit: 1).isEmpty)

        let fresh = Change(requestId: r.id,
                           request: try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "b", at: at),
                           newDistribution: F.distribution(for: r, at: at))
        #expect(try await t.store.commit([fresh], ticket: b) == CommitReport(applied: 1))
        #expect(try await t.store.request(id: r.id)?.request.status == .processed)
    }

    @Test(arguments: StoreFactory.durable)
    func commitAppliesTheWholeUnit(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request(target: TargetRef(.subscription, "S1"), priority: 1))
        let ticket = F.ticket(at: F.t0.addingTimeInterval(5))
        _ = try await t.store.claim(.monitor, ticket: ticket, limit: 10)
        let at = F.t0.addingTimeInterval(6)
        let d = F.distribution(for: r, method: .sms, target: "+447700900111", excludedUntil: at.addingTimeInterval(600), at: at)
        let event = WorkflowEvent(id: Identifier.make(now: at), eventType: WorkflowEvent.commsNotSentType,
                                  eventCode: WorkflowEvent.commsNotSentCode, target: r.target, whenToCreate: .onCreate,
                                  relatedRequestId: r.id, note: "note", createdAt: at)
        let problem = RequestProblem(kind: .notSent, reason: "just testing", at: at)
        let change = Change(
            requestId: r.id,
            request: try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "comms-monitor",
                                           reason: "held", at: at),
            newDistribution: d, problems: [problem], raisedEvents: [event])
        #expect(try await t.store.commit([change], ticket: ticket) == CommitReport(applied: 1))

        let detail = try #require(try await t.store.request(id: r.id))
        #expect(detail.request.status == .processed)
        #expect(detail.request.updatedAt == at)
        #expect(detail.distribution == d)
        #expect(detail.problems == [problem])
        #expect(try await t.store.workflowEvent(id: event.id) == event)
        #expect(detail.history.map(\.entity) == [.request, .request, .distribution])
        #expect(detail.history.map(\.from) == [nil, "awaitingProcessing", nil])
        #expect(detail.history.map(\.to) == ["awaitingProcessing", "processed", "awaitingDistribution"])
        #expect(detail.history[1].actor == "comms-monitor" && detail.history[1].reason == "held")
        // Done: not claimable by the monitor any more, even after the lease.
        #expect(try await t.store.claim(.monitor, ticket: F.ticket(at: F.t0.addingTimeInterval(3600)), limit: 10).isEmpty)
    }

    @Test(arguments: StoreFactory.durable)
    func guardFailureSkipsTheWholeUnit(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r = try await F.submit(t.store, F.request())
        let other = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(1)))
        let ticket = F.ticket(at: F.t0.addingTimeInterval(5))
        #expect(try await t.store.claim(.monitor, ticket: ticket, limit: 10).count == 2)
        // An agent cancels one while the monitor works.
        _ = try await t.store.cancelRequest(id: r.id, actor: "agent:kim", reason: "customer asked", at: F.t0.addingTimeInterval(6))

        let at = F.t0.addingTimeInterval(7)
        func unit(_ req: CommsRequest) throws -> (Change, WorkflowEvent) {
            let event = WorkflowEvent(id: Identifier.make(now: at), eventType: "COMMS", eventCode: "CNS", target: req.target,
                                      whenToCreate: .onCreate, relatedRequestId: req.id, createdAt: at)
            let change = Change(
                requestId: req.id,
                request: try RequestTransition(requestId: req.id, from: .awaitingProcessing, to: .processed, actor: "comms-monitor", at: at),
                newDistribution: F.distribution(for: req, at: at),
                problems: [RequestProblem(kind: .notSent, reason: "x", at: at)], raisedEvents: [event])
            return (change, event)
        }
        let (c1, e1) = try unit(r)
        let (c2, e2) = try unit(other)
        let report = try await t.store.commit([c1, c2], ticket: ticket)
        #expect(report == CommitReport(applied: 1, conflicts: [r.id]))

        let cancelled = try #require(try await t.store.request(id: r.id))
        #expect(cancelled.request.status == .cancelled)
        #expect(cancelled.distribution == nil)
        #expect(cancelled.problems.isEmpty)
        #expect(cancelled.history.map(\.to) == ["awaitingProcessing", "cancelled"])
        #expect(try await t.store.workflowEvent(id: e1.id) == nil)
        // The other unit in the same commit was applied.
        let done = try #require(try await t.store.request(id: other.id))
        #expect(done.request.status == .processed)
        #expect(done.distribution != nil)
        #expect(try await t.store.workflowEvent(id: e2.id) != nil)
        #expect(try await t.store.queueDepths(now: at).first { $0.stage == .send(.sms) }?.waiting == 1)
    }

    /// Units of a batch without raised events are written without savepoints (their guard comes
    /// first); one that fails half-way on a constraint makes the commit start again with a
    /// savepoint per unit, so that unit alone conflicts and leaves nothing behind.
    @Test(arguments: StoreFactory.durable)
    func aUnitFailingHalfWayWithoutASavepointIsRetriedWithOne(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (_, existing) = try await F.processed(t.store)
        let a = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(1)))
        let b = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(2)))
        let c = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(3)))
        let ticket = F.ticket(at: F.t0.addingTimeInterval(5))
        #expect(try await t.store.claim(.monitor, ticket: ticket, limit: 10).count == 3)
        let at = F.t0.addingTimeInterval(6)
        func unit(_ r: CommsRequest, distribution: Distribution) throws -> Change {
            Change(requestId: r.id,
                   request: try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "comms-monitor", at: at),
                   newDistribution: distribution)
        }
        // b's new distribution reuses an existing distribution's id: its insert fails on the
        // primary key after its request guard has already moved the request.
        var clash = F.distribution(for: b, at: at)
        clash.id = existing.id
        let report = try await t.store.commit(
            [try unit(a, distribution: F.distribution(for: a, at: at)), try unit(b, distribution: clash),
             try unit(c, distribution: F.distribution(for: c, at: at))], ticket: ticket)
        #expect(report == CommitReport(applied: 2, conflicts: [b.id]))
        let untouched = try #require(try await t.store.request(id: b.id))
        #expect(untouched.request.status == .awaitingProcessing)
        #expect(untouched.history.map(\.to) == ["awaitingProcessing"])
        for r in [a, c] {
            let done = try #require(try await t.store.request(id: r.id))
            #expect(done.request.status == .processed && done.distribution != nil)
            #expect(done.history.map(\.to) == ["awaitingProcessing", "processed", "awaitingDistribution"])
        }
        // A unit whose request already has a distribution conflicts before writing anything.
        let again = try unit(a, distribution: F.distribution(for: a, at: at.addingTimeInterval(1)))
        #expect(try await t.store.commit([again], ticket: nil) == CommitReport(applied: 0, conflicts: [a.id]))
        #expect(try await t.store.request(id: a.id)?.history.count == 3)
    }

    @Test(arguments: StoreFactory.all)
    func secondDistributionForARequestIsAConflict(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, d) = try await F.processed(t.store)
        let extra = Change(requestId: r.id, newDistribution: F.distribution(for: r, method: .email, at: F.t0.addingTimeInterval(1)))
        #expect(try await t.store.commit([extra], ticket: nil) == CommitReport(applied: 0, conflicts: [r.id]))
        #expect(try await t.store.request(id: r.id)?.distribution == d)
    }

    @Test(arguments: StoreFactory.durable)
    func sendStageRespectsExcludedUntil(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let until = F.t0.addingTimeInterval(3600)
        let (r, d) = try await F.processed(t.store, method: .sms, excludedUntil: until)
        #expect(d.status == .awaitingDistribution)
        #expect(d.excludedUntil == until)
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: F.t0.addingTimeInterval(1800)), limit: 10).isEmpty)
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: until.addingTimeInterval(-1)), limit: 10).isEmpty)
        #expect(try await t.store.nextDue(.send(.sms), now: F.t0.addingTimeInterval(1800)) == until)
        let items = try await t.store.claim(.send(.sms), ticket: F.ticket(at: until.addingTimeInterval(1)), limit: 10)
        #expect(items.count == 1)
        #expect(items.first?.request.id == r.id)
        #expect(items.first?.request.status == .processed)
        #expect(items.first?.distribution == d)
    }

    @Test(arguments: StoreFactory.durable)
    func errorRetryIsClaimedAgainAfterRetryAt(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, _) = try await F.processed(t.store, method: .sms)
        let sendAt = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("sender", at: sendAt)
        let items = try await t.store.claim(.send(.sms), ticket: ticket, limit: 10)
        let d = try #require(items.first?.distribution)
        var failed = try DistributionTransition(distribution: d, to: .errorRetry, actor: "sender:sms", reason: "SMSC busy", at: sendAt)
        let retryAt = sendAt.addingTimeInterval(7200)
        failed.retryAt = retryAt
        failed.attempts = 1
        failed.lastError = "SMSC busy"
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: failed)], ticket: ticket) == CommitReport(applied: 1))

        let stored = try #require(try await t.store.request(id: r.id)?.distribution)
        #expect(stored.status == .errorRetry && stored.retryAt == retryAt && stored.attempts == 1 && stored.lastError == "SMSC busy")
        // The commit released the claim, but the retry time holds the row back.
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: sendAt.addingTimeInterval(60)), limit: 10).isEmpty)
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: retryAt.addingTimeInterval(-1)), limit: 10).isEmpty)
        #expect(try await t.store.nextDue(.send(.sms), now: sendAt.addingTimeInterval(60)) == retryAt)
        let retryTicket = F.ticket("sender", at: retryAt.addingTimeInterval(1))
        let again = try await t.store.claim(.send(.sms), ticket: retryTicket, limit: 10)
        let retried = try #require(again.first?.distribution)
        #expect(retried.status == .errorRetry)
        #expect(retried.attempts == 1)

        var sent = try DistributionTransition(distribution: retried, to: .sent, actor: "sender:sms", at: retryTicket.now)
        sent.reference = "smsc-42"
        sent.sentAt = retryTicket.now
        sent.attempts = 2
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: sent)], ticket: retryTicket) == CommitReport(applied: 1))
        let final = try #require(try await t.store.request(id: r.id))
        #expect(final.distribution?.status == .sent)
        #expect(final.distribution?.reference == "smsc-42")
        #expect(final.distribution?.sentAt == retryTicket.now)
        #expect(final.distribution?.attempts == 2)
        #expect(final.distribution?.lastError == "SMSC busy")
        #expect(final.history.filter { $0.entity == .distribution }.map(\.to) == ["awaitingDistribution", "errorRetry", "sent"])
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: retryAt.addingTimeInterval(9999)), limit: 10).isEmpty)
        #expect(try await t.store.nextDue(.send(.sms), now: retryAt) == nil)
    }

    @Test(arguments: StoreFactory.all)
    func sendCommitUnderAStaleTicketIsAConflict(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, _) = try await F.processed(t.store, method: .sms)
        let a = F.ticket("a", at: F.t0.addingTimeInterval(10), lease: .seconds(30))
        let d = try #require(try await t.store.claim(.send(.sms), ticket: a, limit: 1).first?.distribution)
        let b = F.ticket("b", at: F.t0.addingTimeInterval(100), lease: .seconds(30))
        #expect(try await t.store.claim(.send(.sms), ticket: b, limit: 1).count == 1)
        var sent = try DistributionTransition(distribution: d, to: .sent, actor: "sender:sms", at: F.t0.addingTimeInterval(101))
        sent.reference = "late"
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: sent)], ticket: a) == CommitReport(applied: 0, conflicts: [r.id]))
        let stored = try #require(try await t.store.request(id: r.id)?.distribution)
        #expect(stored.status == .awaitingDistribution && stored.reference == nil)
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: sent)], ticket: b) == CommitReport(applied: 1))
    }

    @Test(arguments: StoreFactory.all)
    func mergeStageClaimsOnlyAwaitingMergeOfItsMethod(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (emailReq, emailDist) = try await F.processed(t.store, method: .email, at: F.t0)
        let (letterReq, letterDist) = try await F.processed(t.store, method: .letter, at: F.t0.addingTimeInterval(1))
        let (smsReq, _) = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(2))
        #expect(emailDist.status == .awaitingMerge && letterDist.status == .awaitingMerge)
        let now = F.t0.addingTimeInterval(10)
        #expect(try await t.store.claim(.send(.email), ticket: F.ticket(at: now), limit: 10).isEmpty)
        #expect(try await t.store.claim(.merge(.sms), ticket: F.ticket(at: now), limit: 10).isEmpty)
        let email = try await t.store.claim(.merge(.email), ticket: F.ticket(at: now), limit: 10)
        #expect(email.map(\.request.id) == [emailReq.id])
        #expect(email.first?.distribution == emailDist)
        let letterTicket = F.ticket(at: now)
        let letter = try await t.store.claim(.merge(.letter), ticket: letterTicket, limit: 10)
        #expect(letter.map(\.request.id) == [letterReq.id])
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket(at: now), limit: 10).map(\.request.id) == [smsReq.id])

        // Merged: awaitingMerge → awaitingDistribution; then the letter sender sees it.
        var merged = try DistributionTransition(distribution: letterDist, to: .awaitingDistribution, actor: "letter-monitor", at: now)
        merged.fileLocation = "2026/11/27/10/letter.html"
        #expect(try await t.store.commit([Change(requestId: letterReq.id, distribution: merged)], ticket: letterTicket) == CommitReport(applied: 1))
        #expect(try await t.store.claim(.merge(.letter), ticket: F.ticket(at: now.addingTimeInterval(3600)), limit: 10).isEmpty)
        let toSend = try await t.store.claim(.send(.letter), ticket: F.ticket(at: now.addingTimeInterval(1)), limit: 10)
        #expect(toSend.first?.distribution?.fileLocation == "2026/11/27/10/letter.html")
        #expect(toSend.first?.distribution?.status == .awaitingDistribution)
    }

    @Test(arguments: StoreFactory.all)
    func renewKeepsOnlyTheTicketsRowsPastTheirFirstLease(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r1 = try await F.submit(t.store, F.request())
        let (_, d) = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(2))
        let now = F.t0.addingTimeInterval(10)
        let a = F.ticket("a", at: now, lease: .seconds(30))
        #expect(try await t.store.claim(.monitor, ticket: a, limit: 10).map(\.request.id) == [r1.id])
        #expect(try await t.store.claim(.send(.sms), ticket: a, limit: 10).map(\.distribution?.id) == [d.id])
        #expect(try await t.store.renew(.monitor, ticket: a, until: now.addingTimeInterval(300)) == 1)
        #expect(try await t.store.renew(.send(.sms), ticket: F.ticket("stranger", at: now), until: now.addingTimeInterval(300)) == 0)
        // 60 s on: the first lease has ended; the renewed monitor claim holds, the send claim does not.
        let later = F.ticket("b", at: now.addingTimeInterval(60))
        #expect(try await t.store.claim(.monitor, ticket: later, limit: 10).isEmpty)
        #expect(try await t.store.claim(.send(.sms), ticket: later, limit: 10).map(\.distribution?.id) == [d.id])
        // After the renewed lease, the request is due again.
        #expect(try await t.store.claim(.monitor, ticket: F.ticket("c", at: now.addingTimeInterval(301)), limit: 10).map(\.request.id) == [r1.id])
    }

    @Test(arguments: StoreFactory.durable)
    func releaseFreesClaims(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let r1 = try await F.submit(t.store, F.request())
        let r2 = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(1)))
        let (_, d) = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(2))
        let now = F.t0.addingTimeInterval(10)
        let a = F.ticket("a", at: now, lease: .seconds(300))
        let other = F.ticket("other", at: now, lease: .seconds(300))
        #expect(try await t.store.claim(.monitor, ticket: a, limit: 1).map(\.request.id) == [r1.id])
        #expect(try await t.store.claim(.monitor, ticket: other, limit: 1).map(\.request.id) == [r2.id])
        #expect(try await t.store.claim(.send(.sms), ticket: a, limit: 10).map(\.distribution?.id) == [d.id])
        try await t.store.release(.monitor, ticket: a)
        // Only a's monitor claim is released: r1 is claimable, r2 (other's) and the distribution are not.
        let later = F.ticket("b", at: now.addingTimeInterval(1))
        #expect(try await t.store.claim(.monitor, ticket: later, limit: 10).map(\.request.id) == [r1.id])
        #expect(try await t.store.claim(.send(.sms), ticket: later, limit: 10).isEmpty)
        try await t.store.release(.send(.sms), ticket: a)
        #expect(try await t.store.claim(.send(.sms), ticket: F.ticket("c", at: now.addingTimeInterval(2)), limit: 10).map(\.distribution?.id) == [d.id])
        // Releasing leaves the rows unchanged.
        #expect(try await t.store.request(id: r1.id)?.request.status == .awaitingProcessing)
        #expect(try await t.store.request(id: r1.id)?.history.count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func nextDueReportsTheEarliestTime(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        #expect(try await t.store.nextDue(.monitor, now: F.t0) == nil)
        #expect(try await t.store.nextDue(.send(.sms), now: F.t0) == nil)
        #expect(try await t.store.nextDue(.merge(.email), now: F.t0) == nil)

        // Monitor: a leased row is due at its lease end; the earliest lease wins.
        _ = try await F.submit(t.store, F.request())
        _ = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(1)))
        let a = F.ticket("a", at: F.t0.addingTimeInterval(5), lease: .seconds(60))
        let b = F.ticket("b", at: F.t0.addingTimeInterval(6), lease: .seconds(20))
        _ = try await t.store.claim(.monitor, ticket: a, limit: 1)
        _ = try await t.store.claim(.monitor, ticket: b, limit: 1)
        #expect(try await t.store.nextDue(.monitor, now: F.t0.addingTimeInterval(7)) == b.leaseUntil)

        // Send: the earliest of excluded-until times among rows of that method.
        let later = F.t0.addingTimeInterval(7200)
        let sooner = F.t0.addingTimeInterval(3600)
        _ = try await F.processed(t.store, method: .sms, excludedUntil: later, at: F.t0.addingTimeInterval(2))
        _ = try await F.processed(t.store, method: .sms, excludedUntil: sooner, at: F.t0.addingTimeInterval(3))
        _ = try await F.processed(t.store, method: .push, excludedUntil: F.t0.addingTimeInterval(60), at: F.t0.addingTimeInterval(4))
        #expect(try await t.store.nextDue(.send(.sms), now: F.t0.addingTimeInterval(10)) == sooner)
        #expect(try await t.store.nextDue(.send(.push), now: F.t0.addingTimeInterval(10)) == F.t0.addingTimeInterval(60))
        #expect(try await t.store.nextDue(.send(.email), now: F.t0.addingTimeInterval(10)) == nil)
        // A claimed row whose lease outlasts its exclusion is due at the lease end.
        let s = F.ticket("s", at: sooner.addingTimeInterval(1), lease: .seconds(600))
        #expect(try await t.store.claim(.send(.sms), ticket: s, limit: 10).count == 1)
        #expect(try await t.store.nextDue(.send(.sms), now: sooner.addingTimeInterval(2)) == s.leaseUntil)
    }

    @Test(arguments: StoreFactory.all)
    func nextDueIsNotLaterThanNowWhenSomethingIsClaimable(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        _ = try await F.submit(t.store, F.request())
        _ = try await F.processed(t.store, method: .email, at: F.t0.addingTimeInterval(1))
        _ = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(2))
        let now = F.t0.addingTimeInterval(10)
        for stage in [Stage.monitor, .merge(.email), .send(.sms)] {
            let due = try await t.store.nextDue(stage, now: now)
            #expect(due != nil && due! <= now, "\(stage): \(String(describing: due))")
        }
    }

    @Test(arguments: StoreFactory.all)
    func queueDepthsCountPerStage(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let empty = try await t.store.queueDepths(now: F.t0)
        #expect(Set(empty.map(\.stage)) == Set(Stage.all))
        #expect(empty.allSatisfy { $0.waiting == 0 })

        for i in 0..<3 { _ = try await F.submit(t.store, F.request(at: F.t0.addingTimeInterval(Double(i)))) }
        _ = try await F.processed(t.store, method: .email, at: F.t0.addingTimeInterval(10))
        _ = try await F.processed(t.store, method: .email, at: F.t0.addingTimeInterval(11))
        _ = try await F.processed(t.store, method: .letter, at: F.t0.addingTimeInterval(12))
        _ = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(13))
        let (pr, pd) = try await F.processed(t.store, method: .push, at: F.t0.addingTimeInterval(14))
        let (sr, sd) = try await F.processed(t.store, method: .sms, at: F.t0.addingTimeInterval(15))
        // One sms retrying still waits; one push sent no longer does.
        var retry = try DistributionTransition(distribution: sd, to: .errorRetry, actor: "s", at: F.t0.addingTimeInterval(20))
        retry.retryAt = F.t0.addingTimeInterval(30)
        var sent = try DistributionTransition(distribution: pd, to: .sent, actor: "s", at: F.t0.addingTimeInterval(20))
        sent.sentAt = F.t0.addingTimeInterval(20)
        #expect(try await t.store.commit([Change(requestId: sr.id, distribution: retry), Change(requestId: pr.id, distribution: sent)],
                                         ticket: nil) == CommitReport(applied: 2))
        let depths = try await t.store.queueDepths(now: F.t0.addingTimeInterval(40))
        var by: [Stage: Int] = [:]
        for d in depths { by[d.stage] = d.waiting }
        #expect(by.count == Stage.all.count)
        #expect(by[.monitor] == 3)
        #expect(by[.merge(.email)] == 2)
        #expect(by[.merge(.letter)] == 1)
        #expect(by[.send(.sms)] == 2)
        #expect(by[.send(.push)] == 0)
        #expect(by[.send(.email)] == 0)
        #expect(by[.send(.letter)] == 0)
        #expect(by[.send(.online)] == 0)
    }
}

@Suite("CommsStore conformance: races")
struct RaceConformance {
    typealias F = Fixtures

    /// The Comms Monitor (one handle) and agents cancelling (another handle) race on the same
    /// requests: every request ends either processed with its distribution or cancelled
    /// without one, never both, and every monitor conflict is a cancelled request.
    @Test(arguments: StoreFactory.shared)
    func agentCancelRacingTheMonitor(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let total = 300
        let submissions = (0..<total).map { i in
            TriggerSubmission(requests: [F.request(at: F.t0.addingTimeInterval(Double(i) / 1000))], actor: "bench")
        }
        let ids = try await t.store.submitBatch(submissions, idempotencyWindow: F.window).map { try $0.get().requestIds[0] }
        let agentStore = try #require(try await t.openAnother())
        let monitorStore = t.store
        let now = F.t0.addingTimeInterval(60)

        async let monitorConflicts: [String] = {
            var conflicts: [String] = []
            while true {
                let ticket = F.ticket("monitor", at: now, lease: .seconds(300))
                let items = try await monitorStore.claim(.monitor, ticket: ticket, limit: 20)
                if items.isEmpty { return conflicts }
                let changes = try items.map { item in
                    Change(requestId: item.request.id,
                           request: try RequestTransition(requestId: item.request.id, from: .awaitingProcessing, to: .processed,
                                                          actor: "comms-monitor", at: now),
                           newDistribution: F.distribution(for: item.request, at: now))
                }
                await Task.yield()
                let report = try await monitorStore.commit(changes, ticket: ticket)
                #expect(report.applied + report.conflicts.count == items.count)
                conflicts += report.conflicts
            }
        }()
        async let agentOutcome: (cancelled: Set<String>, refused: Int) = {
            var cancelled = Set<String>()
            var refused = 0
            for id in ids.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
                do {
                    _ = try await agentStore.cancelRequest(id: id, actor: "agent", reason: nil, at: now)
                    cancelled.insert(id)
                } catch let e as HeraldError where e.kind == .illegalTransition {
                    refused += 1
                }
            }
            return (cancelled, refused)
        }()
        let conflicts = try await monitorConflicts
        let agent = try await agentOutcome
        #expect(agent.cancelled.count + agent.refused == (total + 2) / 3)
        #expect(Set(conflicts).isSubset(of: agent.cancelled))

        let all = try await F.allRequests(t.store)
        #expect(all.count == total)
        for d in all {
            switch d.request.status {
            case .processed:
                #expect(d.distribution != nil && !agent.cancelled.contains(d.request.id))
                #expect(d.history.map(\.to) == ["awaitingProcessing", "processed", "awaitingDistribution"])
            case .cancelled:
                #expect(d.distribution == nil && agent.cancelled.contains(d.request.id))
                #expect(d.history.map(\.to) == ["awaitingProcessing", "cancelled"])
            default:
                Issue.record("request \(d.request.id) ended \(d.request.status)")
            }
        }
    }
}
