import Foundation
import HeraldCore
import HeraldTestSupport
@testable import HeraldTransports
import Synchronization
import Testing

/// The direct push route against the in-process APNs/FCM server: targets, fields, outcomes.
@Suite("Push transmitter (direct APNs and FCM)")
struct PushTransmitterTests {
    static let apnsToken = String(repeating: "ab", count: 32)

    static func transmission(_ target: String, message: String? = "Your bill is ready", fields: [String: String] = [:]) -> Transmission {
        let request = CommsRequest(id: "r-\(UUID().uuidString)", commsCode: "BILL", priority: 2, status: .processed,
                                   target: TargetRef(.customer, "C1"), source: .api, createdBy: "t", createdAt: Date())
        let d = Distribution(id: "d-\(UUID().uuidString)", requestId: request.id, method: .push, target: target, status: .awaitingDistribution,
                             message: message, fields: fields, language: "en", createdAt: Date())
        return Transmission(request: request, distribution: d)
    }

    static func failure(_ outcome: TransmissionOutcome) -> TransmissionFailure? {
        if case .failed(let failure) = outcome { return failure }
        return nil
    }

    /// Runs `body` with a started server (answers scripted by push token) and a transmitter for both providers.
    func withTransmitter(answers: [String: FakePushServer.Response] = [:],
                         _ body: (FakePushServer, PushTransmitter) async throws -> Void) async throws {
        let credentials = try PushTestCredentials()
        let script: FakePushServer.Script = { request, _ in request.pushToken.flatMap { answers[$0] } }
        try await FakePushServer.with(options: credentials.serverOptions(), script: script) { server in
            let settings = PushDirectSettings(
                apns: .init(key: credentials.apnsKeyPEM, keyID: PushTestCredentials.keyID, teamID: PushTestCredentials.teamID,
                            topic: PushTestCredentials.topic, endpoint: server.endpoint),
                fcm: .init(serviceAccount: credentials.serviceAccountJSON(), endpoint: server.endpoint, tokenEndpoint: server.tokenEndpoint),
                caFile: server.caFile)
            let transmitter = try await PushTransmitter(settings: settings)
            do {
                try await body(server, transmitter)
                try await transmitter.shutdown()
            } catch {
                try? await transmitter.shutdown()
                throw error
            }
        }
    }

    @Test("fields become the notification; apns-id and the FCM message name are the references")
    func fieldsAndReferences() async throws {
        try await withTransmitter { server, transmitter in
            let fields = [PushFields.title: "Bill", PushFields.badge: "2", PushFields.sound: "default",
                          PushFields.data: #"{"billId":"B-7"}"#, PushFields.collapseId: "bill",
                          PushFields.expiresAt: "2099-01-01T01:00:00.000+01:00"]
            let outcomes = await transmitter.transmit([
                Self.transmission("apns:\(Self.apnsToken)", fields: fields),
                Self.transmission("fcm:reg-token-1", fields: fields),
            ])
            guard case .sent(let apnsID?) = outcomes[0], case .sent(let name?) = outcomes[1] else {
                Issue.record("not sent: \(outcomes)"); return
            }
            #expect(UUID(uuidString: apnsID) != nil)
            #expect(name.hasPrefix("projects/\(PushTestCredentials.project)/messages/"))
            let apns = try #require(server.requests.first { $0.path.hasPrefix("/3/device/") })
            #expect(apns.header("apns-collapse-id") == "bill")
            #expect(apns.header("apns-expiration") == "4070908800")
            let aps = try #require(apns.json?["aps"] as? [String: Any])
            #expect((aps["alert"] as? [String: String]) == ["title": "Bill", "body": "Your bill is ready"])
            #expect(aps["badge"] as? Int == 2)
            #expect(aps["sound"] as? String == "default")
            #expect(apns.json?["billId"] as? String == "B-7")
            let fcm = try #require(server.requests.first { $0.path.hasSuffix("messages:send") })
            let message = try #require(fcm.json?["message"] as? [String: Any])
            #expect(message["token"] as? String == "reg-token-1")
            #expect((message["notification"] as? [String: String]) == ["title": "Bill", "body": "Your bill is ready"])
            #expect((message["data"] as? [String: String]) == ["billId": "B-7"])
        }
    }

    @Test("gone tokens, retries and refusals map to their outcomes")
    func outcomes() async throws {
        let gone = String(repeating: "01", count: 32), bad = String(repeating: "02", count: 32)
        let busy = String(repeating: "03", count: 32), refused = String(repeating: "04", count: 32)
        try await withTransmitter(answers: [
            gone: .apns(410, reason: "Unregistered"), bad: .apns(400, reason: "BadDeviceToken"),
            busy: .apns(503, reason: "ServiceUnavailable", retryAfter: 120), refused: .apns(400, reason: "TopicDisallowed"),
            "fcm-gone": .fcm(404, "NOT_FOUND", errorCode: "UNREGISTERED", message: "Requested entity was not found."),
            "fcm-quota": .fcm(429, "RESOURCE_EXHAUSTED", errorCode: "QUOTA_EXCEEDED", message: "quota", retryAfter: 60),
        ]) { server, transmitter in
            let outcomes = await transmitter.transmit(["apns:\(gone)", "apns:\(bad)", "apns:\(busy)", "apns:\(refused)",
                                                       "fcm:fcm-gone", "fcm:fcm-quota"].map { Self.transmission($0) })
            let f = outcomes.map { Self.failure($0) }
            #expect(f[0]?.kind == .targetGone && f[0]?.text == "Unregistered" && f[0]?.providerCode == "410")
            #expect(f[1]?.kind == .targetGone && f[1]?.text == "BadDeviceToken")
            #expect(f[2]?.kind == .retry && f[2]?.text == "APNs 503: ServiceUnavailable (Retry-After 120 s)" && f[2]?.providerCode == "503")
            #expect(f[3]?.kind == .permanent && f[3]?.text == "APNs 400: TopicDisallowed")
            #expect(f[4]?.kind == .targetGone && f[4]?.providerCode == "404")
            #expect(f[5]?.kind == .retry && f[5]?.text == "FCM 429 QUOTA_EXCEEDED: quota (Retry-After 60 s)")
        }
    }

    @Test("expired pushes, bad targets and bad fields are refused without a request")
    func refusedBeforeSending() async throws {
        try await withTransmitter { server, transmitter in
            let outcomes = await transmitter.transmit([
                Self.transmission("apns:\(Self.apnsToken)", fields: [PushFields.expiresAt: "2020-01-01T00:00:00Z"]),
                Self.transmission("apns:\(Self.apnsToken)", fields: [PushFields.expiresAt: "next week"]),
                Self.transmission("apns:\(Self.apnsToken)", fields: [PushFields.badge: "many"]),
                Self.transmission("\(Self.apnsToken)"),
                Self.transmission("webos:\(Self.apnsToken)"),
                Self.transmission("apns:\(Self.apnsToken)", message: nil),
                Self.transmission("apns:\(Self.apnsToken)", message: String(repeating: "x", count: 5000)),
            ])
            let f = outcomes.map { Self.failure($0) }
            #expect(f[0]?.kind == .permanent && f[0]?.text == "expired")
            #expect(f.allSatisfy { $0?.kind == .permanent })
            #expect(f[6]?.text.contains("over the limit of 4096") == true)
            #expect(server.requestCount == 0)
        }
    }

    @Test("the badge and the platform read as the general parsing does: digits, spaces, signs, any case")
    func fastPaths() {
        for text in ["0", "7", "42", "007", " 3 ", "\t5", "5 ", "+4", "-0", "-1", "3x", "x", "", "١٢", "\u{3000}8",
                     "123456789012345678", "1234567890123456789", "99999999999999999999"] {
            #expect(PushTransmitter.wholeNumber(text) == Int(text.trimmingCharacters(in: .whitespaces)), "\(text)")
        }
        for prefix in ["apns", "APNS", "ApNs", "fcm", "FCM", "fCm", "apn", "apnss", "webos", "", "ａｐｎｓ", "fcmé", "FCMÉ"] {
            let expected: PushTransmitter.Platform? = switch prefix.lowercased() {
            case "apns": .apns
            case "fcm": .fcm
            default: nil
            }
            #expect(PushTransmitter.platform(Substring(prefix)) == expected, "\(prefix)")
        }
    }

    @Test("a provider not configured is a permanent failure; bad settings name the setting")
    func configuration() async throws {
        let credentials = try PushTestCredentials()
        let apnsOnly = try await PushTransmitter(settings: PushDirectSettings(
            apns: .init(key: credentials.apnsKeyPEM, keyID: "K", teamID: "T", topic: "t", endpoint: "sandbox")))
        let outcome = await apnsOnly.transmit([Self.transmission("fcm:abc")])[0]
        #expect(Self.failure(outcome)?.kind == .permanent)
        #expect(Self.failure(outcome)?.text == "FCM is not configured (fcm.service.account.file)")
        try await apnsOnly.shutdown()
        await #expect(throws: HeraldError.self) { _ = try await PushTransmitter(settings: PushDirectSettings()) }
        await #expect(throws: HeraldError.self) {
            _ = try await PushTransmitter(settings: PushDirectSettings(apns: .init(key: "nonsense", keyID: "K", teamID: "T", topic: "t")))
        }
        await #expect(throws: HeraldError.self) {
            _ = try await PushTransmitter(settings: PushDirectSettings(
                apns: .init(key: credentials.apnsKeyPEM, keyID: "K", teamID: "T", topic: "t", endpoint: "http://plain.example")))
        }
        await #expect(throws: HeraldError.self) {
            _ = try await PushTransmitter(settings: PushDirectSettings(fcm: .init(serviceAccount: "{}")))
        }
    }
}
