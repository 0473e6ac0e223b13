import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Logging

/// An in-memory store with seed data, the API built on it, and helpers to call it.
struct APIHarness: Sendable {
    static let triggerKey = "trigger-secret-1"
    static let agentKey = "agent-secret-1"
    static let adminKey = "admin-secret-1"
    static let statusKey = "status-secret-1"
    static let inboxKey = "inbox-secret-1"
    static let portalStatusKey = "portal-status-secret-1"

    let store: SQLiteStore
    let deps: APIDependencies

    init(maxBodyBytes: Int = 1_048_576) async throws {
        store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.upsertCustomer(Customer(id: "C-1001", firstName: "Zoë", email: "zoe@example.net", mobile: "+447700900123"))
        try await store.upsertCustomer(Customer(id: "C-1002", firstName: "Ada", email: "ada@example.net"))
        try await store.upsertAccount(Account(id: "A-2001", customerId: "C-1001", currency: "GBP", amountDue: "123.45"))
        try await store.upsertAccount(Account(id: "A-2002", customerId: "C-1002", currency: "EUR"))
        try await store.upsertSubscription(Subscription(id: "S-3001", customerId: "C-1001", accountId: "A-2001", msisdn: "+447700900123"))
        let catalog = FakeCatalog()
        let keyring = APIKeyring([
            APIKeyring.Key(name: "trigger-system", key: Self.triggerKey, roles: [.trigger]),
            APIKeyring.Key(name: "agent-desk", key: Self.agentKey, roles: [.agent]),
            APIKeyring.Key(name: "ops", key: Self.adminKey, roles: [.admin]),
            APIKeyring.Key(name: "ack", key: Self.statusKey, roles: [.statusUpdate]),
            APIKeyring.Key(name: "portal", key: Self.inboxKey, roles: [.inbox]),
            APIKeyring.Key(name: "portal-acks", key: Self.portalStatusKey, roles: [.statusUpdate], system: "PORTAL"),
        ])
        deps = APIDependencies(
            store: store, catalog: catalog, intake: TriggerIntake(store: store, catalog: catalog, signals: WorkSignals()),
            keyring: keyring, metricsText: { "# TYPE herald_up gauge\nherald_up 1\n" }, maxBodyBytes: maxBodyBytes,
            logger: Logger(label: "herald.http.test"))
    }

    /// Runs `body` against the router in-process.
    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(deps))
        try await app.test(.router, body)
    }

    /// Rows in the request table, as the API lists them.
    func requestCount() async throws -> Int {
        try await store.requests(RequestQuery(limit: 500)).items.count
    }
}

extension TestClientProtocol {
    /// Sends a request with a bearer key (nil: none) and an optional JSON body.
    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = APIHarness.adminKey, json: String? = nil,
              headers extra: [String: String] = [:]) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The body as text.
    var text: String { String(buffer: body) }

    /// The `field` of a problem document, nil when absent or null.
    var problemField: String? { object["field"] as? String }

    /// Whether the response is a problem document of `status`.
    func isProblem(_ status: Int) -> Bool {
        self.status.code == status && headers[.contentType] == "application/problem+json"
            && object["status"] as? Int == status && object["type"] is String && object["title"] is String
    }
}

/// A minimal valid comms request body.
func welcomeBody(target: String = #""accountId": "A-2001""#, offer: String = "SPRING") -> String {
    #"{"commsCode": "WELCOME", \#(target), "priority": 2, "deliveryMethod": "email", "fields": {"OFFERCODE": "\#(offer)"}}"#
}
