import Foundation
import HeraldCore
import HeraldTestSupport
import StandardWebhooks
import Testing
@testable import HeraldTransports

/// The webhook transmitter against the receiver scripts/servers/webhook.sh starts, which
/// verifies every signature with the `standardwebhooks` package and answers as each test
/// scripts it (fail, hang, redirect, a status), each test on its own channel.
@Suite struct WebhookTransmitterTests {
    struct Receiver {
        var channel: TestWebhookReceiver
        var secret: WebhookSecret
        var base: String { channel.base }
        var hookURL: String { channel.hookURL }

        init() throws {
            channel = try TestWebhookReceiver()
            secret = try WebhookSecret(channel.secret)
        }

        /// Scripts the channel's next answers (through Python's urllib, an independent client).
        func script(_ answers: [String]) async throws { try await channel.script(answers) }

        struct Received: Decodable {
            var id: String?
            var timestamp: String?
            var verified: Bool
            var error: String?
            var answer: String
            var body: ExternalCommPayload?

            enum CodingKeys: String, CodingKey { case id, timestamp, verified, error, answer, body }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                id = try c.decodeIfPresent(String.self, forKey: .id)
                timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
                verified = try c.decode(Bool.self, forKey: .verified)
                error = try c.decodeIfPresent(String.self, forKey: .error)
                answer = try (try? c.decode(String.self, forKey: .answer)) ?? String(c.decode(Int.self, forKey: .answer))
                body = try? c.decode(ExternalCommPayload.self, forKey: .body)
            }
        }

        func received() async throws -> [Received] {
            try JSONDecoder().decode([Received].self, from: try await channel.receivedJSON())
        }

        /// The most webhooks of the channel the receiver had in flight at once.
        func peak() async throws -> Int { try await channel.peak() }

        func transmitter(url: String? = nil, timeout: Duration = .seconds(10), concurrency: Int = 8, allowPrivate: Bool = true)
            -> WebhookTransmitter {
            let system = ExternalSystem(name: "PORTAL", url: url ?? hookURL, secret: secret, timeout: timeout, concurrency: concurrency)
            return WebhookTransmitter(systems: ExternalSystems([system]), allowPrivateTargets: allowPrivate) { code in
                code == "PORTING_NOTICE" ? "PORTAL" : code == "NOWHERE" ? "UNKNOWN" : nil
            }
        }
    }

    @Test func sendsSignedWebhooksThePythonLibraryVerifies() async throws {
        let receiver = try Receiver()
        let transmitter = receiver.transmitter()
        let batch = (1...12).map { ExternalComms.transmission($0) }
        let outcomes = await transmitter.transmit(batch)
        #expect(outcomes.allSatisfy { $0.sentReference != nil }, "\(outcomes)")
        let references = Set(outcomes.compactMap { $0.sentReference ?? nil })
        #expect(references == Set((1...12).map { "rcv-\($0)" }))

        let received = try await receiver.received()
        #expect(received.count == 12)
        #expect(received.allSatisfy { $0.verified }, "\(received.compactMap(\.error))")
        for tx in batch {
            let r = try #require(received.first { $0.id == "msg_\(tx.distribution.id)" })
            let body = try #require(r.body)
            #expect(body.requestId == tx.request.id)
            #expect(body.distributionId == tx.distribution.id)
            #expect(body.commsCode == "PORTING_NOTICE")
            #expect(body.system == "PORTAL")
            #expect(body.method == "external")
            #expect(body.target == tx.distribution.target)
            #expect(body.language == "en")
            #expect(body.message == tx.distribution.message)
            #expect(body.fields == tx.distribution.fields)
            #expect(body.createdAt.hasPrefix("2026-12-07T08:40:"))
            #expect(body.createdAt.hasSuffix("Z"))
            let age = Date().timeIntervalSince1970 - (Double(r.timestamp ?? "") ?? 0)
            #expect(abs(age) < 60)
        }
    }

    @Test func failureThenRecoveryKeepsTheWebhookID() async throws {
        let receiver = try Receiver()
        try await receiver.script(["fail", "503"])
        let transmitter = receiver.transmitter()
        let tx = ExternalComms.transmission(1)
        let first = await transmitter.transmit([tx])
        #expect(first[0].failureKind == .retry)
        #expect(first[0].failure?.providerCode == "500")
        #expect(first[0].failure?.text.contains("scripted failure") == true)
        let second = await transmitter.transmit([tx])
        #expect(second[0].failureKind == .retry)
        #expect(second[0].failure?.providerCode == "503")
        let third = await transmitter.transmit([tx])
        #expect(third[0].sentReference == .some("rcv-3"))
        let received = try await receiver.received()
        #expect(received.map(\.answer) == ["fail", "503", "ok"])
        #expect(Set(received.map(\.id)) == ["msg_dist-1"])
        #expect(received.allSatisfy { $0.verified })
    }

    @Test func aHungReceiverIsAPossibleDuplicateAndTheRetryDeduplicates() async throws {
        let receiver = try Receiver()
        try await receiver.script(["hang"])
        // 3 s: long enough for the Python receiver's real answer in a loaded suite (1 s was not),
        // short against its hang.
        let transmitter = receiver.transmitter(timeout: .seconds(3))
        let tx = ExternalComms.transmission(2)
        let started = ContinuousClock.now
        let first = await transmitter.transmit([tx])
        #expect(ContinuousClock.now - started < .seconds(30))  // the 3 s timeout, not a hang (slow under a loaded suite)
        #expect(first[0].failureKind == .possibleDuplicate, "\(first)")
        #expect(first[0].failure?.description.hasPrefix("possible duplicate: ") == true)
        let second = await transmitter.transmit([tx])
        #expect(second[0].sentReference == .some("rcv-2"), "\(second)")
        let received = try await receiver.received()
        #expect(received.count == 2)
        // Both attempts carry the same webhook-id, so the receiver can drop the second.
        #expect(received.map(\.id) == ["msg_dist-2", "msg_dist-2"])
    }

    @Test func theSystemsConcurrencyHoldsOverBatches() async throws {
        let receiver = try Receiver()
        try await receiver.script(Array(repeating: "slower", count: 6))
        // Two places, six slow answers (2 s: a loaded suite once took longer than 0.5 s to
        // start the second webhook) in two batches: never more than two in flight, and two.
        let transmitter = receiver.transmitter(concurrency: 2)
        let started = ContinuousClock.now
        async let a = transmitter.transmit((11...13).map { ExternalComms.transmission($0) })
        async let b = transmitter.transmit((14...16).map { ExternalComms.transmission($0) })
        let outcomes = await a + b
        let elapsed = ContinuousClock.now - started
        #expect(outcomes.allSatisfy { $0.sentReference != nil }, "\(outcomes)")
        #expect(elapsed >= .milliseconds(5_900), "\(elapsed)")
        #expect(try await receiver.peak() == 2)
        #expect(try await receiver.received().count == 6)
    }

    @Test func redirectsAreNotFollowed() async throws {
        let receiver = try Receiver()
        try await receiver.script(["redirect"])
        let outcomes = await receiver.transmitter().transmit([ExternalComms.transmission(3)])
        #expect(outcomes[0].failureKind == .permanent)
        #expect(outcomes[0].failure?.providerCode == "307")
        #expect(outcomes[0].failure?.text.contains("redirects are not followed") == true)
        #expect(try await receiver.received().count == 1)
    }

    @Test func otherClientErrorsArePermanentWithTheBody() async throws {
        let receiver = try Receiver()
        try await receiver.script(["422", "429", "408"])
        let transmitter = receiver.transmitter()
        let outcomes = await transmitter.transmit([ExternalComms.transmission(4)])
        #expect(outcomes[0].failureKind == .permanent)
        #expect(outcomes[0].failure?.providerCode == "422")
        #expect(outcomes[0].failure?.text.contains("HTTP 422 from PORTAL") == true)
        #expect(outcomes[0].failure?.text.contains("scripted status 422") == true)
        #expect(await transmitter.transmit([ExternalComms.transmission(4)])[0].failureKind == .retry)
        #expect(await transmitter.transmit([ExternalComms.transmission(4)])[0].failureKind == .retry)
    }

    @Test func aWrongSecretIsRefusedByTheReceiver() async throws {
        var receiver = try Receiver()
        receiver.secret = WebhookSecret.generate()
        let outcomes = await receiver.transmitter().transmit([ExternalComms.transmission(5)])
        #expect(outcomes[0].failureKind == .permanent)
        #expect(outcomes[0].failure?.providerCode == "401")
        let received = try await receiver.received()
        #expect(received.count == 1)
        #expect(received.first?.verified == false)
    }

    @Test func privateTargetsAreRefusedUnlessAllowed() async throws {
        let receiver = try Receiver()
        let port = URL(string: receiver.base)!.port!
        let targets = [
            ("http://127.0.0.1:\(port)/hook/\(receiver.channel.channel)", "127.0.0.1", "loopback"),
            ("http://localhost:\(port)/hook/\(receiver.channel.channel)", "localhost (", "loopback"),
            ("http://[::1]:\(port)/hook/\(receiver.channel.channel)", "::1", "loopback"),
            ("http://169.254.169.254/latest/meta-data", "169.254.169.254", "link-local"),
            ("http://10.1.2.3/hook", "10.1.2.3", "private"),
            ("http://192.168.0.10/hook", "192.168.0.10", "private"),
            ("http://172.20.0.1/hook", "172.20.0.1", "private"),
            ("http://100.64.0.1/hook", "100.64.0.1", "shared"),
            ("http://0.0.0.0:\(port)/hook", "0.0.0.0", "this-network"),
            ("http://[fd00::1]/hook", "fd00::1", "unique local"),
            ("http://[fe80::1]/hook", "fe80::1", "link-local"),
            ("http://[::ffff:127.0.0.1]:\(port)/hook", "127.0.0.1", "loopback"),
        ]
        for (url, address, kind) in targets {
            let outcome = await receiver.transmitter(url: url, allowPrivate: false).transmit([ExternalComms.transmission(6)])[0]
            #expect(outcome.failureKind == .permanent, "\(url): \(outcome)")
            let text = outcome.failure?.text ?? ""
            #expect(text.contains(address) && text.contains(kind) && text.contains("external.allowPrivateTargets"), "\(url): \(text)")
        }
        #expect(try await receiver.received().isEmpty)
        // Allowed, the same loopback target is sent to.
        let allowed = await receiver.transmitter(url: targets[1].0, allowPrivate: true).transmit([ExternalComms.transmission(6)])[0]
        #expect(allowed.sentReference == .some("rcv-1"))
    }

    @Test func codesWithoutAConfiguredSystemArePermanent() async throws {
        let receiver = try Receiver()
        let outcomes = await receiver.transmitter().transmit([
            ExternalComms.transmission(7, code: "NO_SYSTEM"), ExternalComms.transmission(8, code: "NOWHERE"), ExternalComms.transmission(9),
        ])
        #expect(outcomes[0].failure?.text.contains("names no external system") == true)
        #expect(outcomes[1].failure?.text.contains("external system UNKNOWN is not configured") == true)
        #expect(outcomes[2].sentReference == .some("rcv-1"))
        #expect(try await receiver.received().count == 1)
    }
}
