import Foundation
import HeraldCore
import HeraldTestSupport
import StandardWebhooks
import Testing
@testable import HeraldTransports

/// The webhook transmitter's status mappings against an in-process scripted HTTP server, and
/// the request it sends (headers, signature, stable id).
@Suite struct WebhookOutcomeTests {
    static let secret = WebhookSecret.generate()

    func transmitter(_ server: FakeS3Server, concurrency: Int = 8) -> WebhookTransmitter {
        let system = ExternalSystem(name: "PORTAL", url: server.endpoint + "/hooks/herald", secret: Self.secret, timeout: .seconds(5),
                                    concurrency: concurrency)
        return WebhookTransmitter(systems: ExternalSystems([system]), allowPrivateTargets: true) { _ in "PORTAL" }
    }

    @Test(arguments: [
        (200, #"{"id": "evt_1"}"#, "sent evt_1"),
        (201, #"{"id": 42}"#, "sent 42"),
        (202, "", "sent -"),
        (204, "", "sent -"),
        (200, "not json", "sent -"),
        (200, #"{"status": "queued"}"#, "sent -"),
        (408, "slow", "retry 408"),
        (429, "throttled", "retry 429"),
        (500, "boom", "retry 500"),
        (502, "", "retry 502"),
        (503, "later", "retry 503"),
        (400, #"{"error": "bad field MSISDN"}"#, "permanent 400"),
        (401, "who are you", "permanent 401"),
        (404, "no such hook", "permanent 404"),
        (410, "gone", "permanent 410"),
        (301, "moved", "permanent 301"),
    ])
    func statusMapping(status: Int, body: String, expected: String) async throws {
        try await FakeS3Server.with(script: { _, _ in .init(status: status, body: body) }) { server in
            let outcome = await transmitter(server).transmit([ExternalComms.transmission(1)])[0]
            switch outcome {
            case .sent(let reference):
                #expect(expected == "sent \(reference ?? "-")")
            case .failed(let failure):
                #expect(expected == "\(failure.kind) \(failure.providerCode ?? "-")")
                #expect(failure.text.contains("HTTP \(status) from PORTAL"))
                if !body.isEmpty { #expect(failure.text.contains(body)) }
            case .published:
                Issue.record("published")
            }
        }
    }

    @Test func signsTheBodyItSendsWithAStableID() async throws {
        try await FakeS3Server.with(script: { _, _ in .init(status: 200) }) { server in
            let transmitter = transmitter(server)
            let tx = ExternalComms.transmission(1, id: "01JF.weird id")
            _ = await transmitter.transmit([tx])
            _ = await transmitter.transmit([tx])
            let requests = server.requests
            #expect(requests.count == 2)
            for request in requests {
                #expect(request.method == "POST")
                #expect(request.path == "/hooks/herald")
                #expect(request.header("content-type") == "application/json")
                #expect(request.header("webhook-id") == "msg_01JF_weird_id")
                var headers: [String: String] = [:]
                for (name, value) in request.headers { headers[name] = value }
                try WebhookVerifier(secret: Self.secret).verify(body: request.body, headers: headers)
                let payload = try JSONDecoder().decode(ExternalCommPayload.self, from: Data(request.body))
                #expect(payload == ExternalCommPayload(tx, system: "PORTAL"))
            }
            // Keys sorted, compact: the documented layout.
            let text = String(decoding: requests[0].body, as: UTF8.self)
            #expect(text.hasPrefix(#"{"commsCode":"PORTING_NOTICE","createdAt":"2026-12-07T08:40:01.000Z","distributionId":"01JF.weird id","#))
        }
    }

    @Test func aLargeAnswerIsReadOnlyInPart() async throws {
        let big = String(repeating: "x", count: 1 << 20)
        try await FakeS3Server.with(script: { _, index in .init(status: index == 0 ? 200 : 400, body: big) }) { server in
            let transmitter = transmitter(server)
            #expect(await transmitter.transmit([ExternalComms.transmission(1)])[0].sentReference == .some(nil))
            let failure = try #require(await transmitter.transmit([ExternalComms.transmission(2)])[0].failure)
            #expect(failure.kind == .permanent && failure.providerCode == "400")
            #expect(failure.text.count < 300)
        }
    }

    @Test func messageIDsAreMadeSafe() {
        func id(_ distribution: String) -> String {
            WebhookTransmitter.messageID(of: ExternalComms.transmission(1, id: distribution).distribution)
        }
        #expect(id("01JF8Z3Q-abc_9") == "msg_01JF8Z3Q-abc_9")
        #expect(id("a.b c/d") == "msg_a_b_c_d")
        #expect(id("é🎉x") == "msg___x")
        #expect(WebhookSigner.isValidMessageID(id("a.b.é")))
    }

    @Test func anUnreachableSystemIsRetried() async throws {
        // A port nothing listens on: connection refused.
        let server = FakeS3Server(script: { _, _ in .init(status: 200) })
        try await server.start()
        let endpoint = server.endpoint
        try await server.stop()
        let system = ExternalSystem(name: "PORTAL", url: endpoint + "/x", secret: Self.secret, timeout: .seconds(3))
        let transmitter = WebhookTransmitter(systems: ExternalSystems([system]), allowPrivateTargets: true) { _ in "PORTAL" }
        let outcome = await transmitter.transmit([ExternalComms.transmission(1)])[0]
        #expect(outcome.failureKind == .retry, "\(outcome)")
    }

    @Test func aNameThatDoesNotResolveIsRetried() async throws {
        let system = ExternalSystem(name: "PORTAL", url: "https://no-such-host.invalid/hook", secret: Self.secret)
        let transmitter = WebhookTransmitter(systems: ExternalSystems([system]), allowPrivateTargets: false) { _ in "PORTAL" }
        let outcome = await transmitter.transmit([ExternalComms.transmission(1)])[0]
        #expect(outcome.failureKind == .retry, "\(outcome)")
        #expect(outcome.failure?.text.contains("cannot resolve webhook target no-such-host.invalid") == true)
    }
}

/// The fast read of a response's `id` agrees with JSONSerialization wherever it answers.
@Suite struct WebhookSimpleIDTests {
    @Test func agreesWithTheFullParser() {
        let bodies = [
            #"{"id":"sink-1"}"#, #" { "id" : "evt_1" , "status": "queued", "n": 3, "ok": true, "x": null } "#, #"{"id": 42}"#,
            #"{"id": -7}"#, #"{"id": 0}"#, #"{"id": ""}"#, #"{"status": "queued"}"#, "{}", #"{"id": true}"#, #"{"id": null}"#,
            #"{"id": 1.5}"#, #"{"id": 2e3}"#, #"{"id": 012}"#, #"{"id": -0}"#, #"{"id": 12345678901234567}"#, #"{"id": "a\"b"}"#,
            #"{"id": "é"}"#, #"{"id": {"deep": 1}}"#, #"{"id": [1]}"#, #"{"id": "a", "id": "b"}"#, #"{"id": "a"} trailing"#,
            #"{"id": "a",}"#, "not json", "", "[1]", #""id""#, #"{"ID": "x"}"#, #"{"x": "y", "id": "z"}"#, "{\"id\":\"a\tb\"}",
        ]
        var known = 0
        for text in bodies {
            let body = Data(text.utf8)
            let full = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]))
                .flatMap { HTTPGatewayTransmitter.value(at: "id", in: $0) }
            if case .known(let fast) = WebhookTransmitter.simpleID(in: body) {
                known += 1
                #expect(fast == full, "\(text)")
            }
        }
        #expect(known >= 11)
        #expect(WebhookTransmitter.simpleID(in: Data(#"{"id":"sink-1"}"#.utf8)) == .known("sink-1"))
        #expect(WebhookTransmitter.simpleID(in: Data(#"{"id": 42}"#.utf8)) == .known("42"))
    }
}
