import Foundation
import NIOCore
import STOMP
import Testing

/// The STOMP client against a real Apache ActiveMQ (scripts/servers/activemq.sh), every message
/// read back by an independent consumer (stomp.py).
@Suite struct ActiveMQTests {
    @Test func messagesAreConfirmedAndReadBackWithBodiesAndHeaders() async throws {
        let port = try ActiveMQ.port()
        let client = STOMPClient(configuration: try ActiveMQ.configuration(port: port))
        let destination = ActiveMQ.destination("roundtrip")
        let count = 60
        func body(_ n: Int) -> String { #"{"n":\#(n),"text":"Grüße \#(n) ✓","nul":"a\u0000b"}"# }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<count {
                group.addTask {
                    let message = STOMPMessage(
                        destination: destination, text: body(n), contentType: "application/json;charset=utf-8",
                        headers: [("herald-id", "m-\(n)"), ("herald-note", "colon: and\nnewline \\ backslash")])
                    _ = try await client.send(message)
                }
            }
            try await group.waitForAll()
        }
        await client.close()
        let received = try await ActiveMQ.consume(port: port, destination: destination, expected: count)
        #expect(received.count == count)
        let byID = Dictionary(grouping: received) { $0.headers["herald-id"] ?? "?" }
        for n in 0..<count {
            let copies = byID["m-\(n)"] ?? []
            #expect(copies.count == 1, "m-\(n) read \(copies.count) times")
            guard let message = copies.first else { continue }
            #expect(message.text == body(n))
            #expect(message.headers["herald-note"] == "colon: and\nnewline \\ backslash")
            #expect(message.headers["content-type"] == "application/json;charset=utf-8")
            #expect(message.headers["persistent"] == "true")
            #expect(message.headers["destination"] == destination)
        }
    }

    @Test func binaryBodiesAndSubscribingWithThisClient() async throws {
        let port = try ActiveMQ.port()
        let configuration = try ActiveMQ.configuration(port: port)
        let destination = ActiveMQ.destination("binary")
        let body: [UInt8] = (0..<2048).map { UInt8($0 % 256) }
        let connection = try await STOMPConnection.connect(configuration: configuration)
        #expect(connection.info.version == "1.2")
        #expect(connection.info.server?.hasPrefix("ActiveMQ") == true)
        _ = try await connection.send(STOMPMessage(destination: destination, body: body, contentType: "application/octet-stream"))
        try await connection.subscribe(destination: destination, id: "sub-1", ack: "client-individual")
        var iterator = connection.messages.makeAsyncIterator()
        let message = try #require(await iterator.next())
        #expect(message.body == body)
        #expect(message["subscription"] == "sub-1")
        try await connection.ack(message)
        await connection.close()
        // Acknowledged: nothing is left for another consumer.
        let left = try await ActiveMQ.consume(port: port, destination: destination, expected: 0, settle: 1.0, timeout: 5)
        #expect(left.isEmpty)
    }

    @Test func stompOverTLSVerifiesTheBrokersCertificate() async throws {
        let (tlsPort, caFile) = try ActiveMQ.tls()
        let destination = ActiveMQ.destination("tls")
        var configuration = try ActiveMQ.configuration(port: tlsPort)
        configuration.endpoint = try STOMPEndpoint(url: "stomp+ssl://127.0.0.1:\(tlsPort)")
        // The system roots do not know the test CA: refused, nothing sent.
        let untrusted = STOMPClient(configuration: configuration)
        let refused = await #expect(throws: STOMPError.self) { try await untrusted.send(STOMPMessage(destination: destination, text: "no")) }
        #expect(refused?.code == .connectionFailed && refused?.mayHaveBeenDelivered == false, "\(String(describing: refused))")
        #expect(refused?.reason.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: refused))")
        await untrusted.close()
        // With the CA: sent over TLS (certificate for 127.0.0.1), read back on the plain port.
        configuration.setTrustRoots(caFile: caFile)
        let client = STOMPClient(configuration: configuration)
        for n in 0..<5 { _ = try await client.send(STOMPMessage(destination: destination, text: "over TLS \(n)")) }
        await client.close()
        let received = try await ActiveMQ.consume(port: try ActiveMQ.port(), destination: destination, expected: 5)
        #expect(received.map(\.text).sorted() == (0..<5).map { "over TLS \($0)" })
    }

    /// The broker is killed while messages are in flight and started again on its store: every
    /// message is there afterwards; a message sent twice (its receipt lost with the connection)
    /// is the same message with the same id.
    @Test func aBrokerRestartLosesNoMessage() async throws {
        let broker = try PrivateBroker(port: try await ActiveMQ.freePort())
        do {
            try await restart(broker)
        } catch {
            await broker.remove()
            throw error
        }
        await broker.remove()
    }

    private func restart(_ broker: PrivateBroker) async throws {
        try await broker.start()
        let client = STOMPClient(configuration: try ActiveMQ.configuration(port: broker.port))
        let destination = ActiveMQ.destination("restart")
        let count = 200
        let confirmed = Counter()
        let possiblyDuplicated = Counter()

        /// Sends message `n` until the broker confirms it, as the transmitter's retries would.
        @Sendable func deliver(_ n: Int) async throws {
            let message = STOMPMessage(destination: destination, text: #"{"id":"d-\#(n)"}"#, contentType: "application/json",
                                       headers: [("herald-id", "d-\(n)")])
            let deadline = ContinuousClock.now + .seconds(120)
            while true {
                do {
                    _ = try await client.send(message)
                    confirmed.add()
                    return
                } catch {
                    guard error.isRetryable, ContinuousClock.now < deadline else { throw error }
                    if error.mayHaveBeenDelivered { possiblyDuplicated.add() }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Eight senders, each sending its share in turn.
            for lane in 0..<8 {
                group.addTask {
                    for n in stride(from: lane, to: count, by: 8) { try await deliver(n) }
                }
            }
            group.addTask {
                while confirmed.value < count / 3 { try await Task.sleep(for: .milliseconds(10)) }
                await broker.kill()
                try await Task.sleep(for: .milliseconds(500))
                try await broker.start()
            }
            try await group.waitForAll()
        }
        #expect(confirmed.value == count)
        #expect(client.connectionCount >= 2)
        await client.close()

        let received = try await ActiveMQ.consume(port: broker.port, destination: destination, expected: count, settle: 2.0)
        let ids = received.map { $0.headers["herald-id"] ?? "?" }
        #expect(Set(ids) == Set((0..<count).map { "d-\($0)" }), "lost: \(Set((0..<count).map { "d-\($0)" }).subtracting(ids).sorted())")
        // Duplicates only as the same message: same id in header and body.
        for message in received {
            #expect(message.text == #"{"id":"\#(message.headers["herald-id"] ?? "")"}"#)
        }
        #expect(received.count - Set(ids).count <= possiblyDuplicated.value)
    }
}

/// A counter shared by tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
