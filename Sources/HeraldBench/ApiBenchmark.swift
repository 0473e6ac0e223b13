import Foundation
import GRDB
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite

/// `herald bench api [--connections 32] [--seconds 20]`: API intake as a client sees it.
///
/// Starts `herald serve` as its own process on a scratch store (the sample catalog, one customer
/// with a mobile and one account, outbox transports), then drives it with `wrk`: first
/// `GET /healthz` (the anchor: what the server answers when a request does no work), then
/// `POST /v1/comms-requests` WELCOME/sms triggers, each with its own `Idempotency-Key`. Reports
/// accepted triggers/s, p50/p99, errors, the server's CPU per accepted trigger (from
/// `/proc/<pid>/stat`), the ratio to the anchor, and how long after the load the pipeline had
/// sent every accepted trigger's SMS to the outbox.
public enum ApiBenchmark {
    /// What one run measured.
    public struct Result: Sendable {
        public var connections: Int
        var triggers: Wrk.Run
        var healthz: Wrk.Run
        /// Server CPU seconds (user + system) during the trigger load, and from its end until drained.
        public var loadCPUSeconds: Double
        public var drainCPUSeconds: Double
        public var healthzCPUSeconds: Double
        /// Requests in the store once drained (201s plus any in flight when wrk stopped).
        public var storedRequests: Int
        public var sent: Int
        public var statuses: [String: Int]
        /// Seconds from the end of the load to the last `sent_at`; nil when not everything was sent.
        public var drainSeconds: Double?
        public var drainTimeout: Double
        /// Trigger → sent over every sent comm.
        public var p50SentMilliseconds: Int64
        public var p99SentMilliseconds: Int64
        /// Exit status after SIGTERM; nil when it had to be killed.
        public var serverExit: Int32?

        /// Accepted (201) triggers per second of load.
        public var triggersPerSecond: Double { triggers.createdPerSecond }
        public var healthzPerSecond: Double { healthz.requestsPerSecond }

        /// What went wrong: errors, lost or unsent triggers, an unclean stop. Empty on a good run.
        public var problems: [String] {
            var list: [String] = []
            let errors = triggers.nonSuccess + triggers.otherSuccess + triggers.socketErrors
            if errors > 0 {
                list.append("\(errors) trigger errors (non-2xx \(triggers.nonSuccess), 2xx other than 201 \(triggers.otherSuccess), "
                            + "socket \(triggers.socketErrors))" + (triggers.firstFailure.map { "; first: \($0)" } ?? ""))
            }
            if healthz.nonSuccess + healthz.socketErrors > 0 {
                list.append("\(healthz.nonSuccess + healthz.socketErrors) /healthz errors" + (healthz.firstFailure.map { "; first: \($0)" } ?? ""))
            }
            if triggers.created == 0 { list.append("no trigger was accepted") }
            if storedRequests < triggers.created {
                list.append("\(triggers.created) triggers answered 201 but only \(storedRequests) are in the store")
            }
            if drainSeconds == nil {
                list.append("the pipeline did not send every stored trigger within \(Int(drainTimeout)) s of the load's end: "
                            + "\(sent) of \(storedRequests) sent (\(statusText))")
            }
            switch serverExit {
            case 0?: break
            case nil: list.append("herald serve did not stop within a minute of SIGTERM (killed)")
            case let status?: list.append("herald serve exited \(status) after SIGTERM")
            }
            return list
        }

        var statusText: String { statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

        /// The printable report.
        public var report: String {
            func f0(_ v: Double) -> String { String(format: "%.0f", v) }
            func ms(_ us: Double) -> String { String(format: "%.2f ms", us / 1000) }
            func perItem(_ cpu: Double, _ n: Int) -> String { n > 0 ? f0(cpu / Double(n) * 1e6) : "n/a" }
            let t = triggers, h = healthz
            let threads = min(2, connections)
            var lines = [
                "herald bench api — WELCOME sms triggers over HTTP to `herald serve` (its own process; SQLite WAL, outbox transports), "
                    + "wrk -t\(threads) -c\(connections) on the same \(ProcessInfo.processInfo.activeProcessorCount) cores",
                "  triggers      \(f0(t.createdPerSecond)) accepted/s   (\(t.created) × 201 in \(String(format: "%.2f", t.seconds)) s; "
                    + "p50 \(ms(t.p50Microseconds)), p99 \(ms(t.p99Microseconds)); goal ≥ 10000/s, p99 < 25 ms)",
                "  errors        \(t.nonSuccess + t.otherSuccess + t.socketErrors) (non-2xx \(t.nonSuccess), other 2xx \(t.otherSuccess); "
                    + "socket: connect \(t.connectErrors), read \(t.readErrors), write \(t.writeErrors), timeout \(t.timeouts))",
                "  server CPU    \(perItem(loadCPUSeconds, t.created)) µs per accepted trigger during the load "
                    + "(+ \(perItem(drainCPUSeconds, t.created)) µs per trigger draining the pipeline after it)",
                "  anchor        GET /healthz \(f0(h.requestsPerSecond)) req/s (wrk -t\(threads) -c\(connections) -d\(Int(h.seconds.rounded()))s, "
                    + "the same server's ceiling; p50 \(ms(h.p50Microseconds)), p99 \(ms(h.p99Microseconds)); "
                    + "\(perItem(healthzCPUSeconds, h.requests)) µs CPU per request)",
                "  ratio         triggers/s ÷ healthz req/s = \(String(format: "%.3f", t.createdPerSecond / max(h.requestsPerSecond, 1e-9)))",
                "  pipeline      \(storedRequests) requests stored (\(t.created) answered 201, "
                    + "\(max(0, storedRequests - t.created)) in flight when wrk stopped), \(sent) sms sent to the outbox; "
                    + (drainSeconds.map { "last sent \(String(format: "%.2f", $0)) s after the load ended" } ?? "NOT drained (\(statusText))"),
                "                trigger → sent p50 \(p50SentMilliseconds) ms, p99 \(p99SentMilliseconds) ms",
            ]
            let problems = problems
            if !problems.isEmpty { lines += ["  PROBLEMS"] + problems.map { "    - \($0)" } }
            return lines.joined(separator: "\n")
        }
    }

    static let apiKey = "bench-admin-key"
    static let customerId = "C-BENCH"
    static let accountId = "A-BENCH"

    /// Runs `executable serve` in a fresh folder under `parent` (removed afterwards), loads it
    /// for `seconds` with `connections` connections and waits up to `drainTimeout` seconds after
    /// the load for the pipeline to send everything.
    public static func run(connections: Int, seconds: Int, executable: URL, directory parent: URL,
                           drainTimeout: Double = 120) async throws -> Result {
        guard PostfixBenchTools.find("wrk") != nil else {
            throw Wrk.Failure(description: "wrk not found: install Debian's wrk package (apt-get install -y wrk)")
        }
        let work = parent.appendingPathComponent("api-run-\(Identifier.make())")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let settings = HeraldSettings(dataDirectory: data)
        try SampleCatalog.write(to: settings.catalogDirectory)

        let port = try PostfixBenchTools.freePort()
        // Outbox transports and defaults: no HERALD_* of the caller's, except the pipeline and
        // SQLite tuning (to compare settings).
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("HERALD_") || key.hasPrefix("HERALD_PIPELINE_") || key.hasPrefix("HERALD_SQLITE_")
        }
        environment["HERALD_DATA_DIR"] = data.path
        environment["HERALD_HTTP_HOST"] = "127.0.0.1"
        environment["HERALD_HTTP_PORT"] = "\(port)"
        environment["HERALD_ADMIN_API_KEY"] = apiKey
        environment["HERALD_LOG_LEVEL"] = "warning"
        let server = try await ServeProcess.start(executable: executable, environment: environment, port: port,
                                                  log: work.appendingPathComponent("serve.log"))
        defer { server.forceStop() }
        do {
            return try await measure(server: server, connections: connections, seconds: seconds, work: work,
                                     databasePath: settings.databasePath, drainTimeout: drainTimeout)
        } catch {
            throw Wrk.Failure(description: "\(error)\nherald serve's log ends:\n\(server.logTail())")
        }
    }

    static func measure(server: ServeProcess, connections: Int, seconds: Int, work: URL, databasePath: String,
                        drainTimeout: Double) async throws -> Result {
        let port = server.port
        let auth = [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")]
        for (path, body) in [
            ("/v1/customers/\(customerId)",
             #"{"firstName":"Ada","lastName":"Bench","language":"en","timeZone":"UTC","mobile":"+447700900123"}"#),
            ("/v1/accounts/\(accountId)", #"{"customerId":"\#(customerId)","currency":"GBP","amountDue":"0.00"}"#),
        ] {
            let response = try LoopbackHTTP.request(port: port, method: "PUT", path: path, headers: auth, body: body)
            guard response.status == 201 else {
                throw Wrk.Failure(description: "PUT \(path) answered \(response.status): \(response.body)")
            }
        }

        let summaryScript = work.appendingPathComponent("summary.lua")
        try Wrk.summaryScript.write(to: summaryScript, atomically: true, encoding: .utf8)
        let triggerScript = work.appendingPathComponent("triggers.lua")
        let run = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try Wrk.triggerScript(path: "/v1/comms-requests",
                              body: #"{"commsCode":"WELCOME","accountId":"\#(accountId)","deliveryMethod":"sms"}"#,
                              apiKey: apiKey, run: "bench-\(run)").write(to: triggerScript, atomically: true, encoding: .utf8)
        let base = "http://127.0.0.1:\(port)"

        // The anchor first, on the empty pipeline: the server's ceiling for a request that does no work.
        let healthzStart = server.cpuSeconds()
        let healthz = try await Wrk.run(url: base + "/healthz", script: summaryScript, connections: connections, seconds: min(5, seconds))
        let healthzCPU = server.cpuSeconds() - healthzStart

        let loadStart = server.cpuSeconds()
        let triggers = try await Wrk.run(url: base + "/v1/comms-requests", script: triggerScript, connections: connections, seconds: seconds)
        let loadEnd = Date()
        let loadCPU = server.cpuSeconds() - loadStart

        let drained = try await waitForPipeline(databasePath: databasePath, accepted: triggers.created, since: loadEnd, timeout: drainTimeout)
        let drainCPU = server.cpuSeconds() - loadStart - loadCPU
        let exit = await server.stop()
        let lat = drained.stats.latenciesMilliseconds
        func pct(_ p: Double) -> Int64 { lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(Double(lat.count) * p))] }
        return Result(
            connections: connections, triggers: triggers, healthz: healthz, loadCPUSeconds: loadCPU, drainCPUSeconds: drainCPU,
            healthzCPUSeconds: healthzCPU, storedRequests: drained.stored, sent: drained.sent, statuses: drained.stats.distributionStatuses,
            drainSeconds: drained.done ? max(0, (drained.stats.sent?.upperBound ?? loadEnd).timeIntervalSince(loadEnd)) : nil,
            drainTimeout: drainTimeout, p50SentMilliseconds: pct(0.5), p99SentMilliseconds: pct(0.99), serverExit: exit)
    }

    /// Reads the server's database (a second connection; WAL readers do not block its writer)
    /// until every queue is empty and every stored request has its SMS sent, or `timeout`
    /// seconds after `since`.
    static func waitForPipeline(databasePath: String, accepted: Int, since: Date, timeout: Double) async throws
        -> (done: Bool, stored: Int, sent: Int, stats: PipelineStats)
    {
        let store = try SQLiteStore(path: databasePath)
        var readOnly = GRDB.Configuration()
        readOnly.readonly = true
        let reader = try DatabaseQueue(path: databasePath, configuration: readOnly)
        func storedRequests() throws -> Int {
            try reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM comms_requests") ?? 0 }
        }
        let deadline = since.addingTimeInterval(timeout)
        while true {
            // Queue depths come from partial indexes: cheap to ask often while the server drains.
            if try await store.queueDepths(now: Date()).allSatisfy({ $0.waiting == 0 }) {
                let stored = try storedRequests()
                let stats = try await store.pipelineStats()
                let sent = stats.distributionStatuses["sent"] ?? 0
                if sent >= stored && stored >= accepted { return (true, stored, sent, stats) }
            }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let stats = try await store.pipelineStats()
        return (false, try storedRequests(), stats.distributionStatuses["sent"] ?? 0, stats)
    }
}
