import Foundation
import HeraldApp
import HeraldBench
import HeraldCatalog
import HeraldCore
import HeraldAppTestSupport
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

/// SMS through the SMPP route against the in-process `LoopbackSMSC`, for the faults. (Against
/// the real smpp34 SMSC: HeraldAppIntegrationTests' SMSCTransportTests.)
struct SMSTransportTests {
    /// A clock the test moves forward (to pass a retry time).
    final class TestClock: Sendable {
        let now = Mutex(Date())
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
        var function: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }


    // MARK: The in-process SMSC's faults

    @Test func throttlingIsAnErrorRetryWithBackoffThenSent() async throws {
        let smsc = try await LoopbackSMSC.start(.init(throttleFirst: 1))
        defer { Task { await smsc.stop() } }
        let clock = TestClock()
        let runtime = try await SMSScenario.makeRuntime("smpp-throttle", environment: SMSScenario.smppEnvironment(port: smsc.port), clock: clock.function) {
            $0.sms.smpp?.throttleBackoff = .milliseconds(10)
        }
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+447700900123")
        let (first, second) = try await SMSScenario.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            let first = try await SMSScenario.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
            clock.advance(3600)
            try await runtime.runUntilQuiet()
            let second = try await SMSScenario.waitFor(runtime, id) { $0.status == .delivered }
            return (first, second)
        }
        #expect(first.status == .errorRetry)
        #expect(first.lastError?.contains("ESME_RTHROTTLED") == true, "\(first.lastError ?? "-")")
        #expect(first.retryAt.map { $0 > first.updatedAt } == true, "a retry time in the future")
        #expect(second.status == .delivered)
        #expect(second.reference?.hasPrefix("loop-") == true)
        #expect(smsc.submits == 2)
    }

    @Test func aConnectionLostMidWindowIsRetriedAsAPossibleDuplicate() async throws {
        let smsc = try await LoopbackSMSC.start(.init(dropAtSubmit: 1))
        defer { Task { await smsc.stop() } }
        let clock = TestClock()
        let runtime = try await SMSScenario.makeRuntime("smpp-drop", environment: SMSScenario.smppEnvironment(port: smsc.port), clock: clock.function) {
            $0.sms.smpp?.reconnectBaseDelay = .milliseconds(50)
        }
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+447700900123")
        let (first, second) = try await SMSScenario.withTransports(runtime) {
            try await runtime.runUntilQuiet()
            let first = try await SMSScenario.waitFor(runtime, id, seconds: 1) { $0.status != .awaitingDistribution }
            clock.advance(3600)
            try await runtime.runUntilQuiet()  // waits for the route to bind again
            let second = try await SMSScenario.waitFor(runtime, id) { $0.status == .delivered }
            return (first, second)
        }
        #expect(first.status == .errorRetry)
        #expect(first.lastError?.contains("possible duplicate") == true, "\(first.lastError ?? "-")")
        #expect(second.status == .delivered, "\(second.lastError ?? "-")")
        #expect(smsc.binds >= 2)
    }

    @Test func aTransmitterAndReceiverPairSendsOnOneAndGetsReceiptsOnTheOther() async throws {
        let smsc = try await LoopbackSMSC.start()
        defer { Task { await smsc.stop() } }
        let runtime = try await SMSScenario.makeRuntime(
            "smpp-pair", environment: SMSScenario.smppEnvironment(port: smsc.port, extra: ["HERALD_SMPP_BIND": "transmitter+receiver"]),
            clock: TestClock().function)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let id = try await SMSScenario.triggerDataAlert(runtime, msisdn: "+447700900123")
        let d = try await SMSScenario.withTransports(runtime) {
            let deadline = Date().addingTimeInterval(30)
            while smsc.receiverBinds < 1 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            try await runtime.runUntilQuiet()
            return try await SMSScenario.waitFor(runtime, id) { $0.status == .delivered }
        }
        #expect(smsc.binds == 2)  // one transmitter, one receiver
        #expect(d.status == .delivered, "\(d.status) \(d.lastError ?? "-")")
        #expect(d.reference?.hasPrefix("loop-") == true)
    }

    @Test func theRouteUnbindsOnShutdown() async throws {
        let smsc = try await LoopbackSMSC.start()
        defer { Task { await smsc.stop() } }
        let route = SMPPRoute(settings: SMPPRouteSettings(host: "127.0.0.1", port: smsc.port, systemID: "herald", password: "x",
                                                          sourceAddress: "12345", binds: 2),
                              logger: Logger(label: "test-sms"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await route.run() }
            // Generous: under the full suite's load (PDF renders, decoders, sshd) binding took over 5 s once.
            let deadline = Date().addingTimeInterval(30)
            while route.boundTransmitters < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(route.boundTransmitters == 2)
            group.cancelAll()
        }
        #expect(smsc.unbinds == 2)
    }

    // MARK: Settings

    @Test func smppSettingsAreReadFromTheEnvironment() async throws {
        let dir = temporaryDirectory("smpp-settings")
        let s = try await HeraldSettings.load(dataDir: dir.path, environment: SMSScenario.smppEnvironment(port: 2776, extra: [
            "HERALD_SMPP_SYSTEM_TYPE": "VMA", "HERALD_SMPP_BIND": "transmitter+receiver", "HERALD_SMPP_WINDOW": "10",
            "HERALD_SMPP_TPS": "200", "HERALD_SMPP_BINDS": "2",
        ]))
        #expect(s.sms.transport == .smpp)
        let smpp = try #require(s.sms.smpp)
        #expect(smpp.host == "127.0.0.1" && smpp.port == 2776 && smpp.systemID == "herald" && smpp.password == "secret")
        #expect(smpp.systemType == "VMA" && smpp.sourceAddress == "Herald" && smpp.bind == .transmitterAndReceiver)
        #expect(smpp.window == 10 && smpp.tps == 200 && smpp.binds == 2)
        let outbox = try await HeraldSettings.load(dataDir: dir.path, environment: [:])
        #expect(outbox.sms.transport == .outbox && outbox.sms.smpp == nil)
    }

    @Test func theSMPPPasswordMayComeFromAFile() async throws {
        let dir = temporaryDirectory("smpp-secret")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("smpp-password")
        try Data("fromfile\n".utf8).write(to: file)
        var env = SMSScenario.smppEnvironment(port: 2775)
        env["HERALD_SMPP_PASSWORD"] = nil
        env["HERALD_SMPP_PASSWORD_FILE"] = file.path
        let s = try await HeraldSettings.load(dataDir: dir.path, environment: env)
        #expect(s.sms.smpp?.password == "fromfile")
    }

    @Test(arguments: [
        (["HERALD_SMS_TRANSPORT": "pigeon"], "sms.transport"),
        (["HERALD_SMS_TRANSPORT": "http"], "sms.http.url"),
        (["HERALD_SMPP_HOST": ""], "smpp.host"),
        (["HERALD_SMPP_PORT": "seventy"], "smpp.port"),
        (["HERALD_SMPP_PORT": "70000"], "smpp.port"),
        (["HERALD_SMPP_SYSTEM_ID": "a-system-id-that-is-too-long"], "smpp.system.id"),
        (["HERALD_SMPP_PASSWORD": "muchtoolong"], "smpp.password"),
        (["HERALD_SMPP_SOURCE_ADDR": "A sender name far too long"], "smpp.source.addr"),
        (["HERALD_SMPP_BIND": "receiver"], "smpp.bind"),
        (["HERALD_SMPP_WINDOW": "0"], "smpp.window"),
        (["HERALD_SMPP_TPS": "-5"], "smpp.tps"),
        (["HERALD_SMPP_BINDS": "x"], "smpp.binds"),
    ])
    func badSMPPSettingsNameTheSetting(_ change: [String: String], _ field: String) async throws {
        let env = SMSScenario.smppEnvironment(port: 2775, extra: change)
        do {
            _ = try await HeraldSettings.load(dataDir: temporaryDirectory("smpp-bad").path, environment: env)
            Issue.record("expected an error naming \(field)")
        } catch let error as HeraldError {
            #expect(error.field == field, "\(error)")
        }
    }

    // MARK: Defaults

    @Test func theOutboxStaysTheDefaultSMSTransport() async throws {
        let runtime = try await SMSScenario.makeRuntime("smpp-receipt-map", environment: [:], clock: TestClock().function)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        #expect(runtime.transmitter(for: .sms) is OutboxTransmitter)
        #expect(runtime.transportServices().isEmpty)
    }
}
