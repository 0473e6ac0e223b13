import Foundation
import NIOCore
import Testing
@testable import SMPP

/// Against the real third-party SMSC (`smpp34` from PyPI) that `scripts/servers/smsc.sh` starts
/// and announces in `HERALD_TEST_SMSC_PORT`. Run with `bash scripts/test.sh --filter SMPPIntegrationTests`.
@Suite struct SMSCIntegrationTests {
    /// The port, or a recorded failure: these tests never skip silently.
    static func port() -> Int? {
        guard let text = ProcessInfo.processInfo.environment["HERALD_TEST_SMSC_PORT"], let port = Int(text) else {
            Issue.record("HERALD_TEST_SMSC_PORT is not set: run `bash scripts/test.sh --filter SMPPIntegrationTests`, which starts the smpp34 SMSC (scripts/servers/smsc.sh)")
            return nil
        }
        return port
    }

    static let configuration = SMPPClient.Configuration(
        systemID: "herald", password: "secret", responseTimeout: .seconds(5), connectTimeout: .seconds(5)
    )

    @Test func submitAndReceiveDeliveryReceipts() async throws {
        guard let port = Self.port() else { return }
        try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration) { client in
            #expect(client.bindResponse.systemID == "HeraldTestSMSC")
            let short = try await client.submit(SMSMessage(
                source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, text: "Herald test: 5 € {ok}"
            ))
            #expect(short.segmentCount == 1)
            let long = try await client.submit(SMSMessage(
                source: SMPPAddress("12345")!, destination: SMPPAddress("+4915112345678")!, text: String(repeating: "Привет 😀 ", count: 10)
            ))
            #expect(long.encoding == .ucs2)
            #expect(long.segmentCount == 2)
            let expected = Set(short.messageIDs + long.messageIDs)
            #expect(expected.count == 3)
            let received = try await withTimeout(seconds: 10) {
                var receipts: [String: SMPPDeliveryReceipt] = [:]
                for await delivery in client.deliveries {
                    guard let receipt = delivery.receipt else { continue }
                    receipts[receipt.messageID] = receipt
                    if Set(receipts.keys).isSuperset(of: expected) { break }
                }
                return receipts
            }
            #expect(Set(received.keys).isSuperset(of: expected))
            for id in expected {
                let receipt = try #require(received[id])
                #expect(receipt.state == .delivered)
                #expect(receipt.stat == "DELIVRD")
                #expect(receipt.doneDate != nil)
                #expect(receipt.recipient?.address == "4915112345678")
            }
        }
    }

    @Test func permanentErrorIsNamed() async throws {
        guard let port = Self.port() else { return }
        try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration) { client in
            do {
                _ = try await client.submit(SMSMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("99912345")!, text: "x", registeredDelivery: false))
                Issue.record("accepted")
            } catch let error as SMPPError {
                #expect(error.code == .commandStatus)
                #expect(error.commandStatus == .ESME_RINVDSTADR)
                #expect(!error.isTransient)
            }
            // The session is still usable.
            let ok = try await client.submit(SMSMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, text: "after", registeredDelivery: false))
            #expect(ok.segmentCount == 1)
        }
    }

    @Test func windowOf64Pipelines() async throws {
        guard let port = Self.port() else { return }
        try await SMPPClient.withConnection(host: "127.0.0.1", port: port, configuration: Self.configuration) { client in
            let message = SMSMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, text: "bulk", registeredDelivery: false)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<500 { group.addTask { try await client.submit(message).messageIDs[0] } }
                var ids: Set<String> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 500)
        }
    }
}
