import AsyncHTTPClient
import Crypto
import Foundation
import HeraldTestSupport
import Synchronization
import _CryptoExtras
@testable import Push

/// A clock tests move.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    init(offset: TimeInterval = 0) { self.offset.withLock { $0 = offset } }
    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    var now: @Sendable () -> Date { { [self] in Date().addingTimeInterval(offset.withLock { $0 }) } }
}

/// Answers scripted per push token, taken in order; the last one repeats.
final class ScriptedAnswers: Sendable {
    private let answers: Mutex<[String: [FakePushServer.Response]]>
    init(_ answers: [String: [FakePushServer.Response]]) { self.answers = Mutex(answers) }

    var script: FakePushServer.Script {
        { [self] request, _ in
            guard let token = request.pushToken else { return nil }
            return answers.withLock { table in
                guard var list = table[token], let first = list.first else { return nil }
                if list.count > 1 { list.removeFirst(); table[token] = list }
                return first
            }
        }
    }
}

/// The keys and names of one APNs team and one FCM service account.
struct PushCredentials: Sendable {
    static let teamID = "TEAM123456"
    static let keyID = "KEY7654321"
    static let topic = "com.example.herald"
    static let project = "herald-test"
    static let clientEmail = "herald@herald-test.iam.gserviceaccount.com"

    let apnsKey = P256.Signing.PrivateKey()
    let fcmKey: _RSA.Signing.PrivateKey

    static let shared = PushCredentials()

    init() {
        fcmKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    func serverOptions(checks: Bool = true) -> FakePushServer.Options {
        FakePushServer.Options(apnsKeys: [Self.keyID: apnsKey.publicKey], apnsTeamID: Self.teamID, apnsTopic: Self.topic,
                               fcmKey: fcmKey.publicKey, fcmClientEmail: Self.clientEmail, fcmProject: Self.project, checks: checks)
    }

    func apnsConfiguration(endpoint: String, clock: TestClock = TestClock()) -> APNsConfiguration {
        APNsConfiguration(privateKeyPEM: apnsKey.pemRepresentation, keyID: Self.keyID, teamID: Self.teamID, topic: Self.topic,
                          endpoint: endpoint, timeout: .seconds(10), now: clock.now)
    }

    func serviceAccountJSON(tokenURI: String) -> String {
        let object: [String: String] = [
            "type": "service_account", "project_id": Self.project, "private_key_id": "fcmkey1",
            "private_key": fcmKey.pkcs8PEMRepresentation, "client_email": Self.clientEmail, "token_uri": tokenURI,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func fcmConfiguration(server: FakePushServer, clock: TestClock = TestClock()) throws -> FCMConfiguration {
        let account = try FCMServiceAccount(json: Data(serviceAccountJSON(tokenURI: "https://oauth2.googleapis.com/token").utf8))
        return FCMConfiguration(account: account, endpoint: server.endpoint, tokenEndpoint: server.tokenEndpoint,
                                timeout: .seconds(10), now: clock.now)
    }
}

/// Runs `body` with a started fake server and an HTTP client trusting its CA.
func withPushServer<T>(
    checks: Bool = true, accessTokenLifetime: Int = 3600, answers: [String: [FakePushServer.Response]] = [:],
    _ body: (FakePushServer, HTTPClient) async throws -> T
) async throws -> T {
    let scripted = ScriptedAnswers(answers)
    var options = PushCredentials.shared.serverOptions(checks: checks)
    options.accessTokenLifetime = accessTokenLifetime
    return try await FakePushServer.with(options: options, script: scripted.script) { server in
        let client = try Push.makeHTTPClient(caFile: server.caFile)
        do {
            let result = try await body(server, client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
