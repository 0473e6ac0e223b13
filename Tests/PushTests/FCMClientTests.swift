import AsyncHTTPClient
import Foundation
import HeraldTestSupport
import Testing
import _CryptoExtras
@testable import Push

@Suite("FCM client against an in-process HTTP/2 FCM and token endpoint")
struct FCMClientTests {
    let credentials = PushCredentials.shared
    static let device = "fcm-registration-token-1"

    @Test("the assertion is an RS256 JWT the token endpoint verifies; the access token is cached")
    func assertionAndCaching() async throws {
        try await withPushServer { server, http in
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server), httpClient: http)
            let first = await client.send(FCMMessage(title: "Hi", body: "one"), to: Self.device)
            guard case .sent(let name) = first else { Issue.record("not sent: \(first)"); return }
            #expect(name.hasPrefix("projects/\(PushCredentials.project)/messages/"))
            #expect(await client.send(FCMMessage(body: "two"), to: Self.device).isSent)
            #expect(await client.accessTokensFetched == 1)
            let assertion = try #require(server.assertions.first)
            let parts = try #require(JWTParts(assertion))
            #expect(parts.header["alg"] as? String == "RS256")
            #expect(parts.header["kid"] as? String == "fcmkey1")
            #expect(parts.claims["iss"] as? String == PushCredentials.clientEmail)
            #expect(parts.claims["scope"] as? String == "https://www.googleapis.com/auth/firebase.messaging")
            #expect(parts.claims["aud"] as? String == "https://oauth2.googleapis.com/token")
            let iat = try #require(parts.claims["iat"] as? Int), exp = try #require(parts.claims["exp"] as? Int)
            #expect(exp - iat == 3600)
            let token = try #require(server.requests.first { $0.path == FakePushServer.tokenPath })
            #expect(token.header("content-type") == "application/x-www-form-urlencoded")
            let send = try #require(server.requests.first { $0.path.hasSuffix("messages:send") })
            let message = try #require(send.json?["message"] as? [String: Any])
            #expect(message["token"] as? String == Self.device)
            #expect((message["notification"] as? [String: String]) == ["title": "Hi", "body": "one"])
        }
    }

    @Test("the access token is fetched again shortly before it expires, and once after a 401")
    func refresh() async throws {
        // Tokens live 400 s; the client renews 300 s before expiry. Its clock starts 200 s
        // behind so that the assertions it signs stay in the server's (real) time window.
        try await withPushServer(accessTokenLifetime: 400) { server, http in
            let clock = TestClock(offset: -200)
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server, clock: clock), httpClient: http)
            #expect(await client.send(FCMMessage(body: "a"), to: Self.device).isSent)
            clock.advance(50)  // 350 s before expiry: still used
            #expect(await client.send(FCMMessage(body: "b"), to: Self.device).isSent)
            #expect(await client.accessTokensFetched == 1)
            clock.advance(100)  // 250 s before expiry: renewed
            #expect(await client.send(FCMMessage(body: "c"), to: Self.device).isSent)
            #expect(await client.accessTokensFetched == 2)
            server.revokeAccessTokens()
            #expect(await client.send(FCMMessage(body: "d"), to: Self.device).isSent)
            #expect(await client.accessTokensFetched == 3)
            #expect(server.assertions.count == 3)
        }
    }

    @Test("pushes started together share one access-token fetch")
    func concurrentFetch() async throws {
        try await withPushServer { server, http in
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server), httpClient: http)
            let results = await withTaskGroup(of: PushResult.self) { group in
                for i in 0..<50 { group.addTask { await client.send(FCMMessage(body: "n\(i)"), to: Self.device) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.isSent })
            #expect(await client.accessTokensFetched == 1)
            #expect(server.assertions.count == 1)
        }
    }

    @Test("every FCM error maps to its result")
    func statusMappings() async throws {
        let answers: [String: [FakePushServer.Response]] = [
            "gone": [.fcm(404, "NOT_FOUND", errorCode: "UNREGISTERED", message: "Requested entity was not found.")],
            "bad": [.fcm(400, "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT",
                         message: "The registration token is not a valid FCM registration token")],
            "badpayload": [.fcm(400, "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT", message: "Invalid JSON payload received.")],
            "quota": [.fcm(429, "RESOURCE_EXHAUSTED", errorCode: "QUOTA_EXCEEDED", message: "quota", retryAfter: 60)],
            "unavailable": [.fcm(503, "UNAVAILABLE", errorCode: "UNAVAILABLE", message: "busy", retryAfter: 3600)],
            "internal": [.fcm(500, "INTERNAL", errorCode: "INTERNAL", message: "oops")],
            "mismatch": [.fcm(403, "PERMISSION_DENIED", errorCode: "SENDER_ID_MISMATCH", message: "mismatch")],
            "later": [.fcm(503, "UNAVAILABLE", errorCode: "UNAVAILABLE", message: "busy", retryAfter: 1),
                      .init(status: 200, body: #"{"name":"projects/herald-test/messages/LATER"}"#)],
        ]
        try await withPushServer(answers: answers) { server, http in
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server), httpClient: http)
            func send(_ token: String) async -> PushResult { await client.send(FCMMessage(body: "x"), to: token) }
            #expect(await send("gone") == .tokenGone(reason: "UNREGISTERED: Requested entity was not found.", status: 404))
            #expect(await send("bad") == .tokenGone(reason: "INVALID_ARGUMENT: The registration token is not a valid FCM registration token", status: 400))
            #expect(await send("badpayload") == .permanent(reason: "FCM 400 INVALID_ARGUMENT: Invalid JSON payload received.", status: 400))
            #expect(await send("quota") == .retry(reason: "FCM 429 QUOTA_EXCEEDED: quota", status: 429, retryAfter: .seconds(60)))
            #expect(await send("unavailable") == .retry(reason: "FCM 503 UNAVAILABLE: busy", status: 503, retryAfter: .seconds(3600)))
            #expect(await send("internal") == .retry(reason: "FCM 500 INTERNAL: oops", status: 500, retryAfter: nil))
            #expect(await send("mismatch") == .permanent(reason: "FCM 403 SENDER_ID_MISMATCH: mismatch", status: 403))
            let start = ContinuousClock.now
            #expect(await send("later") == .sent(id: "projects/herald-test/messages/LATER"))
            #expect(ContinuousClock.now - start >= .seconds(1))
        }
    }

    @Test("custom data goes as strings; the payload limit is checked before sending")
    func dataAndLimit() async throws {
        try await withPushServer { server, http in
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server), httpClient: http)
            let message = FCMMessage(body: "x", customData: #"{"billId": "B-1", "amount": 12.5, "tags": ["a"]}"#, collapseKey: "bill",
                                     expiration: Date().addingTimeInterval(600))
            #expect(await client.send(message, to: Self.device).isSent)
            let send = try #require(server.requests.first { $0.path.hasSuffix("messages:send") })
            let sent = try #require(send.json?["message"] as? [String: Any])
            #expect((sent["data"] as? [String: String]) == ["billId": "B-1", "amount": "12.5", "tags": #"["a"]"#])
            let android = try #require(sent["android"] as? [String: Any])
            #expect(android["collapse_key"] as? String == "bill")
            #expect((android["ttl"] as? String).map { ["599s", "600s"].contains($0) } == true)
            let big = FCMMessage(body: String(repeating: "b", count: 5000))
            guard case .permanent(let reason, nil) = await client.send(big, to: Self.device) else { Issue.record("big payload sent"); return }
            #expect(reason.contains("over the limit of 4096"))
        }
    }

    @Test("a bad key or endpoint is refused at once")
    func configurationErrors() async throws {
        #expect(throws: PushError.self) { try FCMServiceAccount(json: Data(#"{"project_id": "p"}"#.utf8)) }
        let account = FCMServiceAccount(projectID: "p", clientEmail: "e", privateKey: "not a key")
        await #expect(throws: PushError.self) {
            _ = try await FCMClient(configuration: FCMConfiguration(account: account), httpClient: HTTPClient.shared)
        }
    }

    @Test("the assertion verifies with PyJWT against the public key")
    func pyJWTVerifies() async throws {
        try await withPushServer { server, http in
            let client = try await FCMClient(configuration: credentials.fcmConfiguration(server: server), httpClient: http)
            let assertion = try await client.signedAssertion()
            let script = """
                import jwt, sys, json
                token, key = sys.argv[1], sys.stdin.read()
                claims = jwt.decode(token, key, algorithms=["RS256"], audience="https://oauth2.googleapis.com/token",
                                    options={"require": ["iss", "aud", "iat", "exp"]})
                print(json.dumps({"iss": claims["iss"], "scope": claims["scope"]}))
                """
            let result = try await TestProcess.python(script, [assertion], input: Array(credentials.fcmKey.publicKey.pemRepresentation.utf8))
            #expect(result.status == 0, "\(result.errors)")
            let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: String])
            #expect(json == ["iss": PushCredentials.clientEmail, "scope": "https://www.googleapis.com/auth/firebase.messaging"])
        }
    }
}
