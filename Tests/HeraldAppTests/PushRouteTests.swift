import Foundation
import HeraldAppTestSupport
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTestSupport
import HeraldTransports
import Logging
import Testing
@testable import HeraldApp

/// `HERALD_PUSH_TRANSPORT=direct` end to end through the runtime: the sample catalog's DATA_80
/// push merged (title, sound, badge, data, collapse id, expiry) and sent to the in-process
/// APNs/FCM server; a token APNs says is gone disabled on the customer and the comm fallen to SMS.
@Suite("Push route (direct) end to end")
struct PushRouteTests {
    static let liveToken = String(repeating: "ab", count: 32)
    static let deadToken = String(repeating: "de", count: 32)

    @Test func aPushIsSentAndAGoneTokenFallsToTheNextMethod() async throws {
        let credentials = try PushTestCredentials()
        let dir = temporaryDirectory("push-route")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("AuthKey.p8")
        try Data(credentials.apnsKeyPEM.utf8).write(to: keyFile)
        let script: FakePushServer.Script = { request, _ in
            request.pushToken == Self.deadToken ? .apns(410, reason: "Unregistered") : nil
        }
        try await FakePushServer.with(options: credentials.serverOptions(), script: script) { server in
            let environment = [
                "HERALD_PUSH_TRANSPORT": "direct", "HERALD_APNS_KEY_FILE": keyFile.path, "HERALD_APNS_KEY_ID": PushTestCredentials.keyID,
                "HERALD_APNS_TEAM_ID": PushTestCredentials.teamID, "HERALD_APNS_TOPIC": PushTestCredentials.topic,
                "HERALD_APNS_ENDPOINT": server.endpoint, "HERALD_PUSH_CA_FILE": server.caFile,
            ]
            var settings = try await HeraldSettings.load(dataDir: dir.appendingPathComponent("data").path, environment: environment)
            settings.catalogDirectory = dir.appendingPathComponent("catalog")
            try SampleCatalog.write(to: settings.catalogDirectory)
            let runtime = try await HeraldRuntime(settings: settings, logger: Logger(label: "test-push"))
            #expect(runtime.pushTransmitter != nil)

            for (id, token) in [("C-LIVE", Self.liveToken), ("C-DEAD", Self.deadToken)] {
                try await runtime.store.upsertCustomer(Customer(
                    id: id, firstName: "Pia", mobile: "+447700900555", pushTokens: [PushToken(platform: "apns", token: token)],
                    preferences: Preferences(preferredMethods: [.push])))
                try await runtime.store.upsertAccount(Account(id: "A-\(id)", customerId: id, currency: "GBP"))
                try await runtime.store.upsertSubscription(Subscription(id: "S-\(id)", customerId: id, accountId: "A-\(id)",
                                                                        msisdn: "+447700900555", plan: "Max"))
            }
            let live = try await runtime.intake.submit(
                CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-C-LIVE", fields: ["PERCENT": "85"]), idempotency: nil, actor: "test")
            let dead = try await runtime.intake.submit(
                CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-C-DEAD", fields: ["PERCENT": "85"]), idempotency: nil, actor: "test")
            try await runtime.runUntilQuiet()

            // Sent, with Apple's apns-id as the reference and the merged payload on the wire.
            let sent = try #require(try await runtime.store.request(id: live.requestIds[0])?.distribution)
            #expect(sent.status == .sent)
            #expect(sent.reference.flatMap(UUID.init(uuidString:)) != nil, "\(String(describing: sent.reference))")
            let wire = try #require(server.requests.first { $0.pushToken == Self.liveToken })
            #expect(wire.header("apns-collapse-id") == "data-usage")
            #expect(wire.header("apns-topic") == PushTestCredentials.topic)
            #expect(wire.header("apns-expiration").flatMap(Int.init) != nil)
            let aps = try #require(wire.json?["aps"] as? [String: Any])
            #expect((aps["alert"] as? [String: String])?["title"] == "Data on +447700900555")
            #expect((aps["alert"] as? [String: String])?["body"]?.hasPrefix("85% of your Max data used") == true)
            #expect(aps["sound"] as? String == "default" && aps["badge"] as? Int == 1)
            #expect(wire.json?["screen"] as? String == "usage")

            // Gone: E, the token disabled, and the copy of the request sent by SMS (the outbox).
            let first = try #require(try await runtime.store.request(id: dead.requestIds[0]))
            #expect(first.distribution?.status == .errorNoRetry)
            #expect(first.distribution?.lastError?.contains("Unregistered") == true)
            let token = try #require(try await runtime.store.customer(id: "C-DEAD")?.pushTokens.first)
            #expect(token.disabled == true && token.disabledReason?.contains("Unregistered") == true)
            let copies = try await runtime.store.requests(RequestQuery(customerId: "C-DEAD")).items.filter { $0.request.copyOf == dead.requestIds[0] }
            let copy = try #require(copies.first)
            #expect(copy.distribution?.method == .sms)
            #expect(copy.distribution?.status == .sent)
            // The gone token was tried once only.
            #expect(server.requests.filter { $0.pushToken == Self.deadToken }.count == 1)
            try await runtime.pushTransmitter?.shutdown()
        }
    }
}
