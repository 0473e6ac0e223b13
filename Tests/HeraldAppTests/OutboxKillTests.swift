import HeraldAppTestSupport
import Foundation
import HeraldCatalog
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real binary, killed with SIGKILL: `herald serve` on a scratch folder with the outbox SMS
/// transport takes a few hundred SMS triggers, each with an `Idempotency-Key` and retried on
/// connection errors, while it is killed three times at random moments and started again. Once
/// everything is sent, every accepted request's SMS is on exactly one spool line, and its
/// recorded reference names that line.
struct OutboxKillTests {
    static let binary = packageRoot.appendingPathComponent(".build/debug/herald")
    static let key = "kill-test-key"
    static let triggers = 300

    /// The request id each trigger got, by trigger number.
    final class Accepted: Sendable {
        let ids = Mutex<[Int: String]>([:])
    }

    func start(_ dir: URL, port: Int) throws -> Process {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["serve", "--data-dir", dir.path, "--port", "\(port)"]
        p.environment = ProcessInfo.processInfo.environment.merging([
            "HERALD_ADMIN_API_KEY": Self.key,
            "HERALD_PIPELINE_LEASE_SECONDS": "5",  // a killed server's rows come back after 5 s
            "HERALD_PIPELINE_BATCH_SIZE": "20",  // many batches, so kills fall between writes and commits
        ]) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func call(_ method: String, _ url: String, json: String? = nil, idempotencyKey: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 5
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let idempotencyKey { request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// 60 s: a debug `herald serve` loads the catalog (laying out its letters for the clear-strip
    /// check) before it listens, and a full suite with its servers (ActiveMQ's JVM among them)
    /// once took longer than 15 s to get there.
    func waitHealthy(_ base: String, seconds: Double = 60) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await Self.call("GET", "\(base)/healthz"))?.0 == 200 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Posts trigger `i` until the server answers it (connection errors and 5xx are retried
    /// with the same key); returns the request id, nil if it was refused.
    static func post(_ i: Int, base: String, deadline: Date) async -> String? {
        let body = #"{"commsCode": "DATA_80", "subscriptionId": "S-1", "deliveryMethod": "sms", "fields": {"PERCENT": "\#(i)"}}"#
        while Date() < deadline {
            if let (status, object) = try? await call("POST", "\(base)/v1/comms-requests", json: body, idempotencyKey: "kill-\(i)") {
                if status == 200 || status == 201, let id = object["id"] as? String { return id }
                if (400..<500).contains(status) {
                    Issue.record("trigger \(i) refused: \(status) \(object)")
                    return nil
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("trigger \(i) never accepted")
        return nil
    }

    func spoolFileCount(_ folder: URL) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") && $0.hasSuffix(".ndjson") }.count
    }

    /// Every spool line of the folder: (file, line number, request id, distribution id).
    func spoolLines(_ folder: URL) throws -> [(file: String, line: Int, requestId: String, id: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(".ndjson") }
        var lines: [(file: String, line: Int, requestId: String, id: String)] = []
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for (n, line) in text.split(separator: "\n").enumerated() {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                lines.append((name, n + 1, object["requestId"] as? String ?? "", object["id"] as? String ?? ""))
            }
        }
        return lines
    }

    @Test(.timeLimit(.minutes(5)))
    func eachSMSIsSpooledOnceThroughThreeKills() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the herald product first (swift build)")
        let dir = temporaryDirectory("outbox-kill")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SampleCatalog.write(to: dir.appendingPathComponent("catalog"))
        let port = Int.random(in: 20000..<40000)
        let base = "http://127.0.0.1:\(port)"
        var server = try start(dir, port: port)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        #expect(await waitHealthy(base))
        // A subscriber without quiet hours, so every SMS goes at once.
        #expect(try await Self.call("PUT", "\(base)/v1/customers/C-1", json: """
            {"firstName": "Ada", "lastName": "Byron", "language": "en", "timeZone": "Europe/London", "mobile": "+447700900123"}
            """).0 == 201)
        #expect(try await Self.call("PUT", "\(base)/v1/accounts/A-1", json: #"{"customerId": "C-1", "currency": "GBP"}"#).0 == 201)
        #expect(try await Self.call("PUT", "\(base)/v1/subscriptions/S-1", json: """
            {"customerId": "C-1", "accountId": "A-1", "msisdn": "+447700900123", "plan": "Unlimited"}
            """).0 == 201)

        // Four clients post the triggers while the server is killed three times and restarted.
        let accepted = Accepted()
        let folder = dir.appendingPathComponent("outbox/sms")
        let deadline = Date().addingTimeInterval(60)
        var kills = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<4 {
                group.addTask {
                    for i in stride(from: client, to: Self.triggers, by: 4) {
                        if let id = await Self.post(i, base: base, deadline: deadline) { accepted.ids.withLock { $0[i] = id } }
                    }
                }
            }
            for _ in 0..<3 {
                // A random moment, then the next spool file: a kill between a batch's write and
                // its commit is the one that used to spool its SMS twice.
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...600)))
                let files = spoolFileCount(folder)
                let latest = Date().addingTimeInterval(2)
                while spoolFileCount(folder) == files && Date() < latest { try await Task.sleep(for: .milliseconds(1)) }
                kill(server.processIdentifier, SIGKILL)
                server.waitUntilExit()
                kills += 1
                server = try start(dir, port: port)
                #expect(await waitHealthy(base))
            }
            try await group.waitForAll()
        }
        #expect(kills == 3)
        let requests = accepted.ids.withLock { $0 }
        #expect(requests.count == Self.triggers)
        #expect(Set(requests.values).count == requests.count, "one request per Idempotency-Key")

        // Wait until every accepted request is recorded as sent (rows the killed servers held
        // come back after the 5 s lease).
        var references: [String: String] = [:]
        let sentBy = Date().addingTimeInterval(30)
        while references.count < requests.count && Date() < sentBy {
            for id in requests.values where references[id] == nil {
                guard let (status, object) = try? await Self.call("GET", "\(base)/v1/comms-requests/\(id)"), status == 200,
                      let distribution = object["distribution"] as? [String: Any],
                      distribution["distributionStatusCode"] as? String == "S", let reference = distribution["reference"] as? String else { continue }
                references[id] = reference
            }
            if references.count < requests.count { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(references.count == requests.count, "\(requests.count - references.count) requests not sent")

        // Exactly once: one spool line per accepted request, no line of anything else, and the
        // recorded reference names the line that holds the request's SMS.
        let lines = try spoolLines(folder)
        var linesPerRequest: [String: Int] = [:]
        for line in lines { linesPerRequest[line.requestId, default: 0] += 1 }
        let twice = linesPerRequest.filter { $0.value > 1 }
        #expect(twice.isEmpty, "\(twice.count) requests spooled more than once")
        #expect(Set(linesPerRequest.keys) == Set(requests.values))
        #expect(lines.count == requests.count)
        let byPlace = Dictionary(lines.map { ("outbox:sms/\($0.file)#\($0.line)", $0.requestId) }, uniquingKeysWith: { a, _ in a })
        let misplaced = references.filter { byPlace[$0.value] != $0.key }
        #expect(misplaced.isEmpty, "\(misplaced.count) references do not name their request's line")

        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
    }
}
