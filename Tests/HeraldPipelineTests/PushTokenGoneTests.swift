import Foundation
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import Testing

/// A push whose token the provider says is gone: the token is disabled on the customer and the
/// comm falls to the next allowed method (a copy of the request, gathered afresh), or ends
/// `notSent` when none is left.
struct PushTokenGoneTests {
    let clock = TestClock()
    let signals = WorkSignals()

    func loop(_ store: SQLiteStore, _ stage: Stage) -> ClaimLoop {
        var config = WorkerConfiguration()
        config.batchSize = 100
        return ClaimLoop(stage: stage, store: store, signals: signals, configuration: config, clock: clock.function,
                         logger: Logger(label: "test"), workerName: "test/\(stage)")
    }

    func runMonitor(_ store: SQLiteStore) async throws -> Int {
        let monitor = CommsMonitor(loop: loop(store, .monitor), catalog: FakeCatalog())
        return try await monitor.loop.runOnce { items, ticket in try await monitor.handle(items, ticket: ticket) }
    }

    func runPushSender(_ store: SQLiteStore, _ outcome: TransmissionOutcome) async throws -> Int {
        let sender = Sender(loop: loop(store, .send(.push)), transmitter: ScriptedTransmitter(outcome))
        return try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) }
    }

    /// The id of the copy named in the distribution's history ("comm resent as <id>").
    func resentId(_ detail: RequestDetail) throws -> String {
        let reason = try #require(detail.history.compactMap(\.reason).first { $0.contains("resent as ") })
        return String(try #require(reason.components(separatedBy: "resent as ").last))
    }

    @Test func aGoneTokenIsDisabledAndTheCommFallsToTheNextMethod() async throws {
        let store = try await makeStore(clock: clock)
        try await store.upsertCustomer(Customer(
            id: "C-PUSH", firstName: "Pia", mobile: "+447700900555",
            pushTokens: [PushToken(platform: "apns", token: "dead"), PushToken(platform: "fcm", token: "")],
            preferences: Preferences(preferredMethods: [.push])))
        let id = try await submit(store, code: "DATA_80", customer: "C-PUSH", clock: clock)
        #expect(try await runMonitor(store) == 1)
        #expect(try await store.request(id: id)?.distribution?.target == "apns:dead")

        #expect(try await runPushSender(store, .targetGone("410 Unregistered", code: "410")) == 1)
        let first = try #require(try await store.request(id: id))
        #expect(first.distribution?.status == .errorNoRetry)
        #expect(first.distribution?.lastError == "push token gone: 410 Unregistered")

        let token = try #require(try await store.customer(id: "C-PUSH")?.pushTokens.first)
        #expect(token.disabled == true)
        #expect(token.disabledReason == "410 Unregistered")
        #expect(token.disabledAt != nil)

        let copyId = try resentId(first)
        let copy = try #require(try await store.request(id: copyId))
        #expect(copy.request.copyOf == id)
        #expect(copy.request.status == .awaitingProcessing)
        #expect(copy.request.commsCode == "DATA_80")
        #expect(try await runMonitor(store) == 1)
        let sent = try #require(try await store.request(id: copyId)?.distribution)
        #expect(sent.method == .sms)
        #expect(sent.target == "+447700900555")
    }

    @Test func aCustomerReplacedWithTheSameTokenKeepsItDisabled() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", override: .push, clock: clock)
        _ = try await runMonitor(store)
        #expect(try await runPushSender(store, .targetGone("BadDeviceToken", code: "400")) == 1)
        // The CRM sends the customer again, still listing the dead token, and a new one.
        try await store.upsertCustomer(Customer(
            id: "C-1", firstName: "Zoë", email: "zoe@example.net", mobile: "+447700900123",
            pushTokens: [PushToken(platform: "apns", token: "tok"), PushToken(platform: "fcm", token: "fresh")]))
        let tokens = try #require(try await store.customer(id: "C-1")?.pushTokens)
        #expect(tokens.map(\.disabled) == [true, nil])
        #expect(tokens[0].disabledReason == "BadDeviceToken")

        // The override copy goes to the next usable token.
        let copyId = try resentId(try #require(try await store.request(id: id)))
        #expect(try await runMonitor(store) == 1)
        #expect(try await store.request(id: copyId)?.distribution?.target == "fcm:fresh")
    }

    @Test func withNoOtherMethodTheCopyEndsNotSent() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", override: .push, clock: clock)
        _ = try await runMonitor(store)
        #expect(try await runPushSender(store, .targetGone("UNREGISTERED", code: "404")) == 1)
        let copyId = try resentId(try #require(try await store.request(id: id)))
        #expect(try await runMonitor(store) == 1)
        let copy = try #require(try await store.request(id: copyId))
        #expect(copy.request.status == .notSent)
        #expect(copy.distribution == nil)
        #expect(copy.problems.map(\.reason) == ["no usable push token"])
    }
}
