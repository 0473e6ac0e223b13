import Foundation
import HeraldCore
import HeraldSQLite
import Synchronization
import Testing

/// A settable wall clock shared by a store and its test.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Fixtures.t0) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A migrated store under test, with its clock.
struct TestStore: Sendable {
    let store: any CommsStore
    let clock: TestClock
    /// Opens a second, independent handle on the same database (another process's pool), or
    /// nil when the backend cannot (an in-memory database).
    let openAnother: @Sendable () async throws -> (any CommsStore)?
    let cleanup: @Sendable () -> Void
}

/// How the conformance suite gets a fresh, migrated ``CommsStore``. Every conformance test
/// takes one of these, so a PostgreSQL store joins by adding its factory to the lists below.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () async throws -> TestStore
    var testDescription: String { name }

    /// SQLite in memory (`SQLiteStore.inMemory()`).
    static let sqliteMemory = StoreFactory(name: "SQLite in memory") {
        let clock = TestClock()
        var config = SQLiteStore.Configuration()
        config.clock = { clock.now }
        let store = try SQLiteStore.inMemory(configuration: config)
        try await store.migrate()
        return TestStore(store: store, clock: clock, openAnother: { nil }, cleanup: {})
    }

    /// SQLite on a file (WAL pool) in a fresh temporary directory.
    static let sqliteFile = StoreFactory(name: "SQLite file (WAL)") {
        let clock = TestClock()
        var config = SQLiteStore.Configuration()
        config.clock = { clock.now }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sqlite-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("herald.sqlite").path
        let configuration = config
        let store = try SQLiteStore(path: path, configuration: configuration)
        try await store.migrate()
        return TestStore(
            store: store, clock: clock,
            openAnother: {
                let other = try SQLiteStore(path: path, configuration: configuration)
                try await other.migrate()
                return other
            },
            cleanup: { try? FileManager.default.removeItem(at: dir) })
    }

    /// Where every conformance check runs.
    static let all: [StoreFactory] = [.sqliteMemory]
    /// Where checks whose outcome can depend on connections and locking run.
    static let durable: [StoreFactory] = [.sqliteMemory, .sqliteFile]
    /// Stores that can be opened twice (concurrent claimers in separate pools).
    static let shared: [StoreFactory] = [.sqliteFile]
}

/// Sample data and builders.
enum Fixtures {
    /// 2026-11-27T10:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_795_773_600)
    static let window: Duration = .seconds(24 * 3600)

    static let alice = Customer(
        id: "C1", title: "Ms", firstName: "Alice", lastName: "Ångström", language: "en-GB", timeZone: "Europe/London",
        email: "alice@example.net", mobile: "+447700900001",
        postalAddress: PostalAddress(lines: ["1 High Street", "Cambridge"], postcode: "CB1 1AA", country: "GB"),
        pushTokens: [PushToken(platform: "apns", token: "tok-1")], externalId: "EXT-1",
        preferences: Preferences(optOut: [OptOut(method: .letter, category: "marketing")], preferredMethods: [.email, .sms],
                                 quietHours: QuietHours(from: "21:00", to: "08:00", timeZone: "Europe/London")))
    static let bob = Customer(id: "C2", firstName: "Bob", language: "fr", timeZone: "Europe/Paris", mobile: "+33612345678")
    static let aliceAccount = Account(id: "A1", customerId: "C1", currency: "GBP", amountDue: "123.45", attributes: ["CARDLAST4DIGITS": "4242"])
    static let bobAccount = Account(id: "A2", customerId: "C2", currency: "EUR")
    static let aliceLine = Subscription(id: "S1", customerId: "C1", accountId: "A1", msisdn: "+447700900111", plan: "Unlimited")
    static let aliceSpareLine = Subscription(id: "S2", customerId: "C1", msisdn: "+447700900222")

    /// Two customers, two accounts, two subscriptions.
    static func seed(_ store: any CommsStore) async throws {
        try await store.upsertCustomer(alice)
        try await store.upsertCustomer(bob)
        try await store.upsertAccount(aliceAccount)
        try await store.upsertAccount(bobAccount)
        try await store.upsertSubscription(aliceLine)
        try await store.upsertSubscription(aliceSpareLine)
    }

    /// A request created at `at` (ids are time-ordered, so distinct `at` give a defined order).
    static func request(_ code: String = "WELCOME", target: TargetRef = TargetRef(.customer, "C1"), priority: Int = 2,
                        status: RequestStatus = .awaitingProcessing, at: Date = t0, event: String? = nil,
                        fields: [String: String] = [:]) -> CommsRequest {
        CommsRequest(id: Identifier.make(now: at), commsCode: code, priority: priority, status: status, target: target,
                     workflowEventId: event, fields: fields, source: .api, createdBy: "test", createdAt: at)
    }

    /// Stores one request and returns it.
    @discardableResult
    static func submit(_ store: any CommsStore, _ request: CommsRequest) async throws -> CommsRequest {
        let result = try await store.submit(TriggerSubmission(requests: [request], actor: "api:test"), idempotencyWindow: window)
        #expect(result.requestIds == [request.id])
        return request
    }

    /// Every stored request, newest first, through the paged listing.
    static func allRequests(_ store: any CommsStore, _ query: RequestQuery = RequestQuery()) async throws -> [RequestDetail] {
        var query = query
        query.limit = 500
        var out: [RequestDetail] = []
        while true {
            let page = try await store.requests(query)
            out += page.items
            guard let next = page.nextCursor else { return out }
            query.cursor = next
        }
    }

    static func ticket(_ worker: String = "w1", at: Date = t0, lease: Duration = .seconds(30)) -> ClaimTicket {
        ClaimTicket(worker: worker, now: at, lease: lease)
    }

    /// A distribution as the Comms Monitor writes it.
    static func distribution(for request: CommsRequest, method: DeliveryMethod = .sms, target: String = "+447700900001",
                             excludedUntil: Date? = nil, at: Date = t0) -> Distribution {
        Distribution(id: Identifier.make(now: at), requestId: request.id, method: method, target: target, alias: "Alice",
                     status: method.initialDistributionStatus, message: method.isMergedLater ? nil : "Hello Alice",
                     fields: ["FIRSTNAME": "Alice"], language: "en-GB", excludedUntil: excludedUntil, createdAt: at)
    }

    /// Submits a request, claims it for the monitor and commits it to `processed` with a new
    /// distribution, as the Comms Monitor does. Returns the distribution as stored.
    static func processed(_ store: any CommsStore, method: DeliveryMethod = .sms, priority: Int = 2, excludedUntil: Date? = nil,
                          at: Date = t0) async throws -> (CommsRequest, Distribution) {
        let r = try await submit(store, request(priority: priority, at: at))
        let d = distribution(for: r, method: method, excludedUntil: excludedUntil, at: at)
        let t = try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "comms-monitor", at: at)
        let report = try await store.commit([Change(requestId: r.id, request: t, newDistribution: d)], ticket: nil)
        #expect(report == CommitReport(applied: 1))
        let stored = try #require(try await store.request(id: r.id)?.distribution)
        return (r, stored)
    }
}

/// The HeraldError a throwing async call throws, recording an issue otherwise.
func heraldError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> HeraldError? {
    do {
        try await body()
        Issue.record("expected a HeraldError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let e as HeraldError {
        return e
    } catch {
        Issue.record("expected a HeraldError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
