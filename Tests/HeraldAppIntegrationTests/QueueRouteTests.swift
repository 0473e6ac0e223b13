import Foundation
import HeraldAppTestSupport
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTestSupport
import Logging
import Testing
@testable import HeraldApp

/// `HERALD_PUSH_TRANSPORT=queue` and `HERALD_EXTERNAL_TRANSPORT=queue` end to end through the
/// runtime, onto the ActiveMQ broker scripts/servers/activemq.sh starts, read back by stomp.py.
@Suite("Queue route end to end (ActiveMQ)")
struct QueueRouteTests {
    static func environment(_ name: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else {
            throw EmailTestFailure(message: "\(name) is not set: run the tests through scripts/test.sh, which starts ActiveMQ")
        }
        return v
    }

    /// The messages on `destination`, as the independent stomp.py consumer reads them.
    static func consume(port: String, destination: String, expected: Int) async throws -> [[String: Any]] {
        let script = #"""
import json, sys, threading, time
import stomp
port, destination, expected, login, passcode = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
received, lock = [], threading.Lock()
class Listener(stomp.ConnectionListener):
    def on_message(self, frame):
        with lock:
            received.append({"headers": dict(frame.headers), "body": frame.body})
c = stomp.Connection([("127.0.0.1", port)], heartbeats=(0, 0))
c.set_listener("l", Listener())
c.connect(login, passcode, wait=True)
c.subscribe(destination, id="it", ack="auto")
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    with lock:
        if len(received) >= expected: break
    time.sleep(0.05)
time.sleep(0.5)
c.disconnect()
print(json.dumps(received))
"""#
        let result = try await TestProcess.python(script, [port, destination, String(expected),
                                                           try environment("HERALD_TEST_STOMP_LOGIN"), try environment("HERALD_TEST_STOMP_PASSCODE")])
        #expect(result.status == 0, "\(result.errors)")
        return (try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]]) ?? []
    }

    @Test func pushAndExternalCommsArePublishedAndConfirmed() async throws {
        let port = try Self.environment("HERALD_TEST_STOMP_PORT")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let pushQueue = "/queue/herald.it.push.\(suffix)", externalQueue = "/queue/herald.it.external.\(suffix)"
        let dir = temporaryDirectory("queue-route")
        var settings = try await HeraldSettings.load(dataDir: dir.appendingPathComponent("data").path, environment: [
            "HERALD_PUSH_TRANSPORT": "queue", "HERALD_EXTERNAL_TRANSPORT": "queue",
            "HERALD_STOMP_URL": "stomp://127.0.0.1:\(port)", "HERALD_STOMP_LOGIN": try Self.environment("HERALD_TEST_STOMP_LOGIN"),
            "HERALD_STOMP_PASSCODE": try Self.environment("HERALD_TEST_STOMP_PASSCODE"),
            "HERALD_QUEUE_DESTINATION_PUSH": pushQueue, "HERALD_QUEUE_DESTINATION_EXTERNAL": externalQueue,
        ])
        settings.catalogDirectory = dir.appendingPathComponent("catalog")
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: Logger(label: "test-queue"))
        try await runtime.store.upsertCustomer(Customer(
            id: "C-Q", firstName: "Quinn", mobile: "+447700900777", pushTokens: [PushToken(platform: "fcm", token: "fcm-q")],
            externalId: "PORTAL-Q", preferences: Preferences(preferredMethods: [.push])))
        try await runtime.store.upsertAccount(Account(id: "A-Q", customerId: "C-Q", currency: "GBP"))
        try await runtime.store.upsertSubscription(Subscription(id: "S-Q", customerId: "C-Q", accountId: "A-Q", msisdn: "+447700900777", plan: "Max"))
        let push = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-Q", fields: ["PERCENT": "90"]),
                                                   idempotency: nil, actor: "test")
        let external = try await runtime.intake.submit(
            CommsRequestInput(commsCode: "PORTING_NOTICE", subscriptionId: "S-Q", fields: ["PORTDATE": "2026-12-20", "RECIPIENTNETWORK": "Vivo"]),
            idempotency: nil, actor: "test")
        try await SMSScenario.withTransports(runtime) { try await runtime.runUntilQuiet() }

        for (id, queue, method) in [(push.requestIds[0], pushQueue, "push"), (external.requestIds[0], externalQueue, "external")] {
            let d = try #require(try await runtime.store.request(id: id)?.distribution)
            #expect(d.method.rawValue == method)
            #expect(d.status == .sent, "\(d.lastError ?? "")")
            let messages = try await Self.consume(port: port, destination: queue, expected: 1)
            #expect(messages.count == 1)
            let body = try #require((messages.first?["body"] as? String).map { Data($0.utf8) })
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(json["requestId"] as? String == id)
            #expect(json["method"] as? String == method)
            #expect(json["target"] as? String == d.target)
            #expect(json["message"] as? String == d.message)
            #expect((messages.first?["headers"] as? [String: String])?["persistent"] == "true")
        }
    }
}
