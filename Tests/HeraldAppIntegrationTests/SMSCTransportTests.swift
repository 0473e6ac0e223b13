import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldAppTestSupport
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// SMS through the SMPP route against the real smpp34 SMSC that scripts/test.sh starts
/// (`HERALD_TEST_SMSC_PORT`), through the scenario the loopback tests share (`SMSScenario`).
struct SMSCTransportTests {
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
        let runtime = try await SMSScenario.makeRuntime("smpp-real", environment: SMSScenario.smppEnvironment(port: port), clock: { [now = Date()] in now })
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        #expect(runtime.transmitter(for: .sms) is SMPPTransmitter)
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+447700900123")
        let d = try await SMSScenario.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            let sent = try await SMSScenario.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
            #expect(sent.status == .sent || sent.status == .delivered)
            let reference = try #require(sent.reference)
            #expect(reference.hasPrefix("smsc-"), "reference \(reference)")
            return try await SMSScenario.waitFor(runtime, id) { $0.status == .delivered }
        }
        #expect(d.status == .delivered, "last error: \(d.lastError ?? "-")")
        let detail = try #require(try await runtime.store.request(id: id))
        #expect(detail.history.contains { $0.actor == "smpp-receipts" })
    }

    @Test func aDestinationTheRealSMSCRejectsIsAnErrorNoRetryNamingTheStatus() async throws {
        let port = try Self.realSMSCPort()
        let runtime = try await SMSScenario.makeRuntime("smpp-reject", environment: SMSScenario.smppEnvironment(port: port), clock: { [now = Date()] in now })
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+99912345678")
        let d = try await SMSScenario.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            return try await SMSScenario.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
        }
        #expect(d.status == .errorNoRetry)
        #expect(d.lastError?.contains("ESME_RINVDSTADR") == true, "\(d.lastError ?? "-")")
    }
}
