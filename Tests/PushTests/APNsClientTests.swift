import Crypto
import Foundation
import HeraldTestSupport
import Testing
@testable import Push

@Suite("APNs client against an in-process HTTP/2 APNs")
struct APNsClientTests {
    let credentials = PushCredentials.shared
    static let device = String(repeating: "ab", count: 32)

    @Test("the provider token is an ES256 JWT with kid, iss = team and iat, verifiable with the public key")
    func providerTokenContents() async throws {
        try await withPushServer { server, http in
            let before = Int(Date().timeIntervalSince1970.rounded(.down))
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            let token = try await client.currentProviderToken()
            let after = Int(Date().timeIntervalSince1970.rounded(.up))
            let parts = try #require(JWTParts(token))
            #expect(parts.header["alg"] as? String == "ES256")
            #expect(parts.header["kid"] as? String == PushCredentials.keyID)
            #expect(parts.claims["iss"] as? String == PushCredentials.teamID)
            let iat = try #require(parts.claims["iat"] as? Int)
            // Signed between the two readings of the clock, however slow a loaded machine is.
            #expect((before...after).contains(iat))
            #expect(Set(parts.claims.keys) == ["iss", "iat"])
            let signature = try P256.Signing.ECDSASignature(rawRepresentation: parts.signature)
            #expect(credentials.apnsKey.publicKey.isValidSignature(signature, for: SHA256.hash(data: parts.signingInput)))
        }
    }

    @Test("the provider token is reused and renewed after 50 minutes; both pass the server's check")
    func providerTokenRenewal() async throws {
        try await withPushServer { server, http in
            let clock = TestClock(offset: -55 * 60)
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint, clock: clock), caFile: server.caFile)
            #expect(await client.send(APNsNotification(body: "one"), to: Self.device).isSent)
            let first = try await client.currentProviderToken()
            clock.advance(30 * 60)
            #expect(await client.send(APNsNotification(body: "two"), to: Self.device).isSent)
            #expect(try await client.currentProviderToken() == first)
            #expect(await client.providerTokensSigned == 1)
            clock.advance(21 * 60)  // 51 minutes after the first
            #expect(await client.send(APNsNotification(body: "three"), to: Self.device).isSent)
            let second = try await client.currentProviderToken()
            #expect(second != first)
            #expect(await client.providerTokensSigned == 2)
            #expect(server.providerTokens == [first, second])
            let iat1 = try #require(JWTParts(first)?.claims["iat"] as? Int), iat2 = try #require(JWTParts(second)?.claims["iat"] as? Int)
            // 51 minutes of the test clock plus the real seconds the test took (more under load).
            #expect((51 * 60...51 * 60 + 30).contains(iat2 - iat1))
        }
    }

    @Test("headers and payload reach APNs as given")
    func headersAndPayload() async throws {
        try await withPushServer { server, http in
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            let expiry = Date(timeIntervalSince1970: 1_900_000_000)
            let notification = APNsNotification(title: "Hello", body: "Your bill is ready", badge: 3, sound: "default",
                                                customData: #"{"billId": "B-1", "amount": 12.5}"#, priority: 5,
                                                expiration: expiry, collapseID: "bill")
            let result = await client.send(notification, to: Self.device)
            guard case .sent(let id) = result else { Issue.record("not sent: \(result)"); return }
            #expect(UUID(uuidString: id) != nil)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/3/device/\(Self.device)")
            #expect(request.header("apns-topic") == PushCredentials.topic)
            #expect(request.header("apns-push-type") == "alert")
            #expect(request.header("apns-priority") == "5")
            #expect(request.header("apns-expiration") == "1900000000")
            #expect(request.header("apns-collapse-id") == "bill")
            let json = try #require(request.json)
            let aps = try #require(json["aps"] as? [String: Any])
            let alert = try #require(aps["alert"] as? [String: Any])
            #expect(alert["title"] as? String == "Hello")
            #expect(alert["body"] as? String == "Your bill is ready")
            #expect(aps["badge"] as? Int == 3)
            #expect(aps["sound"] as? String == "default")
            #expect(json["billId"] as? String == "B-1")
            #expect(json["amount"] as? Double == 12.5)
            // A background push goes at priority 5 at most (Apple refuses 10).
            #expect(await client.send(APNsNotification(customData: #"{"sync": true}"#, pushType: "background"), to: Self.device).isSent)
            let background = try #require(server.requests.last)
            #expect(background.header("apns-push-type") == "background")
            #expect(background.header("apns-priority") == "5")
            #expect((background.json?["aps"] as? [String: Int]) == ["content-available": 1])
        }
    }

    @Test("every APNs status maps to its result")
    func statusMappings() async throws {
        let tokens = (1...8).map { String(format: "%02x", $0) + String(repeating: "0", count: 62) }
        let answers: [String: [FakePushServer.Response]] = [
            tokens[0]: [.apns(410, reason: "Unregistered")],
            tokens[1]: [.apns(400, reason: "BadDeviceToken")],
            tokens[2]: [.apns(429, reason: "TooManyRequests")],
            tokens[3]: [.apns(503, reason: "ServiceUnavailable")],
            tokens[4]: [.apns(500, reason: "InternalServerError")],
            tokens[5]: [.apns(400, reason: "BadCollapseId")],
            tokens[6]: [.apns(403, reason: "ExpiredProviderToken"), FakePushServer.Response(status: 200, headers: [("apns-id", "AFTER-RENEW")])],
            tokens[7]: [.apns(413, reason: "PayloadTooLarge")],
        ]
        try await withPushServer(answers: answers) { server, http in
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            func send(_ i: Int) async -> PushResult { await client.send(APNsNotification(body: "x"), to: tokens[i]) }
            #expect(await send(0) == .tokenGone(reason: "Unregistered", status: 410))
            #expect(await send(1) == .tokenGone(reason: "BadDeviceToken", status: 400))
            #expect(await send(2) == .retry(reason: "APNs 429: TooManyRequests", status: 429, retryAfter: nil))
            #expect(await send(3) == .retry(reason: "APNs 503: ServiceUnavailable", status: 503, retryAfter: nil))
            #expect(await send(4) == .retry(reason: "APNs 500: InternalServerError", status: 500, retryAfter: nil))
            #expect(await send(5) == .permanent(reason: "APNs 400: BadCollapseId", status: 400))
            let signedBefore = await client.providerTokensSigned
            #expect(await send(6) == .sent(id: "AFTER-RENEW"))
            #expect(await client.providerTokensSigned == signedBefore + 1)
            #expect(await send(7) == .permanent(reason: "APNs 413: PayloadTooLarge", status: 413))
            // A token that is not hex never leaves.
            let before = server.requestCount
            #expect(await client.send(APNsNotification(body: "x"), to: "not-a-token") == .tokenGone(reason: "BadDeviceToken (not a hex device token)", status: 400))
            #expect(server.requestCount == before)
        }
    }

    @Test("a short Retry-After is waited for and the push sent again; a long one is returned")
    func retryAfter() async throws {
        let short = "01" + String(repeating: "0", count: 62), long = "02" + String(repeating: "0", count: 62)
        try await withPushServer(answers: [short: [.apns(429, reason: "TooManyRequests", retryAfter: 1), .init(status: 200, headers: [("apns-id", "LATER")])],
                                           long: [.apns(503, reason: "ServiceUnavailable", retryAfter: 120)]]) { server, http in
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            let start = ContinuousClock.now
            #expect(await client.send(APNsNotification(body: "x"), to: short) == .sent(id: "LATER"))
            #expect(ContinuousClock.now - start >= .seconds(1))
            #expect(await client.send(APNsNotification(body: "x"), to: long)
                    == .retry(reason: "APNs 503: ServiceUnavailable", status: 503, retryAfter: .seconds(120)))
        }
    }

    @Test("a payload over 4096 bytes is refused before any request")
    func payloadLimit() async throws {
        try await withPushServer { server, http in
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            let fits = APNsNotification(body: String(repeating: "a", count: 4096 - #"{"aps":{"alert":{"body":""}}}"#.utf8.count))
            #expect(try fits.payload().count == 4096)
            #expect(await client.send(fits, to: Self.device).isSent)
            let over = APNsNotification(body: String(repeating: "a", count: 4097 - #"{"aps":{"alert":{"body":""}}}"#.utf8.count))
            #expect(throws: PushError.payloadTooLarge(size: 4097, limit: 4096)) { try over.payload() }
            #expect(await client.send(over, to: Self.device) == .permanent(reason: "payload is 4097 bytes, over the limit of 4096", status: nil))
            #expect(server.requestCount == 1)
            #expect(throws: PushError.self) { try APNsNotification(customData: #"{"aps": 1}"#).payload() }
            #expect(throws: PushError.self) { try APNsNotification(customData: "[1, 2]").payload() }
        }
    }

    @Test("the payload is valid JSON whatever the text; custom data must be one JSON object")
    func payloadJSON() throws {
        let tricky = "Quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🎉 é"
        let data = try APNsNotification(title: tricky, body: "b", badge: 0, sound: "s\"", customData: #" { "x" : [1, -2.5e3, true, null, {"y": "\u00e9"}] } "#,
                                        pushType: "background").payload()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let aps = try #require(json["aps"] as? [String: Any])
        #expect((aps["alert"] as? [String: String])?["title"] == tricky)
        #expect(aps["sound"] as? String == "s\"")
        #expect(aps["badge"] as? Int == 0)
        #expect(aps["content-available"] as? Int == 1)
        #expect((json["x"] as? [Any])?.count == 5)
        #expect(try APNsNotification(body: "b", customData: "{}").payload() == Data(#"{"aps":{"alert":{"body":"b"}}}"#.utf8))
        for bad in [#"{"a":}"#, #"{"a":1} x"#, "{'a':1}", #"{"a":01}"#, #"{"a":1,}"#, #"["a"]"#, #""a""#, #"{"a":"\q"}"#, #"{"aps":{}}"#] {
            #expect(throws: PushError.self, "\(bad)") { try APNsNotification(body: "b", customData: bad).payload() }
        }
    }

    @Test("custom data: blank text is left out, the key aps refused only as written")
    func customDataChecks() throws {
        for text in ["", " ", "\n\t", "\u{00A0}", "\u{2028} ", "{", " {", "\u{00A0}{}", "x", "é"] {
            #expect(APNsNotification.isBlank(text) == text.allSatisfy(\.isWhitespace), "\(text)")
        }
        #expect(try APNsNotification(body: "b", customData: " \n").payload() == Data(#"{"aps":{"alert":{"body":"b"}}}"#.utf8))
        #expect(throws: PushError.self) { try APNsNotification(body: "b", customData: "\u{00A0}{}").payload() }
        for refused in [#"{"aps":1}"#, #"{"a":1, "aps" : {}}"#] {
            #expect(throws: PushError.invalidCustomData("the key 'aps' is APNs' own"), "\(refused)") {
                try APNsNotification(body: "b", customData: refused).payload()
            }
        }
        for kept in [#"{"x":{"aps":1}}"#, #"{"ap":1,"apss":2,"Aps":3}"#, #"{"\u0061ps":1}"#, #"{"a":"aps"}"#] {
            #expect(throws: Never.self, "\(kept)") { try APNsNotification(body: "b", customData: kept).payload() }
        }
    }

    @Test("many pushes at once share one HTTP/2 connection")
    func connectionReuse() async throws {
        try await withPushServer { server, http in
            let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: server.endpoint), caFile: server.caFile)
            let results = await withTaskGroup(of: PushResult.self) { group in
                for i in 0..<200 { group.addTask { await client.send(APNsNotification(body: "n\(i)"), to: Self.device) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.isSent })
            #expect(server.requestCount == 200)
            #expect(server.connectionCount == 1)
            #expect(await client.providerTokensSigned == 1)
        }
    }

    @Test("a client without the test CA fails TLS; verification is never off")
    func untrustedServer() async throws {
        try await withPushServer { server, _ in
            var configuration = credentials.apnsConfiguration(endpoint: server.endpoint)
            configuration.connections.connectTimeout = .seconds(3)
            let client = try await APNsClient(configuration: configuration)  // no caFile: the system's roots only
            let result = await client.send(APNsNotification(body: "x"), to: Self.device)
            await client.shutdown()
            guard case .retry(let reason, nil, nil) = result else { Issue.record("expected a TLS failure, got \(result)"); return }
            #expect(reason.contains("certificate") || reason.contains("handshake") || reason.contains("SSL"), "\(reason)")
            #expect(server.requestCount == 0)
        }
    }

    @Test("endpoints: production, sandbox, a URL; anything else refused")
    func endpoints() throws {
        #expect(try APNsConfiguration.baseURL("production") == "https://api.push.apple.com")
        #expect(try APNsConfiguration.baseURL("sandbox") == "https://api.sandbox.push.apple.com")
        #expect(try APNsConfiguration.baseURL("https://127.0.0.1:8443/") == "https://127.0.0.1:8443")
        #expect(throws: PushError.self) { try APNsConfiguration.baseURL("http://insecure.example") }
    }

    @Test("the provider token verifies with PyJWT against the public key")
    func pyJWTVerifies() async throws {
        let client = try await APNsClient(configuration: credentials.apnsConfiguration(endpoint: "sandbox"))
        let token = try await client.currentProviderToken()
        let script = """
            import jwt, sys, json
            token, key = sys.argv[1], sys.stdin.read()
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, key, algorithms=["ES256"], options={"require": ["iss", "iat"]})
            print(json.dumps({"kid": header["kid"], "alg": header["alg"], "iss": claims["iss"]}))
            """
        let result = try await TestProcess.python(script, [token], input: Array(credentials.apnsKey.publicKey.pemRepresentation.utf8))
        #expect(result.status == 0, "\(result.errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: String])
        #expect(json == ["kid": PushCredentials.keyID, "alg": "ES256", "iss": PushCredentials.teamID])
    }
}

extension PushResult {
    var isSent: Bool {
        if case .sent = self { return true }
        return false
    }
}
