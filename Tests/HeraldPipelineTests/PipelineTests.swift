import Foundation
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import ServiceLifecycle
import Synchronization
import Testing

struct PipelineTests {
    let clock = TestClock()
    let signals = WorkSignals()

    func loop(_ store: SQLiteStore, _ stage: Stage, retry: RetryPolicy = .init(), lease: Duration = .seconds(60)) -> ClaimLoop {
        var config = WorkerConfiguration()
        config.retry = retry
        config.lease = lease
        config.batchSize = 100
        return ClaimLoop(stage: stage, store: store, signals: signals, configuration: config, clock: clock.function,
                         logger: Logger(label: "test"), workerName: "test/\(stage)")
    }

    func runMonitor(_ store: SQLiteStore, catalog: any TemplateCatalog = FakeCatalog()) async throws -> Int {
        let monitor = CommsMonitor(loop: loop(store, .monitor), catalog: catalog)
        return try await monitor.loop.runOnce { items, ticket in try await monitor.handle(items, ticket: ticket) }
    }

    @Test func monitorWritesDistributionAndProcessesRequest() async throws {
        let store = try await makeStore(clock: clock)
        let email = try await submit(store, code: "WELCOME", customer: "C-1", clock: clock)
        let sms = try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)
        #expect(try await runMonitor(store) == 2)

        let e = try #require(try await store.request(id: email))
        #expect(e.request.status == .processed)
        #expect(e.distribution?.method == .email)
        #expect(e.distribution?.status == .awaitingMerge)
        #expect(e.distribution?.target == "zoe@example.net")
        #expect(e.distribution?.fields["DEARSIRMADAM"] == "Dear Ms Ångström")
        #expect(e.history.map(\.to) == ["awaitingProcessing", "processed", "awaitingMerge"])

        let s = try #require(try await store.request(id: sms))
        #expect(s.distribution?.status == .awaitingDistribution)
        #expect(s.distribution?.message == "WELCOME/sms/body: Zoë")
        #expect(s.distribution?.target == "+447700900123")
    }

    @Test func optedOutAndNotSentAreRecordedWithReasonsAndEvents() async throws {
        let store = try await makeStore(clock: clock)
        let optedOut = try await submit(store, code: "DATA_80", customer: "C-OPTOUT", clock: clock)
        let notSent = try await submit(store, code: "WELCOME", customer: "C-NOTHING", clock: clock)
        let monitor = CommsMonitor(loop: loop(store, .monitor), catalog: FakeCatalog())
        let ticket = ClaimTicket(worker: "t", now: clock.now, lease: .seconds(60))
        let items = try await store.claim(.monitor, ticket: ticket, limit: 10)
        let changes = try await monitor.decide(items)
        #expect(changes.allSatisfy { $0.raisedEvents.count == 1 && $0.raisedEvents[0].eventCode == WorkflowEvent.commsNotSentCode })
        _ = try await store.commit(changes, ticket: ticket)

        let o = try #require(try await store.request(id: optedOut))
        #expect(o.request.status == .optedOut)
        #expect(o.distribution == nil)
        #expect(o.problems.first?.kind == .optedOut)
        #expect(o.problems.first?.reason.contains("usage") == true)

        let n = try #require(try await store.request(id: notSent))
        #expect(n.request.status == .notSent)
        #expect(n.problems.first?.reason == "no valid email address; no valid mobile number")
        let eventId = try #require(changes.first?.raisedEvents.first?.id)
        #expect(try await store.workflowEvent(id: eventId)?.relatedRequestId != nil)
    }

    @Test func aTemplateThatFailsErrorsThatRequestOnly() async throws {
        let store = try await makeStore(clock: clock)
        let broken = try await submit(store, code: "BROKEN", customer: "C-1", clock: clock)
        let fine = try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)
        #expect(try await runMonitor(store) == 2)
        let b = try #require(try await store.request(id: broken))
        #expect(b.request.status == .error)
        #expect(b.problems.first?.reason.contains("boom") == true)
        #expect(try await store.request(id: fine)?.request.status == .processed)
    }

    @Test func quietHoursHoldAnSMSUntilTheWindowEnds() async throws {
        let store = try await makeStore(clock: clock)
        // 1_795_000_000 is 2026-11-18 11:06:40 UTC; London is on GMT then.
        var c = try #require(try await store.customer(id: "C-1"))
        c.preferences.quietHours = QuietHours(from: "11:00", to: "12:00")
        try await store.upsertCustomer(c)
        let id = try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)
        _ = try await runMonitor(store)
        let d = try #require(try await store.request(id: id)?.distribution)
        let expected = Date(timeIntervalSince1970: 1_795_000_000 + 53 * 60 + 20)  // 12:00:00 London
        #expect(d.excludedUntil == expected)

        let transmitter = ScriptedTransmitter(.sent(reference: "ref-1"))
        let sender = Sender(loop: loop(store, .send(.sms)), transmitter: transmitter)
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 0)
        #expect(try await store.nextDue(.send(.sms), now: clock.now) == expected)
        clock.advance(53 * 60 + 20)
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 1)
        let sent = try #require(try await store.request(id: id)?.distribution)
        #expect(sent.status == .sent)
        #expect(sent.reference == "ref-1")
        #expect(sent.sentAt == clock.now)
    }

    @Test func retryableFailuresBackOffThenGiveUp() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)
        _ = try await runMonitor(store)
        let transmitter = ScriptedTransmitter(.retry("ESME_RTHROTTLED"))
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(10), maxDelay: .seconds(100))
        let sender = Sender(loop: loop(store, .send(.sms), retry: policy), transmitter: transmitter)
        func once() async throws -> Int { try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } }

        #expect(try await once() == 1)
        var d = try #require(try await store.request(id: id)?.distribution)
        #expect(d.status == .errorRetry)
        #expect(d.attempts == 1)
        #expect(d.retryAt == clock.now.addingTimeInterval(10))
        #expect(try await once() == 0)  // waits its backoff
        clock.advance(10)
        #expect(try await once() == 1)
        d = try #require(try await store.request(id: id)?.distribution)
        #expect(d.status == .errorRetry)
        #expect(d.retryAt == clock.now.addingTimeInterval(20))
        clock.advance(20)
        #expect(try await once() == 1)
        let detail = try #require(try await store.request(id: id))
        #expect(detail.distribution?.status == .errorNoRetry)
        #expect(detail.distribution?.attempts == 3)
        #expect(detail.problems.last?.reason.contains("gave up after 3 attempts") == true)
        clock.advance(1000)
        #expect(try await once() == 0)
        #expect(transmitter.calls.withLock { $0 } == 3)
    }

    @Test func permanentFailureIsErrorNoRetryAtOnce() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", clock: clock)
        _ = try await runMonitor(store)
        let sender = Sender(loop: loop(store, .send(.sms)), transmitter: ScriptedTransmitter(.permanent("ESME_RINVDSTADR")))
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 1)
        let d = try #require(try await store.request(id: id)?.distribution)
        #expect(d.status == .errorNoRetry)
        #expect(d.lastError == "ESME_RINVDSTADR")
    }

    @Test func possibleDuplicateIsRetriedAndSaysSo() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", clock: clock)
        _ = try await runMonitor(store)
        let outcome = TransmissionOutcome.possibleDuplicate("timeout — the SMSC may have accepted it", code: "timeout")
        let sender = Sender(loop: loop(store, .send(.sms)), transmitter: ScriptedTransmitter(outcome))
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 1)
        let d = try #require(try await store.request(id: id)?.distribution)
        #expect(d.status == .errorRetry)
        #expect(d.lastError == "possible duplicate: timeout — the SMSC may have accepted it")
    }

    @Test func failureKindsDecideRetriesAndText() {
        let cases: [(TransmissionOutcome, retryable: Bool, text: String)] = [
            (.retry("421 busy", code: "421"), true, "421 busy"),
            (.permanent("550 no such user", code: "550 5.1.1"), false, "550 no such user"),
            (.possibleDuplicate("lost answer"), true, "possible duplicate: lost answer"),
        ]
        for (outcome, retryable, text) in cases {
            guard case .failed(let failure) = outcome else { Issue.record("\(outcome) is no failure"); continue }
            #expect(failure.isRetryable == retryable)
            #expect(failure.description == text)
        }
        guard case .failed(let f) = TransmissionOutcome.permanent("x", code: "550 5.1.1") else { return }
        #expect(f.providerCode == "550 5.1.1" && f.kind == .permanent && f.text == "x")
    }

    @Test func mergeMonitorsWriteDocumentsAndMoveToAwaitingDistribution() async throws {
        let store = try await makeStore(clock: clock)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let documents = FileDocumentStore(root: dir)
        let email = try await submit(store, code: "WELCOME", customer: "C-1", clock: clock)
        let letter = try await submit(store, code: "LETTER", customer: "C-1", clock: clock)
        _ = try await runMonitor(store)
        for method in [DeliveryMethod.email, .letter] {
            let m = MergeMonitor(loop: loop(store, .merge(method)), catalog: FakeCatalog(), documents: documents,
                                 emailComposer: MIMEEmailComposer(), letterRenderer: HTMLPassThroughRenderer())
            #expect(try await m.loop.runOnce { items, t in try await m.handle(items, ticket: t) } == 1)
        }
        let e = try #require(try await store.request(id: email)?.distribution)
        #expect(e.status == .awaitingDistribution)
        let eml = String(decoding: try await documents.read(try #require(e.fileLocation)), as: UTF8.self)
        #expect(eml.contains("Message-ID: <\(e.id)@herald.example>"))
        #expect(eml.contains("multipart/alternative"))
        let l = try #require(try await store.request(id: letter)?.distribution)
        #expect(l.status == .awaitingDistribution)
        #expect(String(decoding: try await documents.read(try #require(l.fileLocation)), as: UTF8.self) == "LETTER/letter/html: Zoë")
    }

    @Test func aCrashedWorkersClaimsComeBackWhenTheLeaseEnds() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)
        // Worker A claims and "dies" (never commits).
        let a = ClaimTicket(worker: "a", now: clock.now, lease: .seconds(30))
        #expect(try await store.claim(.monitor, ticket: a, limit: 10).count == 1)
        #expect(try await runMonitor(store) == 0)
        clock.advance(31)
        #expect(try await runMonitor(store) == 1)
        #expect(try await store.request(id: id)?.request.status == .processed)
        // A's late commit is refused: it no longer holds the claim.
        let late = try RequestTransition(requestId: id, from: .awaitingProcessing, to: .error, actor: "a", at: clock.now)
        let report = try await store.commit([Change(requestId: id, request: late)], ticket: a)
        #expect(report.conflicts == [id])
        #expect(try await store.request(id: id)?.request.status == .processed)
    }

    /// A stage works on `batchesInFlight` batches at once, each with its own claim: no row is
    /// handed to two batches, and a batch waiting (on its commit, the disk, the network) does
    /// not stop the next one.
    @Test func aStageWorksOnSeveralBatchesAtOnce() async throws {
        let realClock = TestClock(Date())
        let store = try await makeStore(clock: realClock)
        var ids: [String] = []
        for _ in 0..<9 {
            let r = CommsRequest(id: Identifier.make(), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                                 target: TargetRef(.customer, "C-1"), source: .api, createdBy: "t", createdAt: Date())
            _ = try await store.submit(TriggerSubmission(requests: [r], actor: "t"), idempotencyWindow: .seconds(60))
            ids.append(r.id)
        }
        var config = WorkerConfiguration()
        config.batchSize = 3
        config.batchesInFlight = 3
        let loop = ClaimLoop(stage: .monitor, store: store, signals: signals, configuration: config, clock: { Date() }, logger: Logger(label: "t"))
        struct Seen { var ids: [String] = []; var tokens: Set<String> = []; var running = 0; var most = 0 }
        let seen = Mutex(Seen())
        let task = Task {
            await loop.run { items, ticket in
                seen.withLock { s in
                    s.ids += items.map(\.request.id)
                    s.tokens.insert(ticket.token)
                    s.running += 1
                    s.most = max(s.most, s.running)
                }
                // Hold the batch until all three are in hand (or give up after 60 s: a loaded
                // suite may take seconds to start the third loop).
                let deadline = Date().addingTimeInterval(60)
                while seen.withLock({ $0.running < 3 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
                seen.withLock { $0.running -= 1 }
            }
        }
        let deadline = Date().addingTimeInterval(120)
        while seen.withLock({ $0.ids.count < 9 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        await task.value
        let result = seen.withLock { $0 }
        #expect(result.most == 3)
        #expect(result.tokens.count == 3)
        #expect(result.ids.sorted() == ids.sorted())  // each row claimed once (leases hold the rest)
    }

    /// After a part batch the stage waits ``WorkerConfiguration/gatherWait`` before claiming
    /// again, in every loop: rows that arrive meanwhile go together into the next batch, not
    /// one batch each.
    @Test func rowsArrivingAfterAPartBatchGatherIntoTheNext() async throws {
        let store = try await makeStore(clock: TestClock(Date()))
        func submitOne() async throws {
            let r = CommsRequest(id: Identifier.make(), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                                 target: TargetRef(.customer, "C-1"), source: .api, createdBy: "t", createdAt: Date())
            _ = try await store.submit(TriggerSubmission(requests: [r], actor: "t"), idempotencyWindow: .seconds(60))
            signals.ring(.monitor)
        }
        try await submitOne()
        var config = WorkerConfiguration()
        config.batchSize = 100
        config.batchesInFlight = 3  // the loops idle on the doorbell wait too
        // Long enough that three submits fit in it even when the whole suite starts at once on two
        // cores (1.5 s did not, once, in CI).
        config.gatherWait = .seconds(4)
        let loop = ClaimLoop(stage: .monitor, store: store, signals: signals, configuration: config, clock: { Date() }, logger: Logger(label: "t"))
        let batches = Mutex<[(count: Int, at: Date)]>([])
        let task = Task {
            await loop.run { items, ticket in
                batches.withLock { $0.append((items.count, Date())) }
                _ = try await store.commit(items.map { Change(requestId: $0.request.id, request: try RequestTransition(
                    requestId: $0.request.id, from: .awaitingProcessing, to: .cancelled, actor: "t", at: Date())) }, ticket: ticket)
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while batches.withLock({ $0.isEmpty }) && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        // Three rows, one at a time, while the loop waits after its first (part) batch.
        for _ in 0..<3 {
            try await submitOne()
            try await Task.sleep(for: .milliseconds(20))
        }
        let submitted = Date()
        while batches.withLock({ $0.count < 2 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        let seen = batches.withLock { $0 }
        #expect(seen.map(\.count) == [1, 3], "the three submits ended \(seen.first.map { submitted.timeIntervalSince($0.at) } ?? -1) s after the first batch")
        if seen.count == 2 { #expect(seen[1].at.timeIntervalSince(seen[0].at) >= 3.9) }
    }

    /// A batch that takes longer than its lease keeps its rows: the loop renews the lease while
    /// the batch is in hand, so another worker cannot claim them meanwhile.
    @Test func aBatchLongerThanItsLeaseKeepsItsClaim() async throws {
        let store = try await makeStore(clock: TestClock(Date()))
        for _ in 0..<2 {
            let r = CommsRequest(id: Identifier.make(), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                                 target: TargetRef(.customer, "C-1"), source: .api, createdBy: "t", createdAt: Date())
            _ = try await store.submit(TriggerSubmission(requests: [r], actor: "t"), idempotencyWindow: .seconds(60))
        }
        var config = WorkerConfiguration()
        // A lease long enough that renewals every third of it are not late when the whole suite
        // loads both cores (300 ms was: a renewal more than 200 ms late let the rows be stolen;
        // 1 s was too, once ActiveMQ and more suites joined the run).
        config.lease = .seconds(3)
        let loop = ClaimLoop(stage: .monitor, store: store, signals: signals, configuration: config, clock: { Date() }, logger: Logger(label: "t"))
        let stolen = Mutex<[String]>([])
        let claimed = try await loop.runOnce { items, _ in
            #expect(items.count == 2)
            // Well past the first lease, another worker looks for due rows.
            try await Task.sleep(for: .milliseconds(7_000))
            let other = ClaimTicket(worker: "other", now: Date(), lease: .seconds(30))
            let got = try await store.claim(.monitor, ticket: other, limit: 10).map(\.request.id)
            stolen.withLock { $0 = got }
        }
        #expect(claimed == 2)
        #expect(stolen.withLock { $0 }.isEmpty)
    }

    @Test func servicesWakeOnNewWorkAndStopGracefully() async throws {
        let realClock = TestClock(Date())
        let store = try await makeStore(clock: realClock)
        let transmitter = ScriptedTransmitter(.sent(reference: "r"))
        var config = WorkerConfiguration()
        config.maxIdleWait = .seconds(30)  // only a doorbell can wake them within the test
        func l(_ s: Stage) -> ClaimLoop {
            ClaimLoop(stage: s, store: store, signals: signals, configuration: config, clock: { Date() }, logger: Logger(label: "t"))
        }
        let services: [any Service] = [CommsMonitor(loop: l(.monitor), catalog: FakeCatalog()), Sender(loop: l(.send(.sms)), transmitter: transmitter)]
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: Logger(label: "t")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))  // both idle now
            let r = CommsRequest(id: Identifier.make(), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                                 target: TargetRef(.customer, "C-1"), overrideMethod: .sms, source: .api, createdBy: "t", createdAt: Date())
            _ = try await store.submit(TriggerSubmission(requests: [r], actor: "t"), idempotencyWindow: .seconds(60))
            signals.ring(.monitor)
            let deadline = Date().addingTimeInterval(60)  // ends as soon as it is sent; margin for a loaded suite
            while try await store.request(id: r.id)?.distribution?.status != .sent, Date() < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await store.request(id: r.id)?.distribution?.status == .sent)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
