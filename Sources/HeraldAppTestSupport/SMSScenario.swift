import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

/// The SMS test scenario shared by the loopback-SMSC tests (HeraldAppTests) and the real-SMSC
/// tests (HeraldAppIntegrationTests): a runtime configured for an SMPP route, a DATA_80 alert
/// triggered through the API, the transports run around a check, a wait for a status.
public enum SMSScenario {
    /// `HERALD_*` variables for an SMPP route to `127.0.0.1:port`, plus `extra`.
    public static func smppEnvironment(port: Int, extra: [String: String] = [:]) -> [String: String] {
        [
            "HERALD_SMS_TRANSPORT": "smpp", "HERALD_SMPP_HOST": "127.0.0.1", "HERALD_SMPP_PORT": "\(port)",
            "HERALD_SMPP_SYSTEM_ID": "herald", "HERALD_SMPP_PASSWORD": "secret", "HERALD_SMPP_SOURCE_ADDR": "Herald",
            "HERALD_ADMIN_API_KEY": "admin-key",
        ].merging(extra) { $1 }
    }

    /// A runtime on a temporary folder with the sample catalog, read from `environment`,
    /// `adjust`ed, on `clock`.
    public static func makeRuntime(_ name: String, environment: [String: String], clock: @escaping @Sendable () -> Date,
                                   adjust: (inout HeraldSettings) -> Void = { _ in }) async throws -> HeraldRuntime {
        let dir = temporaryDirectory(name)
        var settings = try await HeraldSettings.load(dataDir: dir.path, environment: environment)
        adjust(&settings)
        try SampleCatalog.write(to: settings.catalogDirectory)
        return try await HeraldRuntime(settings: settings, logger: Logger(label: "test-sms"), clock: clock)
    }

    /// Stores a customer with a subscription on `msisdn` and triggers DATA_80 by SMS; returns
    /// the request id. An unexpected answer is thrown.
    public static func triggerDataAlert(_ runtime: HeraldRuntime, msisdn: String) async throws -> String {
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        return try await app.test(.router) { client in
            func expectCreated(_ r: TestResponse, _ what: String) throws {
                guard r.status == .created else { throw EmailTestFailure(message: "\(what): \(r.status) \(r.text)") }
            }
            try expectCreated(try await client.call(.put, "/v1/customers/C-1", json: """
                {"firstName": "Ada", "lastName": "Byron", "language": "en", "timeZone": "Europe/London", "mobile": "\(msisdn)"}
                """), "customer")
            _ = try await client.call(.put, "/v1/accounts/A-1", json: #"{"customerId": "C-1", "currency": "GBP"}"#)
            try expectCreated(try await client.call(.put, "/v1/subscriptions/S-1", json: """
                {"customerId": "C-1", "accountId": "A-1", "msisdn": "\(msisdn)", "plan": "Unlimited"}
                """), "subscription")
            let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "DATA_80", "subscriptionId": "S-1", "deliveryMethod": "sms", "priority": 1, "fields": {"PERCENT": "80"}}"#)
            try expectCreated(r, "trigger")
            guard let id = r.object["id"] as? String else { throw EmailTestFailure(message: "trigger answered without an id: \(r.text)") }
            return id
        }
    }

    /// Runs `body` with the runtime's transport services (route, receipt processor) running.
    public static func withTransports<T: Sendable>(_ runtime: HeraldRuntime, _ body: @Sendable () async throws -> T) async throws -> T {
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

    /// Polls until the distribution satisfies `done` (at most `seconds`); returns it as it is then.
    public static func waitFor(_ runtime: HeraldRuntime, _ id: String, seconds: Double = 10,
                               _ done: (Distribution) -> Bool) async throws -> Distribution {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            guard let d = try await runtime.store.request(id: id)?.distribution else {
                throw EmailTestFailure(message: "request \(id) has no distribution")
            }
            if done(d) || Date() > deadline { return d }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
