import NIOCore
import Testing
@testable import STOMP

/// The client against the in-process ``FakeBroker`` and its faults.
@Suite struct ClientTests {
    func configuration(port: Int, heartBeat: STOMPHeartBeat = .none) -> STOMPClient.Configuration {
        var configuration = STOMPClient.Configuration(
            endpoint: STOMPEndpoint(host: "127.0.0.1", port: port), login: "herald", passcode: "secret",
            heartBeat: heartBeat, connectTimeout: .seconds(5), receiptTimeout: .seconds(5),
            reconnectBackoff: .milliseconds(200), maxReconnectBackoff: .seconds(1))
        configuration.virtualHost = "vhost"
        return configuration
    }

    func message(_ n: Int, destination: String = "/queue/herald.test") -> STOMPMessage {
        STOMPMessage(destination: destination, text: "{\"n\":\(n)}", contentType: "application/json", headers: [("herald-id", "id-\(n)")])
    }

    @Test func sendsManyPipelinedMessagesEachConfirmed() async throws {
        try await FakeBroker.with { port, log in
            let client = STOMPClient(configuration: configuration(port: port))
            let receipts = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<200 { group.addTask { try await client.send(message(n)) } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(receipts.count == 200)
            await client.close()
            #expect(log.sends.count == 200)
            #expect(Set(log.sends.compactMap { $0["herald-id"] }).count == 200)
            let first = try #require(log.sends.first)
            #expect(first["persistent"] == "true" && first["content-type"] == "application/json" && first["receipt"] != nil)
            let connect = try #require(log.connects.first)
            #expect(connect["login"] == "herald" && connect["passcode"] == "secret" && connect["host"] == "vhost" && connect["accept-version"] == "1.2")
            #expect(log.connects.count == 1 && log.disconnects == 1)
        }
    }

    @Test func aRefusedConnectIsATypedErrorAndRetriedAfterTheBackoff() async throws {
        var behavior = FakeBroker.Behavior()
        behavior.refuseFirstConnections = 1
        try await FakeBroker.with(behavior) { port, log in
            // A 2 s backoff: the second send comes within it even when a loaded suite stalls it.
            var config = configuration(port: port)
            config.reconnectBackoff = .seconds(2)
            config.maxReconnectBackoff = .seconds(4)
            let client = STOMPClient(configuration: config)
            let refused = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
            #expect(refused?.code == .connectRefused && refused?.brokerMessage == "refused 1" && refused?.isRetryable == true)
            // Within the backoff: no new attempt, not sent.
            let waiting = await #expect(throws: STOMPError.self) { try await client.send(message(2)) }
            #expect(waiting?.code == .notConnected && waiting?.mayHaveBeenDelivered == false)
            #expect(log.connects.count == 1)
            try await Task.sleep(for: .milliseconds(2_100))
            _ = try await client.send(message(3))
            #expect(log.connects.count == 2 && client.connectionCount == 1)
            await client.close()
        }
    }

    @Test func anErrorFrameRefusesTheMessageAndTheNextSendReconnects() async throws {
        var behavior = FakeBroker.Behavior()
        behavior.rejectDestination = "/queue/closed"
        try await FakeBroker.with(behavior) { port, log in
            let client = STOMPClient(configuration: configuration(port: port))
            _ = try await client.send(message(1))
            let rejected = await #expect(throws: STOMPError.self) { try await client.send(message(2, destination: "/queue/closed")) }
            #expect(rejected?.code == .rejected && rejected?.isRetryable == false && rejected?.mayHaveBeenDelivered == false)
            #expect(rejected?.brokerMessage == "not allowed: /queue/closed")
            #expect(rejected?.brokerDetail == "the destination /queue/closed is closed")
            // The broker closed the connection after the ERROR: the client connects again.
            try await Task.sleep(for: .milliseconds(100))
            _ = try await client.send(message(3))
            #expect(client.connectionCount == 2)
            await client.close()
        }
    }

    @Test func aConnectionDroppedBeforeTheReceiptFailsAsPossiblyDelivered() async throws {
        var behavior = FakeBroker.Behavior()
        behavior.dropAfterSends = 3
        try await FakeBroker.with(behavior) { port, log in
            let client = STOMPClient(configuration: configuration(port: port))
            _ = try await client.send(message(1))
            _ = try await client.send(message(2))
            let lost = await #expect(throws: STOMPError.self) { try await client.send(message(3)) }
            #expect(lost?.code == .connectionLost && lost?.mayHaveBeenDelivered == true && lost?.isRetryable == true)
            // A new connection for the next one (its third SEND would be dropped again).
            _ = try await client.send(message(3))
            #expect(client.connectionCount == 2)
            await client.close()
        }
    }

    @Test func aSilentBrokerIsDetectedByItsMissingHeartBeats() async throws {
        var behavior = FakeBroker.Behavior()
        // Promises a heart-beat every 3 s and sends none. (At 200 ms, and once in CI at 1 s, a
        // loaded suite let the watchdog close the connection before the SEND was even written,
        // which is no lost send.)
        behavior.heartBeat = "3000,0"
        behavior.withholdReceipts = true
        try await FakeBroker.with(behavior) { port, log in
            // The receipt timeout (120 s) is far beyond the heart-beat watchdog, so even a suite
            // that loads both cores tells the two apart.
            var config = configuration(port: port, heartBeat: STOMPHeartBeat(send: .zero, receive: .milliseconds(3000)))
            config.receiptTimeout = .seconds(120)
            let client = STOMPClient(configuration: config)
            let started = ContinuousClock.now
            let lost = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
            #expect(lost?.code == .connectionLost && lost?.mayHaveBeenDelivered == true, "\(String(describing: lost))")
            #expect(lost?.reason.contains("nothing from the broker") == true, "\(String(describing: lost))")
            #expect(ContinuousClock.now - started < .seconds(60))  // not the 120 s receipt timeout
            await client.close()
        }
    }

    @Test func aBrokerThatSendsHeartBeatsStaysAndReceivesOurs() async throws {
        var behavior = FakeBroker.Behavior()
        // The broker beats every 250 ms; the client expects one within 3 s (its watchdog fires
        // after 7.5 s of silence, and the test waits 9 s): a loaded suite delays timers by hundreds of milliseconds, and
        // a full CI run once starved the fake broker for 2.5 s, past a 1 s interval's watchdog.
        behavior.heartBeat = "1000,1000"
        behavior.sendHeartBeatsEvery = .milliseconds(250)
        try await FakeBroker.with(behavior) { port, log in
            let client = STOMPClient(configuration: configuration(port: port, heartBeat: STOMPHeartBeat(send: .milliseconds(1000), receive: .milliseconds(3000))))
            _ = try await client.send(message(1))
            // Longer than the watchdog: the connection stays only because the beats arrive.
            try await Task.sleep(for: .milliseconds(9000))
            #expect(client.isConnected)
            _ = try await client.send(message(2))
            #expect(client.connectionCount == 1)
            #expect(log.heartBeats >= 2)
            await client.close()
        }
    }

    @Test func receiptTimeoutAndGarbageFromTheBroker() async throws {
        var behavior = FakeBroker.Behavior()
        behavior.withholdReceipts = true
        try await FakeBroker.with(behavior) { port, _ in
            var configuration = configuration(port: port)
            configuration.receiptTimeout = .milliseconds(300)
            let client = STOMPClient(configuration: configuration)
            let late = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
            #expect(late?.code == .receiptTimeout && late?.mayHaveBeenDelivered == true)
            await client.close()
        }
        var garbage = FakeBroker.Behavior()
        garbage.rawAfterConnected = Array("NOT A FRAME\nno colon\n\n\0".utf8)
        garbage.withholdReceipts = true
        try await FakeBroker.with(garbage) { port, _ in
            let client = STOMPClient(configuration: configuration(port: port))
            let broken = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
            // The garbage may come with CONNECTED (the connection dies before the SEND) or after it.
            #expect([.connectionLost, .notConnected, .malformedFrame].contains(broken?.code), "\(String(describing: broken))")
            await client.close()
        }
    }

    @Test func nothingListensIsAConnectionFailureNotDelivered() async throws {
        // A port nothing listens on: bind and close a server to get one.
        let port = try await FakeBroker.with { port, _ in port }
        let client = STOMPClient(configuration: configuration(port: port))
        let failed = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
        #expect(failed?.code == .connectionFailed && failed?.mayHaveBeenDelivered == false && failed?.isRetryable == true)
        await client.close()
        let closed = await #expect(throws: STOMPError.self) { try await client.send(message(1)) }
        #expect(closed?.code == .notConnected)
    }
}
