import Foundation
import HeraldAppTestSupport
import HeraldCore
import HeraldTestSupport
import HeraldTransports
import Testing
@testable import HeraldApp

/// `HERALD_APNS_*`, `HERALD_FCM_*` and `HERALD_PUSH_CA_FILE` read into the direct push route,
/// and its transmitter pushing to the in-process APNs/FCM server.
@Suite("Direct push settings")
struct PushDirectSettingsTests {
    static func read(_ environment: [String: String]) async throws -> PushDirectSettings {
        let reader = try await HeraldSettings.reader(dataDir: temporaryDirectory("push-settings").path, configFile: nil, environment: environment)
        return try PushDirectSettings(reading: reader)
    }

    @Test("the environment names of the settings are the issue's")
    func environmentNames() {
        let names = PushDirectSettings.Keys.all.flatMap { key in
            key.isSecret ? [key.environmentVariable, SettingName.environmentVariable(for: key.fileKey)] : [key.environmentVariable]
        }
        #expect(Set(names).isSuperset(of: [
            "HERALD_APNS_KEY_FILE", "HERALD_APNS_KEY_ID", "HERALD_APNS_TEAM_ID", "HERALD_APNS_TOPIC", "HERALD_APNS_ENDPOINT",
            "HERALD_FCM_SERVICE_ACCOUNT_FILE", "HERALD_FCM_ENDPOINT", "HERALD_FCM_TOKEN_ENDPOINT", "HERALD_PUSH_CA_FILE",
        ]))
    }

    @Test("key and service-account files are read; the transmitter pushes through both providers")
    func readAndPush() async throws {
        let credentials = try PushTestCredentials()
        let dir = temporaryDirectory("push-settings-files")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("AuthKey.p8"), accountFile = dir.appendingPathComponent("service-account.json")
        try Data(credentials.apnsKeyPEM.utf8).write(to: keyFile)
        try Data(credentials.serviceAccountJSON().utf8).write(to: accountFile)
        try await FakePushServer.with(options: credentials.serverOptions()) { server in
            let settings = try await Self.read([
                "HERALD_APNS_KEY_FILE": keyFile.path, "HERALD_APNS_KEY_ID": PushTestCredentials.keyID,
                "HERALD_APNS_TEAM_ID": PushTestCredentials.teamID, "HERALD_APNS_TOPIC": PushTestCredentials.topic,
                "HERALD_APNS_ENDPOINT": server.endpoint,
                "HERALD_FCM_SERVICE_ACCOUNT_FILE": accountFile.path, "HERALD_FCM_ENDPOINT": server.endpoint,
                "HERALD_FCM_TOKEN_ENDPOINT": server.tokenEndpoint, "HERALD_PUSH_CA_FILE": server.caFile,
            ])
            #expect(settings.apns?.topic == PushTestCredentials.topic)
            #expect(settings.fcm?.tokenEndpoint == server.tokenEndpoint)
            #expect(settings.caFile == server.caFile)
            let transmitter = try await settings.makeTransmitter()
            let request = CommsRequest(id: "r1", commsCode: "BILL", priority: 2, status: .processed,
                                       target: TargetRef(.customer, "C1"), source: .api, createdBy: "t", createdAt: Date())
            let outcomes = await transmitter.transmit(["apns:" + String(repeating: "ab", count: 32), "fcm:reg-1"].map {
                Transmission(request: request, distribution: Distribution(
                    id: "d-\($0)", requestId: "r1", method: .push, target: $0, status: .awaitingDistribution, message: "Hello",
                    language: "en", createdAt: Date()))
            })
            try await transmitter.shutdown()
            for outcome in outcomes {
                guard case .sent(let reference?) = outcome else { Issue.record("not sent: \(outcome)"); continue }
                #expect(!reference.isEmpty)
            }
            #expect(server.providerTokens.count == 1)
            #expect(server.assertions.count == 1)
        }
    }

    @Test("missing and bad settings are errors naming the setting")
    func badSettings() async throws {
        await #expect(throws: HeraldError.self) { _ = try await Self.read([:]) }
        let keyFile = temporaryDirectory("push-settings-key").appendingPathComponent("k.p8")
        try FileManager.default.createDirectory(at: keyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("key".utf8).write(to: keyFile)
        do {
            _ = try await Self.read(["HERALD_APNS_KEY_FILE": keyFile.path, "HERALD_APNS_KEY_ID": "K", "HERALD_APNS_TEAM_ID": "T"])
            Issue.record("no topic accepted")
        } catch let error as HeraldError {
            #expect("\(error)".contains("HERALD_APNS_TOPIC"))
        }
        do {
            _ = try await Self.read(["HERALD_APNS_KEY_FILE": keyFile.path, "HERALD_APNS_KEY_ID": "K", "HERALD_APNS_TEAM_ID": "T",
                                     "HERALD_APNS_TOPIC": "t", "HERALD_APNS_ENDPOINT": "http://plain.example"])
            Issue.record("http endpoint accepted")
        } catch let error as HeraldError {
            #expect("\(error)".contains("HERALD_APNS_ENDPOINT"))
        }
        do {
            _ = try await Self.read(["HERALD_APNS_KEY_FILE": "/nonexistent/k.p8"])
            Issue.record("missing key file accepted")
        } catch let error as HeraldError {
            #expect("\(error)".contains("HERALD_APNS_KEY_FILE"))
        }
    }
}
