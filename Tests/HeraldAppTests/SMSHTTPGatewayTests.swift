import HeraldAppTestSupport
import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

/// SMS through the HTTP-gateway route (`HERALD_SMS_TRANSPORT=http`) against a fake aggregator
/// (an in-process Hummingbird server on a free port), and the gateway's status callback.
@Suite(.serialized)
struct SMSHTTPGatewayTests {
    /// A fake SMS aggregator: records each request and answers with the next scripted response
    /// (200 with `{"messages": [{"id": "prov-<n>"}]}` once the script is used up).
    final class FakeAggregator: Sendable {
        struct Received: Sendable {
            var headers: HTTPFields
            var body: Data
            var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        }

        let received = Mutex<[Received]>([])
        let script: Mutex<[(status: HTTPResponse.Status, body: String)]>
        /// Requests being answered now, and the most at once; each answer waits `delay`.
        let inFlight = Mutex((now: 0, most: 0))
        let delay: Duration

        init(script: [(status: HTTPResponse.Status, body: String)] = [], delay: Duration = .zero) {
            self.script = Mutex(script)
            self.delay = delay
        }

        var requests: [Received] { received.withLock { $0 } }

        var application: some ApplicationProtocol {
            let router = Router()
            router.post("/sms") { request, _ -> Response in
                self.inFlight.withLock { c in c.now += 1; c.most = max(c.most, c.now) }
                defer { self.inFlight.withLock { $0.now -= 1 } }
                if self.delay > .zero { try await Task.sleep(for: self.delay) }
                let buffer = try await request.body.collect(upTo: 65_536)
                let count = self.received.withLock {
                    $0.append(Received(headers: request.headers, body: Data(buffer.readableBytesView)))
                    return $0.count
                }
                let next = self.script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                let (status, body) = next ?? (.ok, #"{"messages": [{"id": "prov-\#(count)", "status": "queued"}]}"#)
                return Response(status: status, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               logger: Logger(label: "fake-aggregator"))
        }

        /// Runs `body` with the aggregator listening; passes its `/sms` URL.
        func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
            try await application.test(.live) { client in
                let port = try #require(client.port)
                return try await body("http://127.0.0.1:\(port)/sms")
            }
        }
    }

    static let template = #"{"messages": [{"to": "{{to}}", "from": "{{from}}", "body": "{{text}}", "clientRef": "{{id}}"}]}"#

    static func environment(url: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "HERALD_SMS_TRANSPORT": "http", "HERALD_SMS_HTTP_URL": url, "HERALD_SMS_HTTP_ROUTE": "acme",
            "HERALD_SMS_HTTP_AUTH_HEADER": "X-Api-Key", "HERALD_SMS_HTTP_AUTH_VALUE": "k-123",
            "HERALD_SMS_HTTP_BODY": template, "HERALD_SMS_HTTP_ID_PATH": "messages.0.id", "HERALD_SMS_HTTP_FROM": "Herald",
            "HERALD_ADMIN_API_KEY": "admin-key", "HERALD_API_KEYS": "acme:status-update:status-key;crm:trigger:trigger-key",
        ].merging(extra) { $1 }
    }

    /// Triggers DATA_80 by SMS and runs the pipeline once; returns the request id and its distribution.
    static func sendOne(_ runtime: HeraldRuntime) async throws -> (String, Distribution) {
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+447700900123")
        try await runtime.runUntilQuiet()
        let d = try #require(try await runtime.store.request(id: id)?.distribution)
        return (id, d)
    }

    // MARK: Sending

    @Test func anSMSIsPostedAsTemplatedJSONWithTheAuthHeaderAndSentWithTheProviderId() async throws {
        let aggregator = FakeAggregator()
        try await aggregator.run { url in
            let runtime = try await SMSScenario.makeRuntime("sms-http-sent", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            #expect(runtime.transmitter(for: .sms) is HTTPGatewayTransmitter)
            let (_, d) = try await Self.sendOne(runtime)
            #expect(d.status == .sent, "\(d.lastError ?? "-")")
            #expect(d.reference == "prov-1")
            let request = try #require(aggregator.requests.first)
            #expect(aggregator.requests.count == 1)
            #expect(request.headers[HTTPField.Name("X-Api-Key")!] == "k-123")
            #expect(request.headers[.contentType] == "application/json")
            let message = try #require((request.json["messages"] as? [[String: Any]])?.first)
            #expect(message["to"] as? String == "+447700900123")
            #expect(message["from"] as? String == "Herald")
            #expect(message["clientRef"] as? String == d.id)
            let text = try #require(message["body"] as? String)
            #expect(!text.isEmpty && text == d.message, "the text arrives intact after JSON escaping: \(text)")
        }
    }

    /// `sms.http.concurrency` bounds the requests in flight over every batch the sender works
    /// on at once, not per batch.
    @Test func theConcurrencyLimitHoldsAcrossBatches() async throws {
        let aggregator = FakeAggregator(delay: .milliseconds(20))
        try await aggregator.run { url in
            let transmitter = HTTPGatewayTransmitter(settings: HTTPGatewaySettings(url: url, body: Self.template, idPath: "messages.0.id", concurrency: 2))
            let batches = (0..<3).map { b in
                (0..<4).map { i in
                    let request = CommsRequest(id: "r-\(b)-\(i)", commsCode: "DATA_80", priority: 2, status: .processed,
                                               target: TargetRef(.customer, "C1"), source: .api, createdBy: "t", createdAt: Date())
                    return Transmission(request: request, distribution: Distribution(
                        id: "d-\(b)-\(i)", requestId: request.id, method: .sms, target: "+447700900123", status: .awaitingDistribution,
                        message: "hello", language: "en", createdAt: Date()))
                }
            }
            let outcomes = await withTaskGroup(of: [TransmissionOutcome].self) { group in
                for batch in batches { group.addTask { await transmitter.transmit(batch) } }
                var all: [TransmissionOutcome] = []
                for await part in group { all += part }
                return all
            }
            #expect(outcomes.count == 12 && outcomes.allSatisfy { if case .sent = $0 { true } else { false } }, "\(outcomes)")
            #expect(aggregator.requests.count == 12)
            #expect(aggregator.inFlight.withLock { $0.most } == 2)
        }
    }

    @Test func aThrottled429IsAnErrorRetry() async throws {
        let aggregator = FakeAggregator(script: [(.tooManyRequests, #"{"error": "slow down"}"#)])
        try await aggregator.run { url in
            let runtime = try await SMSScenario.makeRuntime("sms-http-429", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            let (_, d) = try await Self.sendOne(runtime)
            #expect(d.status == .errorRetry)
            #expect(d.lastError?.contains("HTTP 429") == true, "\(d.lastError ?? "-")")
            #expect(d.retryAt != nil)
        }
    }

    @Test func a400IsAnErrorNoRetryNamingTheStatusAndTheGatewaysWords() async throws {
        let aggregator = FakeAggregator(script: [(.badRequest, #"{"error": "invalid destination number"}"#)])
        try await aggregator.run { url in
            let runtime = try await SMSScenario.makeRuntime("sms-http-400", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            let (_, d) = try await Self.sendOne(runtime)
            #expect(d.status == .errorNoRetry)
            #expect(d.lastError?.contains("HTTP 400") == true, "\(d.lastError ?? "-")")
            #expect(d.lastError?.contains("invalid destination number") == true, "\(d.lastError ?? "-")")
        }
    }

    @Test func aGatewayThatIsNotListeningIsAnErrorRetry() async throws {
        // A port nothing listens on: bind an aggregator, note its port, stop it.
        let url = try await FakeAggregator().run { $0 }
        let runtime = try await SMSScenario.makeRuntime("sms-http-down", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function) {
            $0.sms.http?.timeout = .milliseconds(500)
        }
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let (_, d) = try await Self.sendOne(runtime)
        #expect(d.status == .errorRetry, "\(d.lastError ?? "-")")
        #expect(d.lastError?.contains("unreachable") == true, "\(d.lastError ?? "-")")
    }

    @Test func a2xxWithoutAnIdIsNotRetried() async throws {
        let aggregator = FakeAggregator(script: [(.ok, #"{"accepted": true}"#)])
        try await aggregator.run { url in
            let runtime = try await SMSScenario.makeRuntime("sms-http-noid", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            let (_, d) = try await Self.sendOne(runtime)
            #expect(d.status == .errorNoRetry)
            #expect(d.lastError?.contains("messages.0.id") == true, "\(d.lastError ?? "-")")
        }
    }

    // MARK: The status callback

    @Test func theStatusCallbackMarksTheSMSDeliveredAndRefusesUnknownRoutesAndBadBodies() async throws {
        let aggregator = FakeAggregator()
        try await aggregator.run { url in
            let runtime = try await SMSScenario.makeRuntime("sms-http-status", environment: Self.environment(url: url), clock: SMSTransportTests.TestClock().function)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            let (id, sent) = try await Self.sendOne(runtime)
            #expect(sent.status == .sent && sent.reference == "prov-1")
            let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
            try await app.test(.router) { client in
                let report = #"{"id": "prov-1", "status": "delivered", "at": "2026-11-27T14:01:01Z"}"#
                var r = try await client.call(.post, "/v1/inbound/sms-status/default", json: report, key: "status-key")
                #expect(r.status == .notFound, "\(r.text)")
                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: report, key: "trigger-key")
                #expect(r.status == .forbidden)
                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: #"{"id": "prov-1", "status": "lost"}"#,
                                          key: "status-key")
                #expect(r.status == .unprocessableContent, "\(r.text)")
                #expect(r.object["field"] as? String == "status")
                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: #"[{"status": "delivered"}]"#, key: "status-key")
                #expect(r.status == .unprocessableContent)
                #expect(r.object["field"] as? String == "[0].id")
                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: #"{"id": "prov-1", "status": "delivered", "when": "now"}"#,
                                          key: "status-key")
                #expect(r.object["field"] as? String == "when")

                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: report, key: "status-key")
                #expect(r.status == .ok, "\(r.text)")
                let results = try #require(r.object["results"] as? [[String: Any]])
                #expect(results.count == 1)
                #expect(results.first?["id"] as? String == "prov-1")
                #expect(results.first?["result"] as? String == "applied")
                #expect(results.first?["distributionId"] as? String == sent.id)

                let batch = #"[{"id": "prov-1", "status": "failed", "error": "late"}, {"id": "prov-404", "status": "expired"}]"#
                r = try await client.call(.post, "/v1/inbound/sms-status/acme", json: batch, key: "status-key")
                #expect(r.status == .ok, "\(r.text)")
                let second = try #require(r.object["results"] as? [[String: Any]])
                #expect(second.map { $0["result"] as? String } == ["alreadyFinal", "unmatched"])
            }
            let detail = try #require(try await runtime.store.request(id: id))
            #expect(detail.distribution?.status == .delivered)
            #expect(detail.history.contains { $0.to == "delivered" && $0.actor == "api:acme" }, "\(detail.history)")
        }
    }

    // MARK: Settings

    @Test func gatewaySettingsAreReadFromTheEnvironmentWithDefaults() async throws {
        let dir = temporaryDirectory("sms-http-settings")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("gateway-key")
        try Data("Bearer from-file\n".utf8).write(to: secret)
        let s = try await HeraldSettings.load(dataDir: dir.path, environment: [
            "HERALD_SMS_TRANSPORT": "http", "HERALD_SMS_HTTP_URL": "https://sms.example.net/v1/send",
            "HERALD_SMS_HTTP_AUTH_VALUE_FILE": secret.path, "HERALD_SMS_HTTP_FROM": "Herald",
        ])
        #expect(s.sms.transport == .http)
        let gateway = try #require(s.sms.http)
        #expect(gateway.route == "default" && gateway.url == "https://sms.example.net/v1/send")
        #expect(gateway.authHeader == "Authorization" && gateway.authValue == "Bearer from-file")
        #expect(gateway.body == HTTPGatewaySettings.defaultBody && gateway.idPath == "id" && gateway.from == "Herald")
        let body = gateway.render(to: "+447700900123", text: "Say \"hi\"\\\n€ {}", id: "d-1")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        #expect(json == ["to": "+447700900123", "from": "Herald", "text": "Say \"hi\"\\\n€ {}", "reference": "d-1"])
    }

    @Test func theIdPathReadsNestedKeysArraysAndNumbers() {
        let json: [String: Any] = ["messages": [["id": "m-1"], ["id": 42]], "id": 7]
        #expect(HTTPGatewayTransmitter.value(at: "messages.0.id", in: json) == "m-1")
        #expect(HTTPGatewayTransmitter.value(at: "messages.1.id", in: json) == "42")
        #expect(HTTPGatewayTransmitter.value(at: "id", in: json) == "7")
        #expect(HTTPGatewayTransmitter.value(at: "messages.2.id", in: json) == nil)
        #expect(HTTPGatewayTransmitter.value(at: "messages", in: json) == nil)
    }

    @Test(arguments: [
        (["HERALD_SMS_HTTP_URL": ""], "sms.http.url"),
        (["HERALD_SMS_HTTP_URL": "ftp://sms.example.net"], "sms.http.url"),
        (["HERALD_SMS_HTTP_URL": "not a url"], "sms.http.url"),
        (["HERALD_SMS_HTTP_ROUTE": "a/b"], "sms.http.route"),
        (["HERALD_SMS_HTTP_AUTH_HEADER": "X Api Key"], "sms.http.auth.header"),
        (["HERALD_SMS_HTTP_AUTH_VALUE": ""], "sms.http.auth.value"),
        (["HERALD_SMS_HTTP_AUTH_VALUE_FILE": "/nonexistent/herald-secret"], "sms.http.auth.value.file"),
        (["HERALD_SMS_HTTP_BODY": #"{"to": "{{to}}", "msg": "{{message}}"}"#], "sms.http.body"),
        (["HERALD_SMS_HTTP_BODY": #"{"to": {{to}}}"#], "sms.http.body"),
        (["HERALD_SMS_HTTP_BODY": #"{"to": "{{to}"}"#], "sms.http.body"),
        (["HERALD_SMS_HTTP_FROM": ""], "sms.http.from"),
        (["HERALD_SMS_HTTP_ID_PATH": "messages..id"], "sms.http.id.path"),
    ])
    func badGatewaySettingsNameTheSetting(_ change: [String: String], _ field: String) async throws {
        var env = Self.environment(url: "https://sms.example.net/send", extra: change)
        if change["HERALD_SMS_HTTP_AUTH_VALUE_FILE"] != nil { env["HERALD_SMS_HTTP_AUTH_VALUE"] = nil }
        do {
            _ = try await HeraldSettings.load(dataDir: temporaryDirectory("sms-http-bad").path, environment: env)
            Issue.record("expected an error naming \(field)")
        } catch let error as HeraldError {
            #expect(error.field == field, "\(error)")
        }
    }
}
