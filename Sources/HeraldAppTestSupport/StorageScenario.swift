import Foundation
import HTTPTypes
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Logging
import Synchronization

/// A clock the storage tests start at a chosen time and move by hand: it runs in real time
/// from `base` (leases and timeouts behave as usual) plus whatever ``advance(_:)`` added.
public final class TestClock: Sendable {
    let base: Date
    let started = Date()
    let offset = Mutex<TimeInterval>(0)

    public init(base: Date) { self.base = base }

    /// Now, as the runtime sees it.
    public var now: Date { base.addingTimeInterval(Date().timeIntervalSince(started) + offset.withLock { $0 }) }

    /// Moves the clock `seconds` ahead.
    public func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }

    /// The clock as a runtime takes it.
    public var function: @Sendable () -> Date { { self.now } }
}

/// The storage step's test scenario, shared by the filesystem and the S3 end-to-end tests: one
/// customer with an email address, a postal address and a mobile, and requests for a letter
/// (PDF), an email and an SMS, merged at 2018-08-02 17:20 UTC so that documents land under
/// `herald/2018/08/02/17/`.
public enum StorageScenario {
    /// 2018-08-02T17:20:00Z: the runtime clock's start, so the merge hour is 17.
    public static let mergeTime = Date(timeIntervalSince1970: 1_533_230_400)
    /// The folder of every document merged by the scenario (the default prefix `herald`).
    public static let folder = "herald/2018/08/02/17"

    /// A runtime on a temporary folder with the sample catalog, configured through the settings
    /// loader with `environment` (HERALD_* variables), on `clock`.
    public static func makeRuntime(_ name: String, environment: [String: String] = [:], clock: TestClock) async throws -> HeraldRuntime {
        let dir = temporaryDirectory(name)
        try SampleCatalog.write(to: dir.appendingPathComponent("catalog"))
        var env = environment
        env["HERALD_ADMIN_API_KEY"] = "admin-key"
        let settings = try await HeraldSettings.load(dataDir: dir.path, environment: env)
        return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"), clock: clock.function)
    }

    /// Stores customer C-1 (email, postal address, mobile), account A-1 and subscription S-1.
    public static func seed(_ client: some TestClientProtocol) async throws {
        var r = try await client.call(.put, "/v1/customers/C-1", json: """
            {"title": "Ms", "firstName": "Zoë", "lastName": "Ångström", "language": "en", "timeZone": "UTC",
             "email": "zoe@example.net", "mobile": "+447700900123",
             "postalAddress": {"lines": ["Zoë Ångström", "12 Harbour Street", "Bristol"], "postcode": "BS1 4AB", "country": "GB"}}
            """)
        try check(r.status == .created || r.status == .ok, "customer: \(r.status) \(r.text)")
        r = try await client.call(.put, "/v1/accounts/A-1", json: #"{"customerId": "C-1", "currency": "GBP", "amountDue": "123.45"}"#)
        try check(r.status == .created || r.status == .ok, "account: \(r.status) \(r.text)")
        r = try await client.call(.put, "/v1/subscriptions/S-1", json: #"{"customerId": "C-1", "accountId": "A-1", "msisdn": "+447700900123", "plan": "Unlimited"}"#)
        try check(r.status == .created || r.status == .ok, "subscription: \(r.status) \(r.text)")
    }

    /// Triggers a PAYMENT_REMINDER letter; returns the request id.
    public static func letter(_ client: some TestClientProtocol) async throws -> String {
        try await trigger(client, #"{"commsCode": "PAYMENT_REMINDER", "accountId": "A-1", "deliveryMethod": "letter"}"#)
    }

    /// Triggers a WELCOME email; returns the request id.
    public static func email(_ client: some TestClientProtocol) async throws -> String {
        try await trigger(client, #"{"commsCode": "WELCOME", "customerId": "C-1", "deliveryMethod": "email", "fields": {"OFFERCODE": "SPRING"}}"#)
    }

    /// Triggers a DATA_80 SMS; returns the request id.
    public static func sms(_ client: some TestClientProtocol) async throws -> String {
        try await trigger(client, #"{"commsCode": "DATA_80", "subscriptionId": "S-1", "deliveryMethod": "sms", "fields": {"PERCENT": "80"}}"#)
    }

    static func trigger(_ client: some TestClientProtocol, _ json: String) async throws -> String {
        let r = try await client.call(.post, "/v1/comms-requests", json: json)
        guard r.status == .created, let id = r.object["id"] as? String else {
            throw EmailTestFailure(message: "trigger \(json): \(r.status) \(r.text)")
        }
        return id
    }

    /// `GET /v1/comms-requests/{id}` as a JSON object.
    public static func request(_ client: some TestClientProtocol, _ id: String) async throws -> [String: Any] {
        let r = try await client.call(.get, "/v1/comms-requests/\(id)")
        try check(r.status == .ok, "GET \(id): \(r.status) \(r.text)")
        return r.object
    }

    /// The request's `storedDocument` (nil when it is null).
    public static func storedDocument(_ client: some TestClientProtocol, _ id: String) async throws -> [String: Any]? {
        try await request(client, id)["storedDocument"] as? [String: Any]
    }

    /// The document the merge wrote for a request, read from the local document store.
    public static func localDocument(_ runtime: HeraldRuntime, _ id: String) async throws -> [UInt8] {
        guard let location = try await runtime.store.request(id: id)?.distribution?.fileLocation else {
            throw EmailTestFailure(message: "request \(id) has no document")
        }
        let documents: any DocumentStore = runtime.documents
        return [UInt8](try await documents.read(location))
    }

    /// The file the outbox transport wrote for a request (its distribution's `outbox:` reference).
    public static func outboxFile(_ runtime: HeraldRuntime, _ id: String) async throws -> [UInt8] {
        guard let reference = try await runtime.store.request(id: id)?.distribution?.reference, reference.hasPrefix("outbox:") else {
            throw EmailTestFailure(message: "request \(id) was not sent to the outbox")
        }
        return [UInt8](try Data(contentsOf: runtime.settings.outboxDirectory.appendingPathComponent(String(reference.dropFirst(7)))))
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw EmailTestFailure(message: message()) }
    }
}
