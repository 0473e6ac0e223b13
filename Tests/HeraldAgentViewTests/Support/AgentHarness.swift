import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A settable wall clock shared by the store, AgentView and the test.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A catalog of two codes (descriptions for the comms list), an agent's note with a required
/// field and templates, and a code agents may not send.
struct TwoCodeCatalog: TemplateCatalog {
    let codes: [CommsCode] = [
        CommsCode(code: "BILL", description: "Your bill is ready", methods: [.email, .sms, .letter]),
        CommsCode(code: "NOTE", description: "A note from customer service", methods: [.sms, .email, .letter],
                  requiredFields: ["TOPIC"], optionalFields: ["DETAIL"],
                  email: CommsCode.EmailSettings(subject: "Note", from: "Herald <hello@example.net>",
                                                 inlineImages: [CommsCode.Asset(file: "logo.png", contentId: "logo")])),
        CommsCode(code: "SECRET", description: "Not for agents", methods: [.sms], agentVisible: false),
        CommsCode(code: "WELCOME", description: "Welcome <b>aboard</b>", methods: [.email, .sms]),
    ]
    /// NOTE's templates, `{{NAME}}` replaced by the field (a test catalog, not Mustache).
    static let templates: [String: String] = [
        "sms.body": "Hi {{FIRSTNAME}}: {{TOPIC}}",
        "email.subject": "Note: {{TOPIC}}",
        "email.html": "<p>Dear {{FIRSTNAME}}</p><p>{{TOPIC}}</p><script>document.title='ran'</script><img src=\"cid:logo\" alt=\"logo\">",
        "email.text": "Dear {{FIRSTNAME}}, {{TOPIC}}",
        "letter.html": "<h1>{{TOPIC}}</h1>",
    ]
    func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }
    func asset(code: String, file: String) -> Data? { code == "NOTE" && file == "logo.png" ? Data([1, 2, 3]) : nil }
    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool {
        code == "NOTE" && Self.templates["\(method.rawValue).\(part.rawValue)"] != nil
    }
    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
        guard code == "NOTE", var text = Self.templates["\(method.rawValue).\(part.rawValue)"] else {
            throw HeraldError.notFound("no template for \(code)")
        }
        for (name, value) in fields { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return text
    }
}

/// AgentView on a real (in-memory) SQLite store with seed customers and three users.
struct AgentHarness: Sendable {
    /// 2026-11-27T10:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_795_773_600)
    static let script = "<script>alert(1)</script>"

    let store: SQLiteStore
    let clock: TestClock
    let deps: AgentViewDependencies

    /// Users: kim (agent), sam (supervisor), root (admin); each's password is `password-<name>`.
    static let users: [(String, AgentRole)] = [("kim", .agent), ("sam", .supervisor), ("root", .admin)]

    /// Every log line AgentView wrote, at any level (trace and up).
    let logs = LogCapture()
    /// The local documents (emails, letters) comms point at.
    let documents = MemoryDocuments()

    init(secureCookies: Bool = false) async throws {
        let clock = TestClock(Self.t0)
        var config = SQLiteStore.Configuration()
        config.clock = { clock.now }
        store = try SQLiteStore.inMemory(configuration: config)
        try await store.migrate()
        self.clock = clock
        let passwords = AgentPasswords(cost: 4)
        for (name, role) in Self.users {
            try await store.addAgentUser(AgentUser(name: name, role: role, passwordHash: try await passwords.hash("password-\(name)"),
                                                   createdAt: Self.t0))
        }
        try await store.upsertCustomer(Customer(
            id: "C-1", title: "Ms", firstName: "Zoë", lastName: "Ångström", language: "en-GB", timeZone: "Europe/London",
            email: "zoe@example.net", mobile: "+447700900123",
            postalAddress: PostalAddress(lines: ["1 High Street", "Cambridge"], postcode: "CB1 1AA", country: "GB"),
            pushTokens: [PushToken(platform: "apns", token: "tok-live"),
                         PushToken(platform: "fcm", token: "tok-gone", disabled: true, disabledReason: "Unregistered",
                                   disabledAt: "2026-11-20T08:00:00Z")],
            externalId: "EXT-9",
            preferences: Preferences(optOut: [OptOut(method: .letter, category: "marketing")], preferredMethods: [.sms, .email],
                                     quietHours: QuietHours(from: "21:00", to: "08:00"))))
        try await store.upsertAccount(Account(id: "A-1", customerId: "C-1", currency: "GBP", amountDue: "12.50"))
        try await store.upsertSubscription(Subscription(id: "S-1", customerId: "C-1", accountId: "A-1", msisdn: "+447700900777", plan: "Unlimited"))
        try await store.upsertCustomer(Customer(id: "C-2", firstName: "Ada", lastName: "Lovelace", email: "ada@example.net"))
        try await store.upsertCustomer(Customer(id: "C-3", firstName: "Ada", lastName: "Byron"))
        let s = Self.script
        try await store.upsertCustomer(Customer(
            id: "C-X", title: s, firstName: s, lastName: s, language: s, timeZone: s, email: s, mobile: s,
            postalAddress: PostalAddress(lines: [s, s], postcode: s, country: s),
            pushTokens: [PushToken(platform: s, token: s, disabled: true, disabledReason: s, disabledAt: s)], externalId: s,
            preferences: Preferences(optOut: [OptOut(method: nil, category: s)], quietHours: QuietHours(from: s, to: s, timeZone: s))))
        try await store.upsertAccount(Account(id: "A-X", customerId: "C-X", currency: s, amountDue: s))
        try await store.upsertSubscription(Subscription(id: "S-X", customerId: "C-X", accountId: "A-X", msisdn: s, plan: s))
        deps = AgentViewDependencies(store: store, agents: store, catalog: TwoCodeCatalog(), passwords: passwords,
                                     secureCookies: secureCookies, clock: { clock.now }, logger: logs.logger,
                                     documents: DocumentRetrieval(documents: documents, archive: nil),
                                     intake: TriggerIntake(store: store, catalog: TwoCodeCatalog(), signals: WorkSignals(), clock: { clock.now }))
    }

    /// Runs `body` against AgentView in-process.
    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: HeraldRequestContext.self)
        addAgentView(to: router, deps)
        try await Application(router: router).test(.router, body)
    }

    /// Stores a request for `target` created at `at`; with `method`, processes it as the Comms
    /// Monitor would (a distribution of that method to `sentTo`).
    @discardableResult
    func comm(_ code: String = "WELCOME", target: TargetRef = TargetRef(.customer, "C-1"), at: Date, priority: Int = 2,
              method: DeliveryMethod? = nil, sentTo: String = "+447700900123", distribution status: DistributionStatus? = nil,
              fields: [String: String] = [:], message: String? = nil, document: (name: String, bytes: [UInt8])? = nil,
              problem: RequestProblem? = nil) async throws -> String {
        let r = CommsRequest(id: Identifier.make(now: at), commsCode: code, priority: priority, status: .awaitingProcessing, target: target,
                             fields: fields, source: .api, createdBy: "test", createdAt: at)
        _ = try await store.submit(TriggerSubmission(requests: [r], actor: "api:test"), idempotencyWindow: .seconds(3600))
        if let method {
            let location = document.map { "mem/\(r.id)-\($0.name)" }
            if let document, let location { documents.put(location, document.bytes) }
            let d = Distribution(id: Identifier.make(now: at), requestId: r.id, method: method, target: sentTo,
                                 status: method.initialDistributionStatus, message: message, fileLocation: location,
                                 fields: fields.merging(["FIRSTNAME": "Zoë"]) { a, _ in a }, language: "en", createdAt: at)
            let t = try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "comms-monitor", at: at)
            _ = try await store.commit([Change(requestId: r.id, request: t, newDistribution: d)], ticket: nil)
            if let status {
                let move = try DistributionTransition(distribution: d, to: status, actor: "test", reason: "failed", at: at)
                let report = try await store.commit([Change(requestId: r.id, distribution: move, problems: problem.map { [$0] } ?? [])], ticket: nil)
                #expect(report.applied == 1)
            }
        }
        return r.id
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
struct Browser: Sendable {
    var cookie: String
    var csrf: String
}

extension TestClientProtocol {
    func get(_ uri: String, cookie: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await execute(uri: uri, method: .get, headers: headers, body: nil)
    }

    func post(_ uri: String, form: [(String, String)], cookie: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        headers[.contentType] = "application/x-www-form-urlencoded"
        let allowed = CharacterSet.alphanumerics
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Loads the sign-in form and posts it; returns the answer and the sign-in cookie used.
    func attemptSignIn(_ name: String, _ password: String) async throws -> TestResponse {
        let form = try await get("/agent/sign-in")
        let token = try #require(form.cookies["herald_agent_signin"])
        let csrf = try #require(form.hiddenCSRF)
        return try await post("/agent/sign-in", form: [("csrf", csrf), ("name", name), ("password", password)],
                              cookie: "herald_agent_signin=\(token)")
    }

    /// Signs in with the user's password and reads the session's CSRF token off the search page.
    func signIn(_ name: String) async throws -> Browser {
        let answer = try await attemptSignIn(name, "password-\(name)")
        #expect(answer.status == .seeOther)
        let token = try #require(answer.cookies["herald_agent"])
        let home = try await get("/agent", cookie: "herald_agent=\(token)")
        #expect(home.status == .ok)
        return Browser(cookie: "herald_agent=\(token)", csrf: try #require(home.hiddenCSRF))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// Set-Cookie values by name (the value only).
    var cookies: [String: String] {
        var found: [String: String] = [:]
        for field in headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { found[String(pair[0])] = String(pair[1]) }
        }
        return found
    }

    /// The full Set-Cookie header of `name`.
    func setCookie(_ name: String) -> String? {
        headers.first { $0.name == .setCookie && $0.value.hasPrefix(name + "=") }?.value
    }

    /// The value of the first `<input type="hidden" name="csrf" value="…">`.
    var hiddenCSRF: String? {
        guard let range = text.range(of: #"name="csrf" value=""#) else { return nil }
        let rest = text[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// A logger whose lines (message and metadata) are kept for the test to read.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "herald.agent.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

/// Local documents in memory: location → bytes.
final class MemoryDocuments: DocumentStore, Sendable {
    private let files = Mutex<[String: [UInt8]]>([:])

    func put(_ location: String, _ bytes: [UInt8]) { files.withLock { $0[location] = bytes } }

    func makeBatch(createdAt: Date) -> any DocumentBatch { fatalError("not used") }

    func read(_ location: String) async throws -> Data {
        guard let bytes = files.withLock({ $0[location] }) else { throw HeraldError.notFound("no document \(location)") }
        return Data(bytes)
    }
}
