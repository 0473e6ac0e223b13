import Foundation
import HeraldCore
import HeraldTestSupport
@testable import HeraldTransports
import NIOCore
import STOMP
import Testing

/// The queue transport (`push.transport`/`external.transport` = `queue`) against the real
/// ActiveMQ, every message read back with stomp.py.
@Suite struct QueueTransmitterTests {
    static let created = Date(timeIntervalSince1970: 1_796_000_000)  // whole seconds: the JSON keeps seconds

    static func transmission(_ n: Int, method: DeliveryMethod) -> Transmission {
        let request = CommsRequest(
            id: "req-\(n)", commsCode: "PAYMENT_DUE", priority: 2, status: .processed, target: TargetRef(.customer, "cust-\(n % 3)"),
            workflowEventId: n % 2 == 0 ? "wf-\(n)" : nil, fields: ["amount": "12.50"], source: .api, createdBy: "test", createdAt: created)
        let distribution = Distribution(
            id: "dist-\(method)-\(n)", requestId: "req-\(n)", method: method, target: method == .push ? "token-\(n)" : "EXT-\(n)",
            status: .awaitingDistribution, message: "Your payment of £12.50 is due — \"soon\" \(n)",
            fields: ["amount": "12.50", "firstName": "Zoë"], language: "en", attempts: n % 2, createdAt: created.addingTimeInterval(1))
        return Transmission(request: request, distribution: distribution)
    }

    func settings(port: Int, keyFile: String? = nil) throws -> QueueTransportSettings {
        try QueueTransportSettings(
            url: "stomp://127.0.0.1:\(port)", login: try ActiveMQ.login(), passcode: try ActiveMQ.passcode(),
            pushDestination: ActiveMQ.destination("push"), externalDestination: ActiveMQ.destination("external"),
            encryptionKeyFile: keyFile, concurrency: 8
        ).validated()
    }

    @Test func eachDistributionIsOneConfirmedJSONMessageOnItsMethodsDestination() async throws {
        let port = try ActiveMQ.port()
        let settings = try settings(port: port)
        let client = try QueueTransmitter.makeClient(settings: settings)
        let push = try QueueTransmitter(method: .push, settings: settings, client: client)
        let external = try QueueTransmitter(method: .external, settings: settings, client: client)
        let pushBatch = (0..<30).map { Self.transmission($0, method: .push) }
        let externalBatch = (0..<5).map { Self.transmission($0, method: .external) }
        async let pushOutcomes = push.transmit(pushBatch)
        async let externalOutcomes = external.transmit(externalBatch)
        #expect(await pushOutcomes == pushBatch.map { .sent(reference: $0.distribution.id) })
        #expect(await externalOutcomes == externalBatch.map { .sent(reference: $0.distribution.id) })
        #expect(client.connectionCount == 1)  // both methods share one connection
        await client.close()

        let pushed = try await ActiveMQ.consume(port: port, destination: settings.pushDestination, expected: pushBatch.count)
        #expect(pushed.count == pushBatch.count)
        for message in pushed {
            let id = try #require(message.headers["heraldDistributionId"])
            let expected = try #require(pushBatch.first { $0.distribution.id == id })
            #expect(message.headers["heraldRequestId"] == expected.distribution.requestId)
            #expect(message.headers["heraldCommsCode"] == "PAYMENT_DUE" && message.headers["heraldMethod"] == "push")
            #expect(message.headers["content-type"] == QueueTransmitter.jsonContentType && message.headers["persistent"] == "true")
            #expect(try QueueMessage.decode(message.bytes) == QueueMessage(expected))
            // The documented fields, as any JSON reader sees them.
            let json = try #require(try JSONSerialization.jsonObject(with: Data(message.bytes)) as? [String: Any])
            #expect(json["requestId"] as? String == expected.distribution.requestId)
            #expect(json["commsCode"] as? String == "PAYMENT_DUE" && json["method"] as? String == "push")
            #expect(json["target"] as? String == expected.distribution.target && json["language"] as? String == "en")
            #expect(json["message"] as? String == expected.distribution.message)
            #expect(json["fields"] as? [String: String] == ["amount": "12.50", "firstName": "Zoë"])
            #expect(json["customerId"] as? String == expected.request.target.id && json["accountId"] == nil)
            #expect(json["createdAt"] as? String == "2026-11-30T00:53:21Z")
        }
        let externals = try await ActiveMQ.consume(port: port, destination: settings.externalDestination, expected: externalBatch.count)
        #expect(Set(externals.compactMap { $0.headers["heraldDistributionId"] }) == Set(externalBatch.map(\.distribution.id)))
    }

    @Test func encryptedMessagesOpenWithTheKeyOutsideHerald() async throws {
        let port = try ActiveMQ.port()
        let keyBytes = (0..<32).map { UInt8(($0 * 7 + 3) % 256) }
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("queue-keys-\(UUID().uuidString)")
        try "# queue keys\nq-2026 \(Data(keyBytes).base64EncodedString())\n".write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let settings = try settings(port: port, keyFile: keyFile.path)
        let client = try QueueTransmitter.makeClient(settings: settings)
        let external = try QueueTransmitter(method: .external, settings: settings, client: client)
        let batch = (0..<4).map { Self.transmission($0, method: .external) }
        #expect(await external.transmit(batch) == batch.map { .sent(reference: $0.distribution.id) })
        await client.close()

        let received = try await ActiveMQ.consume(port: port, destination: settings.externalDestination, expected: batch.count)
        #expect(received.count == batch.count)
        for message in received {
            #expect(message.headers["heraldEncryption"] == "HRLD-ENC-1")
            #expect(message.headers["content-type"] == "application/octet-stream")
            #expect(!message.text.contains("PAYMENT_DUE"))
            // Opened with Python's `cryptography`, as docs/queue-message.md shows.
            let opened = try await TestProcess.python(#"""
import base64, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
data, key = base64.b64decode(sys.argv[1]), base64.b64decode(sys.argv[2])
assert data[:8] == b"HRLD-ENC" and data[8] == 1
n = data[9]; key_id = data[10:10 + n].decode(); end = 10 + n + 12
assert key_id == "q-2026", key_id
sys.stdout.write(AESGCM(key).decrypt(data[10 + n:end], data[end:], data[:end]).decode())
"""#, [message.body, Data(keyBytes).base64EncodedString()])
            #expect(opened.status == 0, "\(opened.errors)")
            let decoded = try QueueMessage.decode(Array(opened.stdout))
            let expected = try #require(batch.first { $0.distribution.id == decoded.distributionId })
            #expect(decoded == QueueMessage(expected))
            #expect(message.headers["heraldDistributionId"] == decoded.distributionId)
        }
    }

    @Test func stompPlusSSLWithTheCAFileSetting() async throws {
        let (tlsPort, caFile) = try ActiveMQ.tls()
        var settings = try settings(port: tlsPort)
        settings.url = "stomp+ssl://127.0.0.1:\(tlsPort)"
        settings.caFile = caFile
        let client = try QueueTransmitter.makeClient(settings: try settings.validated())
        let push = try QueueTransmitter(method: .push, settings: settings, client: client)
        let batch = (0..<3).map { Self.transmission($0, method: .push) }
        #expect(await push.transmit(batch) == batch.map { .sent(reference: $0.distribution.id) })
        await client.close()
        let received = try await ActiveMQ.consume(port: try ActiveMQ.port(), destination: settings.pushDestination, expected: batch.count)
        #expect(Set(received.compactMap { $0.headers["heraldDistributionId"] }) == Set(batch.map(\.distribution.id)))
    }

    @Test func aBrokerThatIsDownIsARetryNotAPossibleDuplicate() async throws {
        let port = try await ActiveMQ.freePort()
        let settings = try settings(port: port)
        let client = try QueueTransmitter.makeClient(settings: settings)
        let push = try QueueTransmitter(method: .push, settings: settings, client: client)
        let outcomes = await push.transmit((0..<3).map { Self.transmission($0, method: .push) })
        for outcome in outcomes {
            guard case .failed(let failure) = outcome else { Issue.record("failure expected: \(outcome)"); continue }
            #expect(failure.kind == .retry, "\(failure)")
        }
        await client.close()
    }

    @Test func outcomesFollowTheKindOfSTOMPError() {
        let lost = QueueTransmitter.outcome(for: STOMPError(.connectionLost, "gone", mayHaveBeenDelivered: true))
        let refused = QueueTransmitter.outcome(for: STOMPError(.rejected, "no", brokerMessage: "User admin is not authorized"))
        let down = QueueTransmitter.outcome(for: STOMPError(.connectionFailed, "refused"))
        let late = QueueTransmitter.outcome(for: STOMPError(.receiptTimeout, "late", mayHaveBeenDelivered: true))
        guard case .failed(let a) = lost, case .failed(let b) = refused, case .failed(let c) = down, case .failed(let d) = late else {
            Issue.record("failures expected")
            return
        }
        #expect(a.kind == .possibleDuplicate && d.kind == .possibleDuplicate)
        #expect(b.kind == .permanent && b.providerCode == "User admin is not authorized")
        #expect(c.kind == .retry)
    }

    @Test func settingsAreValidated() throws {
        #expect(throws: HeraldError.self) { try QueueTransportSettings(url: "http://broker:61613").validated() }
        #expect(throws: HeraldError.self) { try QueueTransportSettings(url: "stomp://broker", pushDestination: "").validated() }
        let ok = try QueueTransportSettings(url: "stomp+ssl://broker.example", login: "u", passcode: "p").validated()
        #expect(try ok.clientConfiguration().endpoint == STOMPEndpoint(host: "broker.example", port: 61613, tls: true))
        #expect(ok.destination(for: .push) == "/queue/herald.push" && ok.destination(for: .external) == "/queue/herald.external")
        #expect(ok.destination(for: .sms) == nil)
        #expect(throws: HeraldError.self) { try QueueTransmitter(method: .sms, settings: ok, client: STOMPClient(configuration: try ok.clientConfiguration())) }
        // The issue's variables.
        #expect(QueueTransportSettings.Keys.all.map(\.environmentVariable) == [
            "HERALD_STOMP_URL", "HERALD_STOMP_LOGIN", "HERALD_STOMP_PASSCODE", "HERALD_STOMP_CA_FILE",
            "HERALD_QUEUE_DESTINATION_PUSH", "HERALD_QUEUE_DESTINATION_EXTERNAL", "HERALD_QUEUE_ENCRYPTION_KEY_FILE",
        ])
    }
}
