import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// SMS through the SMPP route against the real smpp34 SMSC that scripts/test.sh starts
/// (`HERALD_TEST_SMSC_PORT`). The helpers are copies of those in HeraldAppTests'
/// SMSTransportTests (a test target cannot import another), trimmed to what these tests use.
struct SMSCTransportTests {
    static func smppEnvironment(port: Int) -> [String: String] {
        [
            "HERALD_SMS_TRANSPORT": "smpp", "HERALD_SMPP_HOST": "127.0.0.1", "HERALD_SMPP_PORT": "\(port)",
            "HERALD_SMPP_SYSTEM_ID": "herald", "HERALD_SMPP_PASSWORD": "secret", "HERALD_SMPP_SOURCE_ADDR": "Herald",
            "HERALD_ADMIN_API_KEY": "admin-key",
        ]
    }

    /// A runtime whose clock stands at the time it was made (as SMSTransportTests' `TestClock`).
    static func makeRuntime(_ name: String, environment: [String: String]) async throws -> HeraldRuntime {
        let dir = temporaryDirectory(name)
        let settings = try await HeraldSettings.load(dataDir: dir.path, environment: environment)
        try SampleCatalog.write(to: settings.catalogDirectory)
        let now = Date()
        return try await HeraldRuntime(settings: settings, logger: Logger(label: "test-sms"), clock: { now })
    }

    /// Stores a customer with a subscription on `msisdn` and triggers DATA_80 by SMS; returns the request id.
    static func triggerDataAlert(_ runtime: HeraldRuntime, msisdn: String) async throws -> String {
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        return try await app.test(.router) { client in
            var r = try await client.call(.put, "/v1/customers/C-1", json: """
                {"firstName": "Ada", "lastName": "Byron", "language": "en", "timeZone": "Europe/London", "mobile": "\(msisdn)"}
                """)
            #expect(r.status == .created)
            r = try await client.call(.put, "/v1/accounts/A-1", json: #"{"customerId": "C-1", "currency": "GBP"}"#)
            r = try await client.call(.put, "/v1/subscriptions/S-1", json: """
                {"customerId": "C-1", "accountId": "A-1", "msisdn": "\(msisdn)", "plan": "Unlimited"}
                """)
            #expect(r.status == .created)
            r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "DATA_80", "subscriptionId": "S-1", "deliveryMethod": "sms", "priority": 1, "fields": {"PERCENT": "80"}}"#)
            #expect(r.status == .created, "\(r.text)")
            return try #require(r.object["id"] as? String)
        }
    }

    /// Runs `body` with the runtime's transport services (route, receipt processor) running.
    static func withTransports<T: Sendable>(_ runtime: HeraldRuntime, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.runTransports() }
            do {
                let result = try await body()
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Polls until the distribution satisfies `done` (at most `seconds`).
    static func waitFor(_ runtime: HeraldRuntime, _ id: String, seconds: Double = 10,
                        _ done: (Distribution) -> Bool) async throws -> Distribution {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let d = try #require(try await runtime.store.request(id: id)?.distribution)
            if done(d) || Date() > deadline { return d }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func realSMSCPort() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["HERALD_TEST_SMSC_PORT"], let port = Int(text) else {
            Issue.record("HERALD_TEST_SMSC_PORT is not set: run the tests with scripts/test.sh, which starts the smpp34 SMSC")
            throw HeraldError.invalid("HERALD_TEST_SMSC_PORT", "not set")
        }
        return port
    }

    // MARK: The real SMSC

    @Test func anSMSIsSentThroughTheRealSMSCAndItsReceiptMarksItDelivered() async throws {
        let port = try Self.realSMSCPort()
        let runtime = try await Self.makeRuntime("smpp-real", environment: Self.smppEnvironment(port: port))
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        #expect(runtime.transmitter(for: .sms) is SMPPTransmitter)
        let id = try await Self.triggerDataAlert(runtime, msisdn: "+447700900123")
        let d = try await Self.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            let sent = try await Self.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
            #expect(sent.status == .sent || sent.status == .delivered)
            let reference = try #require(sent.reference)
            #expect(reference.hasPrefix("smsc-"), "reference \(reference)")
            return try await Self.waitFor(runtime, id) { $0.status == .delivered }
        }
        #expect(d.status == .delivered, "last error: \(d.lastError ?? "-")")
        let detail = try #require(try await runtime.store.request(id: id))
        #expect(detail.history.contains { $0.actor == "smpp-receipts" })
    }

    @Test func aDestinationTheRealSMSCRejectsIsAnErrorNoRetryNamingTheStatus() async throws {
        let port = try Self.realSMSCPort()
        let runtime = try await Self.makeRuntime("smpp-reject", environment: Self.smppEnvironment(port: port))
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let id = try await Self.triggerDataAlert(runtime, msisdn: "+99912345678")
        let d = try await Self.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            return try await Self.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
        }
        #expect(d.status == .errorNoRetry)
        #expect(d.lastError?.contains("ESME_RINVDSTADR") == true, "\(d.lastError ?? "-")")
    }
}
