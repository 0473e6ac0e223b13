import NIOCore
import Testing
@testable import SMPP

/// The client against the in-process SMSC, with faults.
@Suite struct FakeSMSCTests {
    /// The default response timeout only bounds how long a test waits for an answer that comes:
    /// generous, since the fake answers from the cooperative pool, which the full suite's other
    /// tests can hold for seconds (a bind once waited over 5 s). Tests about silence set their own.
    static func configuration(
        window: Int = 64, tps: Int? = nil, responseTimeout: TimeAmount = .seconds(20),
        enquireLink: TimeAmount = .seconds(30), backoff: TimeAmount = .milliseconds(50)
    ) -> SMPPClient.Configuration {
        SMPPClient.Configuration(
            systemID: "herald", password: "secret", windowSize: window, maxSubmitsPerSecond: tps,
            enquireLinkInterval: enquireLink, responseTimeout: responseTimeout, connectTimeout: .seconds(2), throttleBackoff: backoff
        )
    }

    static let message = SMSMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, text: "Hello from Herald: 5 €")

    @Test func submitAndReceiveReceipts() async throws {
        try await FakeSMSC.with { port, log in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { client in
                #expect(client.bindResponse.systemID == "FakeSMSC")
                let single = try await client.submit(Self.message)
                #expect(single.messageIDs == ["fake-1"])
                #expect(single.encoding == .gsm7)
                var long = Self.message
                long.text = String(repeating: "Grüße 😀 ", count: 20)  // 180 code units: 3 UCS-2 parts
                let multi = try await client.submit(long)
                #expect(multi.segmentCount == 3)
                #expect(multi.encoding == .ucs2)
                #expect(Set(multi.messageIDs) == ["fake-2", "fake-3", "fake-4"])
                var receipts: [String] = []
                for await delivery in client.deliveries {
                    if let receipt = delivery.receipt, receipt.isDelivered { receipts.append(receipt.messageID) }
                    if receipts.count == 4 { break }
                }
                #expect(Set(receipts) == ["fake-1", "fake-2", "fake-3", "fake-4"])
            }
            let parts = log.messages.suffix(3)
            #expect(parts.allSatisfy { $0.esmClass == 0x40 && $0.dataCoding == 8 && $0.shortMessage.prefix(3) == [0x05, 0x00, 0x03] })
            #expect(log.unbinds == 1)  // graceful unbind on close
        }
    }

    @Test func manyConcurrentSubmitsThroughTheWindow() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(sendReceipts: false)) { port, log in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration(window: 8)) { client in
                let ids = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<200 { group.addTask { try await client.submit(Self.message).messageIDs[0] } }
                    var ids: Set<String> = []
                    for try await id in group { ids.insert(id) }
                    return ids
                }
                #expect(ids.count == 200)
            }
            #expect(log.submits == 200)
        }
    }

    @Test func bindRefused() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(bindStatus: .ESME_RINVPASWD)) { port, _ in
            do {
                _ = try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { _ in 0 }
                Issue.record("bound")
            } catch let error as SMPPError {
                #expect(error.code == .bindFailed)
                #expect(error.commandStatus == .ESME_RINVPASWD)
                #expect(!error.isTransient)
            }
        }
    }

    @Test func throttlingIsTransientAndBacksOff() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(throttleFirst: 1, sendReceipts: false)) { port, _ in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration(backoff: .milliseconds(200))) { client in
                let start = ContinuousClock.now
                do {
                    _ = try await client.submit(Self.message)
                    Issue.record("not throttled")
                } catch let error as SMPPError {
                    #expect(error.commandStatus == .ESME_RTHROTTLED)
                    #expect(error.isTransient)
                    #expect(!error.outcomeUnknown)
                }
                // The retry waits for the backoff, then succeeds.
                let result = try await client.submit(Self.message)
                #expect(result.messageIDs == ["fake-1"])
                #expect(ContinuousClock.now - start >= .milliseconds(190))
            }
        }
    }

    // The timeout also bounds the bind, and the fake SMSC answers from the cooperative pool, which
    // other tests (blocking on python3 subprocesses) can hold for seconds: 10 s keeps this about silence.
    @Test func silenceTimesOut() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(silent: true)) { port, _ in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration(responseTimeout: .seconds(10))) { client in
                do {
                    _ = try await client.submit(Self.message)
                    Issue.record("answered")
                } catch let error as SMPPError {
                    #expect(error.code == .responseTimeout)
                    #expect(error.outcomeUnknown)
                }
            }
        }
    }

    @Test func malformedResponseIsATypedErrorAndTheSessionGoesOn() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(malformedFirstResponse: true, sendReceipts: false)) { port, _ in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { client in
                do {
                    _ = try await client.submit(Self.message)
                    Issue.record("accepted")
                } catch let error as SMPPError {
                    #expect(error.code == .malformedPDU)
                    #expect(error.decodingError?.code == .unterminatedCString)
                    #expect(error.outcomeUnknown)
                }
                #expect(try await client.submit(Self.message).messageIDs == ["fake-1"])
            }
        }
    }

    @Test func brokenFramingClosesWithTypedErrors() async throws {
        // command_length 8: the stream cannot be framed any more.
        try await FakeSMSC.with(FakeSMSC.Behavior(silent: true, rawAfterBind: hex("00000008 00000015"))) { port, _ in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { client in
                do {
                    _ = try await client.submit(Self.message)
                    Issue.record("accepted")
                } catch let error as SMPPError {
                    #expect(error.code == .connectionClosed || error.code == .unbound)
                }
            }
        }
    }

    @Test func droppedConnectionFailsTheWindow() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(silent: true, dropAfterSubmits: 5)) { port, _ in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { client in
                let errors = await withTaskGroup(of: SMPPError?.self) { group in
                    for _ in 0..<5 {
                        group.addTask {
                            do { _ = try await client.submit(Self.message); return nil } catch { return error as? SMPPError }
                        }
                    }
                    var errors: [SMPPError?] = []
                    for await error in group { errors.append(error) }
                    return errors
                }
                #expect(errors.count == 5)
                for error in errors {
                    #expect(error?.code == .connectionClosed)
                    #expect(error?.outcomeUnknown == true)
                }
                #expect(!client.isActive)
                // Later submits fail at once, typed.
                await #expect(throws: SMPPError.self) { try await client.submit(Self.message) }
            }
        }
    }

    @Test func enquireLinkKeepsTheLinkAlive() async throws {
        try await FakeSMSC.with { port, log in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration(enquireLink: .milliseconds(100))) { client in
                try await Task.sleep(for: .milliseconds(1_200))  // 12 periods: a loaded suite delays timers
                #expect(client.isActive)
            }
            #expect(log.enquireLinks >= 2)
        }
    }

    @Test func tpsCapLimitsTheRate() async throws {
        try await FakeSMSC.with(FakeSMSC.Behavior(sendReceipts: false)) { port, log in
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration(tps: 20)) { client in
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 { group.addTask { _ = try await client.submit(Self.message) } }
                    try await group.waitForAll()
                }
                // A bucket of 2, then one every 50 ms: at least 300 ms for 8.
                #expect(ContinuousClock.now - start >= .milliseconds(290))
            }
            #expect(log.submits == 8)
        }
    }

    @Test func connectionRefusedIsAnError() async throws {
        // Bind a port, close it, connect to it.
        let port = try await FakeSMSC.with { port, _ in port }
        await #expect(throws: (any Error).self) {
            try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration()) { _ in 0 }
        }
    }
}
