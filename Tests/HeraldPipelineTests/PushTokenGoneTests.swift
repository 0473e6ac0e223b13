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

/// The push attributes the Comms Monitor merges into a push distribution's fields.
struct PushMergeTests {
    let clock = TestClock()

    struct TitledCatalog: TemplateCatalog {
        var body = "80% of your data used"
        var codes: [CommsCode] {
            var code = CommsCode(code: "DATA_80", description: "Data 80%", methods: [.push], category: "usage")
            code.push = CommsCode.PushSettings(badge: 2, sound: "default", data: ["screen": "usage"], collapseId: "usage", ttlSeconds: 600)
            return [code]
        }
        func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }
        func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool { true }
        func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
            part == .title ? "Hi \(fields["FIRSTNAME"] ?? "")" : body
        }
    }

    func monitor(_ store: SQLiteStore, _ catalog: any TemplateCatalog) -> CommsMonitor {
        var config = WorkerConfiguration()
        config.batchSize = 100
        return CommsMonitor(loop: ClaimLoop(stage: .monitor, store: store, signals: WorkSignals(), configuration: config, clock: clock.function,
                                            logger: Logger(label: "test")), catalog: catalog)
    }

    @Test func titleBadgeSoundDataCollapseAndExpiryAreMerged() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", clock: clock)
        let m = monitor(store, TitledCatalog())
        #expect(try await m.loop.runOnce { items, t in try await m.handle(items, ticket: t) } == 1)
        let d = try #require(try await store.request(id: id)?.distribution)
        #expect(d.message == "80% of your data used")
        #expect(d.fields[PushFields.title] == "Hi Zoë")
        #expect(d.fields[PushFields.badge] == "2")
        #expect(d.fields[PushFields.sound] == "default")
        #expect(d.fields[PushFields.data] == #"{"screen":"usage"}"#)
        #expect(d.fields[PushFields.collapseId] == "usage")
        #expect(d.fields[PushFields.expiresAt] == clock.now.addingTimeInterval(600).formatted(.iso8601))
        let payload = try #require(try JSONSerialization.jsonObject(with: PushContent(message: d.message, fields: d.fields).apnsPayload()) as? [String: Any])
        #expect(payload["screen"] as? String == "usage")
        #expect(((payload["aps"] as? [String: Any])?["alert"] as? [String: Any])?["title"] as? String == "Hi Zoë")
    }

    @Test func aPayloadOverFourKilobytesIsAnErrorAtMerge() async throws {
        let store = try await makeStore(clock: clock)
        let id = try await submit(store, code: "DATA_80", customer: "C-1", clock: clock)
        let m = monitor(store, TitledCatalog(body: String(repeating: "é", count: 2100)))
        #expect(try await m.loop.runOnce { items, t in try await m.handle(items, ticket: t) } == 1)
        let r = try #require(try await store.request(id: id))
        #expect(r.request.status == .error)
        #expect(r.distribution == nil)
        #expect(r.problems.first?.reason.contains("over the 4,096-byte limit") == true, "\(r.problems)")
    }
}
