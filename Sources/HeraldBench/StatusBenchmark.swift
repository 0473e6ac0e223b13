import AsyncHTTPClient
import Foundation
import GRDB
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import NIOCore
import NIOHTTP1
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif
import Prometheus
import ServiceLifecycle
import StandardWebhooks

/// `herald bench status --count N`: external status updates applied to `N` sent comms, half
/// through `POST /v1/status-updates` (batches of 500, 4 in flight, over loopback HTTP to the
/// server in this process) and half through status files (500 per NDJSON file, the
/// `StatusFolder` scan), each update a `delivered` for one comm by request id.
///
/// The anchor, measured in the same run on a copy of the same database: the store's raw floor
/// for the same work — per update one `UPDATE` of the distribution and one history `INSERT`,
/// 500 per transaction, on cached statements with no Herald logic.
public enum StatusBenchmark {
    public struct Result: Sendable {
        public var count: Int
        public var apiSeconds: Double
        public var fileSeconds: Double
        public var anchorSeconds: Double
        public var peakRSSBytes: Int
        public var results: [String: Int]
        /// The callback phase: `read` updates with one subscriber, then their callbacks drained.
        public var callbacks: CallbackPhase

        /// What the callback phase measured.
        public struct CallbackPhase: Sendable {
            public var count: Int
            /// Applying the `read` updates (each also writing its outbox row).
            public var updateSeconds: Double
            /// Delivering every callback (claim, sign, POST, commit).
            public var deliverySeconds: Double
            public var delivered: Int
            public var verified: Int
            public var verificationFailures: Int
            public var concurrency: Int
            public var wrkRequestsPerSecond: Double
            public var wrkErrors: Int
        }

        public var report: String {
            let half = Double(count / 2)
            let api = half / max(apiSeconds, 1e-9), files = half / max(fileSeconds, 1e-9), anchor = half / max(anchorSeconds, 1e-9)
            return """
            herald bench status — \(count) sent comms, \(count / 2) updates through the API and \(count / 2) through files, SQLite WAL, \(ProcessInfo.processInfo.activeProcessorCount) cores
              API            \(String(format: "%.0f", api)) updates/s   (POST /v1/status-updates, 500 per call, 4 calls in flight)
              files          \(String(format: "%.0f", files)) updates/s   (NDJSON files of 500 in inbound/status/, one transaction each)
              anchor         \(String(format: "%.0f", anchor)) updates/s   (raw UPDATE + history INSERT, 500 per transaction, same database copied)
              ratio          API / anchor = \(String(format: "%.2f", api / anchor)), files / anchor = \(String(format: "%.2f", files / anchor))
              callbacks      \(String(format: "%.0f", Double(callbacks.delivered) / max(callbacks.deliverySeconds, 1e-9))) webhooks/s   (\(callbacks.delivered) of \(callbacks.count) delivered to a local HTTP sink, \(callbacks.concurrency) in flight, signed; \(callbacks.verified) checked, \(callbacks.verificationFailures) bad) — goal ≥ 5,000
              anchor (wrk)   \(String(format: "%.0f", callbacks.wrkRequestsPerSecond)) req/s   (the same signed POST replayed to the same sink, -c \(callbacks.concurrency), \(callbacks.wrkErrors) errors); ratio \(String(format: "%.2f", Double(callbacks.delivered) / max(callbacks.deliverySeconds, 1e-9) / max(callbacks.wrkRequestsPerSecond, 1e-9)))
              with callbacks \(String(format: "%.0f", Double(callbacks.count) / max(callbacks.updateSeconds, 1e-9))) updates/s   (`read` updates, 500 per transaction, each writing its outbox row for one subscriber)
              peak RSS       \(peakRSSBytes / 1_048_576) MiB
              results        \(results.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            """
        }
    }

    public static func run(count: Int, directory parent: URL, logger: Logger) async throws -> Result {
        let directory = parent.appendingPathComponent("run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = HeraldSettings(dataDirectory: directory)
        settings.worker.batchSize = 500
        settings.apiKeys = [.init(name: "acks", key: "bench-status-key", roles: ["status-update"])]
        settings.host = "127.0.0.1"
        settings.callbacks.allowPrivateTargets = true  // the callback phase's sink listens on loopback
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        let subscribers = try await BenchLoad.seedSubscribers(runtime.store, count: count, pushTokens: false) { _ in [.sms] }
        _ = try await BenchLoad.drive(runtime, services: [runtime.commsMonitor(), runtime.sender(.sms)], count: count,
                                      subscribers: subscribers, logger: logger)
        // Read beside the store (WAL: a second connection reads while it writes).
        let side = try DatabaseQueue(path: runtime.settings.databasePath)
        let ids = try await side.read { db in try String.fetchAll(db, sql: "SELECT request_id FROM distributions WHERE status = 'S' ORDER BY request_id") }
        let half = ids.count / 2
        let apiIds = Array(ids[..<half]), fileIds = Array(ids[half..<(2 * half)])

        // The anchor first, on a copy: the same rows, the raw floor.
        let anchorPath = directory.appendingPathComponent("anchor.sqlite").path
        try side.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [anchorPath]) }
        try side.close()
        let anchorSeconds = try await anchor(path: anchorPath, requestIds: apiIds)

        // The API: an HTTP server of this runtime on a free loopback port.
        let port = try freePort()
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry(), port: port)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(120))))
        var apiSeconds = 0.0
        var tally: [String: Int] = [:]
        let server = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await waitForPort(port)
            let batches = stride(from: 0, to: apiIds.count, by: 500).map { Array(apiIds[$0..<min($0 + 500, apiIds.count)]) }
            let bodies = batches.enumerated().map { b, chunk in
                "[" + chunk.enumerated().map { i, id in
                    #"{"updateId":"api-\#(b)-\#(i)","requestId":"\#(id)","status":"delivered","at":"2026-12-07T09:00:00Z"}"#
                }.joined(separator: ",") + "]"
            }
            let start = Date()
            let counts = try await withThrowingTaskGroup(of: [String: Int].self) { posts in
                var next = 0
                var merged: [String: Int] = [:]
                func post(_ body: String) async throws -> [String: Int] {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/status-updates")
                    request.method = .POST
                    request.headers.add(name: "Authorization", value: "Bearer bench-status-key")
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                    let response = try await client.execute(request, timeout: .seconds(120))
                    let bytes = try await response.body.collect(upTo: 16 << 20)
                    guard response.status == .ok else { throw HeraldError.internalError("status updates answered \(response.status.code)") }
                    let items = (try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                    return items.reduce(into: [:]) { $0["api." + ($1["result"] as? String ?? "?"), default: 0] += 1 }
                }
                while next < bodies.count && next < 4 { let b = bodies[next]; posts.addTask { try await post(b) }; next += 1 }
                for try await c in posts {
                    merged.merge(c, uniquingKeysWith: +)
                    if next < bodies.count { let b = bodies[next]; posts.addTask { try await post(b) }; next += 1 }
                }
                return merged
            }
            apiSeconds = Date().timeIntervalSince(start)
            tally.merge(counts, uniquingKeysWith: +)
            try await client.shutdown()
            await server.triggerGracefulShutdown()
            try await group.waitForAll()
        }

        // Files: NDJSON of 500 each, then one scan.
        let inbound = directory.appendingPathComponent("inbound/status")
        try FileManager.default.createDirectory(at: inbound, withIntermediateDirectories: true)
        for (f, start) in stride(from: 0, to: fileIds.count, by: 500).enumerated() {
            let lines = fileIds[start..<min(start + 500, fileIds.count)].enumerated().map { i, id in
                #"{"updateId":"file-\#(f)-\#(i)","requestId":"\#(id)","status":"delivered","at":"2026-12-07T09:00:00Z"}"#
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: inbound.appendingPathComponent(String(format: "bench-%05d.ndjson", f)))
        }
        let folder = runtime.statusFolder()
        let fileStart = Date()
        let outcomes = await folder.scan()
        let fileSeconds = Date().timeIntervalSince(fileStart)
        for outcome in outcomes {
            if case .processed(_, let applied, let problems) = outcome {
                tally["files.applied", default: 0] += applied
                tally["files.problems", default: 0] += problems
            } else {
                tally["files.notProcessed", default: 0] += 1
            }
        }
        let callbacks = try await callbackPhase(runtime: runtime, requestIds: apiIds, directory: directory, logger: logger)
        return Result(count: 2 * half, apiSeconds: apiSeconds, fileSeconds: fileSeconds, anchorSeconds: anchorSeconds,
                      peakRSSBytes: PipelineBenchmark.peakRSS(), results: tally, callbacks: callbacks)
    }

    /// One subscriber (a local ``WebhookSink``) to distribution changes; the comms of
    /// `requestIds` reported `read` (500 per call of the store, as the API does), each change
    /// writing its outbox row; then the callback stage (``CallbackDeliverer`` as `herald serve`
    /// runs it: `pipeline.batches.in.flight` loops of 500) delivers them all, timed; the anchor
    /// is `wrk` posting one of the same signed bodies to the same sink, as many connections as
    /// callbacks in flight.
    static func callbackPhase(runtime: HeraldRuntime, requestIds: [String], directory: URL, logger: Logger) async throws -> Result.CallbackPhase {
        let sink = try await WebhookSink.start(threads: 1, keep: 200)
        let url = "http://127.0.0.1:\(sink.port)/hooks/status"
        let secret = WebhookSubscription.makeSecret()
        try await runtime.store.addWebhookSubscription(WebhookSubscription(
            id: "wsub_bench", url: url, secret: secret, events: [.distributionStatus], origin: .api, createdAt: Date()))
        let updateStart = Date()
        for (b, start) in stride(from: 0, to: requestIds.count, by: 500).enumerated() {
            let updates = try requestIds[start..<min(start + 500, requestIds.count)].enumerated().map { i, id in
                try StatusUpdateInput.parse(["updateId": "read-\(b)-\(i)", "requestId": id, "status": "read", "at": "2026-12-07T10:00:00Z"],
                                            position: "[\(i)]")
            }
            _ = try await runtime.store.applyStatusUpdates(updates, scope: "bench", actor: "system:BENCH", permit: nil)
        }
        let updateSeconds = Date().timeIntervalSince(updateStart)
        let waiting = try await runtime.store.callbackDeliveries(status: .waiting, subscriptionId: "wsub_bench", limit: 1, cursor: nil)
        guard !waiting.items.isEmpty else { throw HeraldError.internalError("the read updates wrote no callbacks") }

        // The callback stage as serve runs it, until nothing waits.
        let concurrency = runtime.settings.callbacks.concurrency
        let deliverer = runtime.callbackDeliverer()
        let deliveryStart = Date()
        let group = ServiceGroup(configuration: .init(services: [deliverer], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while sink.requests < requestIds.count {
                try await Task.sleep(for: .milliseconds(20))
                if Date().timeIntervalSince(deliveryStart) > 600 { break }
                // A refused or failing sink shows as retries: stop rather than wait them out.
                let retrying = try await runtime.store.callbackDeliveries(status: .waiting, subscriptionId: "wsub_bench", limit: 1, cursor: nil)
                if let first = retrying.items.first, first.attempts > 0 {
                    await group.triggerGracefulShutdown()
                    throw HeraldError.internalError("callbacks fail: \(first.lastError ?? "?")")
                }
            }
            // The last batch's commit.
            while try await !runtime.store.callbackDeliveries(status: .waiting, subscriptionId: "wsub_bench", limit: 1, cursor: nil).items.isEmpty {
                try await Task.sleep(for: .milliseconds(5))
                if Date().timeIntervalSince(deliveryStart) > 600 { break }
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let deliverySeconds = Date().timeIntervalSince(deliveryStart)
        var delivered = 0
        var cursor: String?
        repeat {
            let page = try await runtime.store.callbackDeliveries(status: .delivered, subscriptionId: "wsub_bench", limit: 500, cursor: cursor)
            delivered += page.items.count
            cursor = page.nextCursor
        } while cursor != nil

        // Every kept request carries a good signature.
        let verifier = WebhookVerifier(secret: try WebhookSecret(secret))
        var verified = 0, bad = 0
        for kept in sink.kept {
            if (try? verifier.verify(body: kept.body, headers: kept.headers)) != nil { verified += 1 } else { bad += 1 }
        }
        // The anchor: one of those requests replayed by wrk.
        guard let sample = sink.kept.first else { throw HeraldError.internalError("the sink kept no callback") }
        let headers = sample.headers.filter { ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"].contains($0.key.lowercased()) }
            .map { ($0.key, $0.value) }
        let script = directory.appendingPathComponent("callbacks.lua")
        try Data(WebhookBenchmark.wrkScript(body: sample.body, headers: headers).utf8).write(to: script)
        let wrk = try await Wrk.run(url: url, script: script, connections: concurrency, seconds: 5)
        await sink.stop()
        return .init(count: requestIds.count, updateSeconds: updateSeconds, deliverySeconds: deliverySeconds, delivered: delivered,
                     verified: verified, verificationFailures: bad, concurrency: concurrency, wrkRequestsPerSecond: wrk.requestsPerSecond,
                     wrkErrors: wrk.socketErrors + wrk.nonSuccess)
    }

    /// The raw floor: per update one UPDATE of the distribution and one history INSERT, 500 per
    /// transaction, cached statements.
    static func anchor(path: String, requestIds: [String]) async throws -> TimeInterval {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: config)
        let start = Date()
        var done = 0
        while done < requestIds.count {
            let chunk = requestIds[done..<min(done + 500, requestIds.count)]
            try await pool.write { db in
                let update = try db.cachedStatement(sql: "UPDATE distributions SET status = 'V', updated_at = ? WHERE request_id = ? AND status = 'S'")
                let history = try db.cachedStatement(sql: """
                    INSERT INTO status_history (request_id, entity, from_status, to_status, at, actor, reason) VALUES (?, 'distribution', 'sent', 'delivered', ?, 'anchor', NULL)
                    """)
                for id in chunk {
                    try update.execute(arguments: [1, id])
                    try history.execute(arguments: [id, 1])
                }
            }
            done += chunk.count
        }
        return Date().timeIntervalSince(start)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &addr) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                guard bind(fd, sa, len) == 0, getsockname(fd, sa, &len) == 0 else { throw HeraldError.internalError("no free port") }
            }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func waitForPort(_ port: Int) async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            request.method = .GET
            if let r = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HeraldError.internalError("the bench server did not start")
    }
}
