import Foundation
import HeraldCore
@testable import HeraldApp
import HeraldTransports
import Testing

/// `stomp.*` and `queue.*` as the environment and the config file give them.
@Suite struct QueueSettingsTests {
    func read(_ environment: [String: String]) async throws -> QueueTransportSettings {
        let reader = try await HeraldSettings.reader(dataDir: "/nonexistent/herald-queue-settings", configFile: nil, environment: environment)
        return try QueueTransportSettings(reading: reader)
    }

    @Test func readsTheIssuesVariablesWithDefaults() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("queue-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("passcode")
        try Data("from-file\n".utf8).write(to: secret)
        let plain = try await read(["HERALD_STOMP_URL": "stomp://mq.example:61613"])
        #expect(plain == QueueTransportSettings(url: "stomp://mq.example:61613"))
        #expect(plain.pushDestination == "/queue/herald.push" && plain.externalDestination == "/queue/herald.external")
        let full = try await read([
            "HERALD_STOMP_URL": "stomp+ssl://mq.example", "HERALD_STOMP_LOGIN": "herald", "HERALD_STOMP_PASSCODE_FILE": secret.path,
            "HERALD_QUEUE_DESTINATION_PUSH": "/queue/cmp.push", "HERALD_QUEUE_DESTINATION_EXTERNAL": "/topic/cmp.external",
            "HERALD_QUEUE_ENCRYPTION_KEY_FILE": "/etc/herald/queue.keys", "HERALD_STOMP_CA_FILE": "/etc/herald/ca.pem",
        ])
        #expect(full == QueueTransportSettings(
            url: "stomp+ssl://mq.example", login: "herald", passcode: "from-file", caFile: "/etc/herald/ca.pem",
            pushDestination: "/queue/cmp.push", externalDestination: "/topic/cmp.external", encryptionKeyFile: "/etc/herald/queue.keys"))
    }

    @Test(arguments: [
        ([:], "stomp.url"),
        (["HERALD_STOMP_URL": "http://mq.example"], "stomp.url"),
        (["HERALD_STOMP_URL": "stomp://mq.example:99999"], "stomp.url"),
        (["HERALD_STOMP_URL": "stomp://mq.example", "HERALD_STOMP_PASSCODE_FILE": "/nonexistent/herald-secret"], "stomp.passcode.file"),
    ])
    func badSettingsNameTheSetting(_ environment: [String: String], _ field: String) async throws {
        let error = await #expect(throws: HeraldError.self) { try await read(environment) }
        #expect(error?.field == field, "\(String(describing: error))")
    }
}
