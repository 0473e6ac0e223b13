import Foundation
import HeraldAppTestSupport
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTestSupport
import HeraldTransports
import Logging
import Synchronization
import Testing
@testable import HeraldApp
@testable import HeraldPipeline

/// Status callbacks end to end: a subscription in the config file, comms going through the
/// pipeline, and the receiver scripts/servers/webhook.sh starts — which verifies every
/// signature with the `standardwebhooks` package — getting each change, in order per request;
/// a receiver that fails, times out and recovers; dead letters after the retry window.
@Suite("Status callbacks end to end")
struct StatusCallbackTests {
    /// One received webhook as the receiver reports it.
    struct Received: Decodable {
        var id: String?
        var verified: Bool
        var error: String?
        var answer: String
        var body: Body?

        struct Body: Decodable {
            var type: String
            var timestamp: String
            var data: [String: JSONValue]
        }

        enum CodingKeys: String, CodingKey { case id, verified, error, answer, body }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeIfPresent(String.self, forKey: .id)
            verified = try c.decode(Bool.self, forKey: .verified)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            answer = try (try? c.decode(String.self, forKey: .answer)) ?? String(c.decode(Int.self, forKey: .answer))
            body = try? c.decode(Body.self, forKey: .body)
        }
    }

    enum JSONValue: Decodable, Equatable {
        case string(String), number(Double), other
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .string(s) } else if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .other }
        }
        var string: String? { if case .string(let s) = self { s } else { nil } }
        var number: Double? { if case .number(let n) = self { n } else { nil } }
    }

    /// A runtime on the sample catalog whose config file subscribes `receiver`'s channel.
    static func runtime(_ name: String, receiver: TestWebhookReceiver, subscription: String = "",
                        environment: [String: String] = [:], clock: (@Sendable () -> Date)? = nil) async throws -> HeraldRuntime {
        let dir = temporaryDirectory(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("herald.json")
        try Data("""
            {"webhooks": {"subscriptions": {"BILLING": {"url": "\(receiver.hookURL)", "secret": "\(receiver.secret)"\(subscription)}}}}
            """.utf8).write(to: config)
        var env = ["HERALD_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"]
        env.merge(environment) { _, new in new }
        var settings = try await HeraldSettings.load(dataDir: dir.appendingPathComponent("data").path, configFile: config.path, environment: env)
        settings.catalogDirectory = dir.appendingPathComponent("catalog")
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = if let clock {
            try await HeraldRuntime(settings: settings, logger: Logger(label: "test-callbacks"), clock: clock)
        } else {
            try await HeraldRuntime(settings: settings, logger: Logger(label: "test-callbacks"))
        }
        try await runtime.applyConfiguredSubscriptions()
        for i in 1...3 {
            try await runtime.store.upsertCustomer(Customer(id: "C-\(i)", firstName: "Sam", mobile: "+44770090010\(i)"))
            try await runtime.store.upsertAccount(Account(id: "A-\(i)", customerId: "C-\(i)", currency: "GBP"))
            try await runtime.store.upsertSubscription(Subscription(id: "S-\(i)", customerId: "C-\(i)", accountId: "A-\(i)",
                                                                    msisdn: "+44770090010\(i)", plan: "Max"))
        }
        return runtime
    }

    static func received(_ receiver: TestWebhookReceiver) async throws -> [Received] {
        try JSONDecoder().decode([Received].self, from: try await receiver.receivedJSON())
    }

    /// Runs the callback stage until no delivery waits (or `timeout` passes).
    static func drain(_ runtime: HeraldRuntime, timeout: Duration = .seconds(30)) async throws {
        let deliverer = runtime.callbackDeliverer()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let claimed = try await deliverer.loop.runOnce { items, ticket in try await deliverer.handle(items, ticket: ticket) }
            if claimed == 0 {
                let waiting = try await runtime.store.callbackDeliveries(status: .waiting, subscriptionId: nil, limit: 1, cursor: nil)
                if waiting.items.isEmpty { return }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        Issue.record("callbacks still waiting after \(timeout)")
    }

    @Test func onlyServeAppliesTheConfigFilesSubscriptions() async throws {
        let receiver = try TestWebhookReceiver()
        let runtime = try await Self.runtime("callbacks-config", receiver: receiver)
        #expect(try await runtime.store.webhookSubscriptions().map(\.id) == ["config:BILLING"])
        // Another command on the same store with a config file without subscriptions (an
        // import beside serve) leaves them; a serve with that file removes them.
        var other = runtime.settings
        other.callbacks.subscriptions = []
        let importer = try await HeraldRuntime(settings: other, logger: Logger(label: "test-import"))
        #expect(try await importer.store.webhookSubscriptions().map(\.id) == ["config:BILLING"])
        try await importer.applyConfiguredSubscriptions()
        #expect(try await importer.store.webhookSubscriptions().isEmpty)
    }

    @Test func everyChangeReachesTheReceiverSignedAndInOrder() async throws {
        let receiver = try TestWebhookReceiver()
        let runtime = try await Self.runtime("callbacks-order", receiver: receiver)
        var ids: [String] = []
        for i in 1...3 {
            let r = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-\(i)", fields: ["PERCENT": "85"]),
                                                    idempotency: nil, actor: "api:crm")
            ids.append(r.requestIds[0])
        }
        try await runtime.runUntilQuiet()
        try await Self.drain(runtime)

        let received = try await Self.received(receiver)
        #expect(received.allSatisfy { $0.verified }, "\(received.compactMap(\.error))")
        for id in ids {
            let mine = received.filter { $0.body?.data["requestId"]?.string == id }
            // new → A, A → P (request), new → D, D → S (the SMS outbox) — in that order.
            let moves = mine.map { "\($0.body!.data["entity"]!.string!):\($0.body!.data["from"]?.string ?? "-")>\($0.body!.data["to"]!.string!)" }
            #expect(moves == ["request:->awaitingProcessing", "request:awaitingProcessing>processed",
                              "distribution:->awaitingDistribution", "distribution:awaitingDistribution>sent"], "\(moves)")
            let sequences = mine.compactMap { $0.body?.data["sequence"]?.number }
            #expect(sequences == sequences.sorted() && Set(sequences).count == 4)
            #expect(mine.map(\.id) == sequences.map { "msg_\(Int($0))" })
            #expect(mine.allSatisfy { $0.body?.data["commsCode"]?.string == "DATA_80" && $0.body?.data["source"]?.string == "api" })
            #expect(mine.last?.body?.type == "distribution.status_changed")
            #expect(mine.first?.body?.type == "request.status_changed")
            #expect(mine.last?.body?.data["method"]?.string == "sms" && mine.last?.body?.data["target"]?.string?.hasPrefix("+4477009001") == true)
            #expect(mine.first?.body?.data["actor"]?.string == "api:crm")
        }
        #expect(received.count == 12)
        let delivered = try await runtime.store.callbackDeliveries(status: .delivered, subscriptionId: "config:BILLING", limit: 100, cursor: nil)
        #expect(delivered.items.count == 12 && delivered.items.allSatisfy { $0.attempts == 1 && $0.responseStatus == 200 })
    }

    @Test func aReceiverThatFailsAndTimesOutIsRetriedUntilItRecovers() async throws {
        let receiver = try TestWebhookReceiver()
        try await receiver.script(["fail", "hang", "503"])
        let runtime = try await Self.runtime("callbacks-retry", receiver: receiver, subscription: #", "events": ["request.status_changed"]"#,
                                             environment: ["HERALD_WEBHOOKS_TIMEOUT_SECONDS": "1", "HERALD_WEBHOOKS_RETRY_BASE_SECONDS": "1"])
        let r = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-1", fields: ["PERCENT": "85"]),
                                                idempotency: nil, actor: "api:crm")
        try await runtime.runUntilQuiet()
        // The first change failed: it waits, and holds back the second. (Once, unless the run
        // above took longer than the 1 s backoff on a loaded machine; the answers below are
        // checked in full either way.)
        let waiting = try await runtime.store.callbackDeliveries(status: .waiting, subscriptionId: nil, limit: 10, cursor: nil).items
        #expect(waiting.count == 2)
        #expect((waiting.first?.attempts ?? 0) >= 1 && waiting.first?.lastError != nil)
        if waiting.first?.attempts == 1 {
            #expect(waiting.first?.responseStatus == 500 && waiting.first?.lastError?.contains("HTTP 500") == true)
        }
        #expect(waiting.last?.attempts == 0)
        try await Self.drain(runtime)

        let received = try await Self.received(receiver)
        #expect(received.allSatisfy { $0.verified }, "\(received.compactMap(\.error))")
        // fail (500), hang (timed out at 1 s), 503, then ok; the second change only after.
        #expect(received.map(\.answer) == ["fail", "hang", "503", "ok", "ok"], "\(received.map(\.answer))")
        let firstID = received[0].id
        #expect(received.prefix(4).allSatisfy { $0.id == firstID })
        #expect(received[4].id != firstID)
        #expect(received[4].body?.data["to"]?.string == "processed")
        #expect(received.allSatisfy { $0.body?.data["requestId"]?.string == r.requestIds[0] })
        let delivered = try await runtime.store.callbackDeliveries(status: .delivered, subscriptionId: nil, limit: 10, cursor: nil).items
        #expect(delivered.map(\.attempts) == [4, 1])
    }

    @Test func aReceiverDownForTheWholeWindowIsDeadLetteredThenRedelivered() async throws {
        let receiver = try TestWebhookReceiver()
        let now = Mutex(Date())
        let clock: @Sendable () -> Date = { now.withLock { $0 } }
        try await receiver.script(Array(repeating: "503", count: 40))
        let runtime = try await Self.runtime("callbacks-dead", receiver: receiver, subscription: #", "events": ["request.status_changed"]"#,
                                             environment: ["HERALD_WEBHOOKS_RETRY_WINDOW_HOURS": "1"], clock: clock)
        _ = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-2", fields: ["PERCENT": "85"]),
                                            idempotency: nil, actor: "api:crm")
        let deliverer = runtime.callbackDeliverer()
        // Each attempt fails; the clock jumps to its retry time; past the hour it is dead.
        var attempts = 0
        while attempts < 40 {
            let claimed = try await deliverer.loop.runOnce { items, ticket in try await deliverer.handle(items, ticket: ticket) }
            if claimed == 0 {
                guard let next = try await runtime.store.nextDue(.callback, now: clock()) else { break }
                now.withLock { $0 = max($0, next).addingTimeInterval(0.001) }
                continue
            }
            attempts += 1
            if try await !runtime.store.callbackDeliveries(status: .failed, subscriptionId: nil, limit: 1, cursor: nil).items.isEmpty { break }
        }
        let failed = try await runtime.store.callbackDeliveries(status: .failed, subscriptionId: nil, limit: 10, cursor: nil).items
        #expect(failed.count == 1)
        let dead = try #require(failed.first)
        #expect(dead.lastError?.hasPrefix("gave up after") == true && dead.lastError?.contains("HTTP 503") == true, "\(dead.lastError ?? "")")
        #expect(dead.attempts >= 5 && dead.attempts < 40)
        // (The monitor did not run: the request's creation is its only change.)
        #expect(try await runtime.store.callbackDeliveries(status: .waiting, subscriptionId: nil, limit: 10, cursor: nil).items.isEmpty)
        let answers = try await Self.received(receiver).map(\.answer)
        #expect(answers == Array(repeating: "503", count: dead.attempts))

        // An admin redelivers it; the receiver has recovered.
        try await receiver.script([])
        _ = try await runtime.store.redeliver(deliveryId: dead.id, actor: "api:admin", at: clock())
        now.withLock { $0 = $0.addingTimeInterval(7200) }
        try await Self.drain(runtime)
        let delivered = try await runtime.store.callbackDeliveries(status: .delivered, subscriptionId: nil, limit: 10, cursor: nil).items
        #expect(delivered.map(\.id) == [dead.id])
        #expect(delivered.first?.attempts == 1 && delivered.first?.responseStatus == 200)
        #expect(try await Self.received(receiver).last.map { $0.answer == "ok" && $0.verified } == true)
    }

    @Test func aDeletedSubscriptionsDeliveriesFailWithoutAnAttempt() async throws {
        let receiver = try TestWebhookReceiver()
        let runtime = try await Self.runtime("callbacks-deleted", receiver: receiver)
        let s = WebhookSubscription(id: "wsub_gone", url: receiver.hookURL, secret: receiver.secret, events: [.requestStatus],
                                    origin: .api, createdAt: Date())
        try await runtime.store.addWebhookSubscription(s)
        _ = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-3", fields: ["PERCENT": "85"]),
                                            idempotency: nil, actor: "api:crm")
        try await runtime.store.deleteWebhookSubscription(id: "wsub_gone", at: Date())
        try await Self.drain(runtime)
        let failed = try await runtime.store.callbackDeliveries(status: .failed, subscriptionId: "wsub_gone", limit: 10, cursor: nil).items
        #expect(failed.count == 1 && failed.first?.attempts == 0 && failed.first?.lastError == "subscription wsub_gone deleted")
        // The config file's subscription got its one change; the deleted one sent nothing.
        #expect(try await Self.received(receiver).count == 1)
    }

    @Test func retryTimesFollowTheBackoffAndRetryAfterWithinTheWindow() async throws {
        struct Never: CallbackSender { func deliver(_ items: [PendingCallback]) async -> [CallbackOutcome] { [] } }
        let receiver = try TestWebhookReceiver()
        let runtime = try await Self.runtime("callbacks-backoff", receiver: receiver)
        let deliverer = CallbackDeliverer(loop: runtime.callbackDeliverer().loop, sender: Never(),
                                          backoff: RetryPolicy(maxAttempts: .max, baseDelay: .seconds(5), maxDelay: .seconds(3600)),
                                          window: .seconds(24 * 3600))
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let request = CommsRequest(id: "r1", commsCode: "DATA_80", priority: 2, status: .processed, target: TargetRef(.customer, "C-1"),
                                   source: .api, createdBy: "t", createdAt: t0)
        func item(attempts: Int, first: Date?) -> PendingCallback {
            PendingCallback(delivery: CallbackDelivery(id: 1, subscriptionId: "s", requestId: "r1", sequence: 1, status: .waiting,
                                                       attempts: attempts, createdAt: t0, firstAttemptAt: first),
                            subscription: nil, event: CallbackEvent(type: .requestStatus, sequence: 1,
                                                                    change: HistoryEntry(entity: .request, from: nil, to: "processed", at: t0, actor: "t"),
                                                                    request: request, distribution: nil))
        }
        let fail = CallbackOutcome.failed(status: 503, reason: "HTTP 503", retryAfter: nil)
        let t1 = try deliverer.transition(item(attempts: 0, first: nil), outcome: fail, now: t0)
        #expect(t1.to == .waiting && t1.attempts == 1 && t1.firstAttemptAt == t0 && t1.retryAt == t0.addingTimeInterval(5))
        let t3 = try deliverer.transition(item(attempts: 2, first: t0), outcome: fail, now: t0.addingTimeInterval(100))
        #expect(t3.retryAt == t0.addingTimeInterval(120) && t3.responseStatus == 503)
        let later = CallbackOutcome.failed(status: 429, reason: "HTTP 429", retryAfter: .seconds(600))
        #expect(try deliverer.transition(item(attempts: 0, first: nil), outcome: later, now: t0).retryAt == t0.addingTimeInterval(600))
        let tooLate = CallbackOutcome.failed(status: 429, reason: "HTTP 429", retryAfter: .seconds(86_400))
        #expect(try deliverer.transition(item(attempts: 0, first: nil), outcome: tooLate, now: t0).retryAt == t0.addingTimeInterval(3600))
        // The next attempt would fall past 24 h after the first: dead now.
        let dead = try deliverer.transition(item(attempts: 30, first: t0), outcome: fail, now: t0.addingTimeInterval(23 * 3600 + 1))
        #expect(dead.to == .failed && dead.retryAt == nil && dead.lastError == "gave up after 31 attempts: HTTP 503")
        let ok = try deliverer.transition(item(attempts: 3, first: t0), outcome: .delivered(status: 204), now: t0.addingTimeInterval(60))
        #expect(ok.to == .delivered && ok.attempts == 4 && ok.responseStatus == 204 && ok.firstAttemptAt == t0)
    }
}
