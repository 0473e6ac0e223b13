import Foundation
import HeraldCore
import HeraldSQLite
import Synchronization

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

/// A catalog in code: every template renders `CODE/method/part: FIRSTNAME`; code `BROKEN`
/// fails to render.
struct FakeCatalog: TemplateCatalog {
    var codes: [CommsCode] = [
        CommsCode(code: "WELCOME", description: "Welcome", methods: [.email, .sms], category: "service",
                  email: .init(subject: "Welcome", from: "Herald <care@herald.example>")),
        CommsCode(code: "DATA_80", description: "Data 80%", methods: [.sms, .push], category: "usage"),
        CommsCode(code: "LETTER", description: "Letter", methods: [.letter], category: "billing"),
        CommsCode(code: "BROKEN", description: "Broken template", methods: [.sms], category: "service"),
    ]
    func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }
    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool { part != .text }
    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
        if code == "BROKEN" { throw HeraldError.invalid("template", "BROKEN/sms.en.mustache: boom") }
        if part == .text { throw HeraldError.notFound("no text template") }
        return "\(code)/\(method.rawValue)/\(part.rawValue): \(fields["FIRSTNAME"] ?? "")"
    }
}

/// A store with a few customers, on a given clock.
func makeStore(clock: TestClock) async throws -> SQLiteStore {
    var config = SQLiteStore.Configuration()
    config.clock = clock.function
    let store = try SQLiteStore.inMemory(configuration: config)
    try await store.migrate()
    try await store.upsertCustomer(Customer(
        id: "C-1", title: "Ms", firstName: "Zoë", lastName: "Ångström", language: "en", timeZone: "Europe/London",
        email: "zoe@example.net", mobile: "+447700900123",
        postalAddress: PostalAddress(lines: ["Zoë Ångström", "12 Harbour Street"], postcode: "BS1 4AB"),
        pushTokens: [PushToken(platform: "apns", token: "tok")]))
    try await store.upsertCustomer(Customer(
        id: "C-OPTOUT", firstName: "Olly", language: "en", timeZone: "UTC", mobile: "+447700900999",
        preferences: Preferences(optOut: [OptOut(method: .sms, category: "usage"), OptOut(method: .push, category: "usage")])))
    try await store.upsertCustomer(Customer(id: "C-NOTHING", firstName: "Nobody", language: "en", timeZone: "UTC"))
    return store
}

/// Stores one request straight through the store.
@discardableResult
func submit(_ store: SQLiteStore, code: String, customer: String, override: DeliveryMethod? = nil, clock: TestClock, priority: Int = 2) async throws -> String {
    let r = CommsRequest(id: Identifier.make(now: clock.now), commsCode: code, priority: priority, status: .awaitingProcessing,
                         target: TargetRef(.customer, customer), overrideMethod: override, source: .api, createdBy: "test", createdAt: clock.now)
    _ = try await store.submit(TriggerSubmission(requests: [r], actor: "test"), idempotencyWindow: .seconds(60))
    return r.id
}

/// A transmitter whose outcomes the test decides.
final class ScriptedTransmitter: Transmitter {
    let outcome: Mutex<TransmissionOutcome>
    let calls = Mutex(0)
    init(_ outcome: TransmissionOutcome) { self.outcome = Mutex(outcome) }
    func set(_ o: TransmissionOutcome) { outcome.withLock { $0 = o } }
    func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        calls.withLock { $0 += batch.count }
        let o = outcome.withLock { $0 }
        return batch.map { _ in o }
    }
}

/// Stores one SMS comm for C-1 and moves it through the monitor to `sent` with reference
/// `REF-<last six of its id>`. Returns its request id.
func sentComm(_ store: SQLiteStore, clock: TestClock) async throws -> String {
    let id = try await submit(store, code: "DATA_80", customer: "C-1", override: .sms, clock: clock)
    let ticket = ClaimTicket(worker: "t", now: clock.now, lease: .seconds(60))
    let items = try await store.claim(.monitor, ticket: ticket, limit: 10)
    let d = Distribution(id: Identifier.make(now: clock.now), requestId: id, method: .sms, target: "+447700900123",
                         status: .awaitingDistribution, message: "hi", language: "en", createdAt: clock.now)
    let t = try RequestTransition(requestId: id, from: .awaitingProcessing, to: .processed, actor: "m", at: clock.now)
    _ = try await store.commit([Change(requestId: items[0].request.id, request: t, newDistribution: d)], ticket: ticket)
    var s = try DistributionTransition(distribution: d, to: .sent, actor: "s", at: clock.now)
    s.reference = "REF-\(id.suffix(6))"
    _ = try await store.commit([Change(requestId: id, distribution: s)], ticket: nil)
    return id
}
