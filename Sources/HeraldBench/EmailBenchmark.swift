import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import ServiceLifecycle

/// `herald bench email --count N`: N realistic WELCOME emails (HTML + text, the inline logo,
/// DKIM-signed with an Ed25519 key made for the run when `openssl` is there) through the whole
/// path — trigger, Comms Monitor, Email Monitor (merge, MIME, sign, store), email sender
/// (SMTP, record `sent`) — into Postfix's `smtp-sink` on loopback, started and stopped by the
/// bench. The anchor, in the same run and into the same sink: Postfix's `smtp-source` sending
/// the same number of messages of the same size over 10 sessions **reused for many messages**
/// (`-d`), as Herald reuses its sessions — the tool's fastest mode doing the same work — twice
/// (after Herald's end-to-end pass and after the stages-alone pass; the ratio uses both runs
/// together). smtp-source with one message per session is shown for comparison (the anchor
/// before 2026-12-07, a weaker one: it pays a TCP and SMTP handshake per message that Herald
/// does not). Reports msgs/s for all, the ratio, peak RSS, and optionally (`rsa`) a second run
/// signed with RSA-2048.
public enum EmailBenchmark {
    /// One pass of Herald's email path.
    struct Pass {
        var label: String
        var sent: Int
        /// First trigger → last `sent_at`.
        var seconds: Double
        /// First → last `sent_at` (the email sender's span, overlapping the earlier stages).
        var sendSpan: Double
        /// Comms Monitor, Email Monitor, email sender, each run alone (staged passes only).
        var stageSeconds: [Double]
        /// CPU seconds (user + system) of the whole process during each stage run alone.
        var stageCPU: [Double] = []
        /// CPU seconds of the process during the pass.
        var cpu: Double = 0
        var averageSize: Int
        var statuses: [String: Int]
    }

    /// Runs the measurements and returns a printable report. `connections` is
    /// `HERALD_SMTP_CONNECTIONS` for Herald's runs (smtp-source always uses 10 sessions).
    public static func run(count: Int, connections: Int = 10, rsa: Bool = false, directory parent: URL, logger: Logger) async throws -> String {
        let work = parent.appendingPathComponent("email-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let sink = try await PostfixBenchTools.startSink()
        defer { sink.stop() }

        let edKey = work.appendingPathComponent("dkim-ed25519.pem").path
        let signed = PostfixBenchTools.generateKey(["-algorithm", "ed25519"], path: edKey)
        let herald = try await pass(label: signed ? "ed25519-sha256" : "unsigned (no openssl)", port: sink.port, count: count,
                                    connections: connections, keyFile: signed ? edKey : nil, parent: work, logger: logger)
        let size = max(herald.averageSize, 1)
        // The anchor runs twice, right after Herald's end-to-end pass and after the stages-alone
        // pass, and the ratio uses the mean: the machine's speed drifts between minutes, and
        // one smtp-source run alone moved the ratio by ±0.08.
        let sourceFirst = try await PostfixBenchTools.runSource(port: sink.port, sessions: 10, count: count, size: size, reuse: true)
        let staged = try await pass(label: "stages alone", port: sink.port, count: count, connections: connections,
                                    keyFile: signed ? edKey : nil, staged: true, parent: work, logger: logger)
        let sourceSecond = try await PostfixBenchTools.runSource(port: sink.port, sessions: 10, count: count, size: size, reuse: true)
        let source = (sourceFirst + sourceSecond) / 2  // seconds: the rate is both runs' messages over both runs' time
        let sourcePerMessage = try await PostfixBenchTools.runSource(port: sink.port, sessions: 10, count: count, size: size, reuse: false)

        var rsaPass: Pass?
        if rsa {
            let rsaKey = work.appendingPathComponent("dkim-rsa.pem").path
            if PostfixBenchTools.generateKey(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], path: rsaKey) {
                rsaPass = try await pass(label: "rsa-sha256 (2048)", port: sink.port, count: count, connections: connections,
                                         keyFile: rsaKey, parent: work, logger: logger)
            }
        }

        func rate(_ n: Int, _ s: Double) -> Double { s > 0 ? Double(n) / s : 0 }
        func f(_ v: Double) -> String { String(format: "%.0f", v) }
        let sourceRate = rate(count, source)
        var lines = [
            "email bench — \(count) WELCOME emails (the sample catalog's HTML + text, ~\(size) bytes) into Postfix smtp-sink on loopback, "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores, HERALD_SMTP_CONNECTIONS=\(connections)",
        ]
        for p in [herald] + (rsaPass.map { [$0] } ?? []) {
            lines.append("  herald \(p.label.padding(toLength: 22, withPad: " ", startingAt: 0)) \(f(rate(p.sent, p.seconds))) msgs/s end to end "
                         + "(\(p.sent) sent in \(String(format: "%.2f", p.seconds)) s; sender span \(String(format: "%.2f", p.sendSpan)) s); "
                         + "ratio to smtp-source \(String(format: "%.2f", rate(p.sent, p.seconds) / max(sourceRate, 1e-9))) "
                         + "(\(String(format: "%.2f", rate(p.sent, p.seconds) / max(rate(count, sourcePerMessage), 1e-9))) to one message per session)")
            if p.sent != count {
                lines.append("    statuses: " + p.statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
        let names = ["comms monitor", "email monitor (merge, MIME, \(signed ? "sign, " : "")store)", "email sender (SMTP, record)"]
        for (i, (name, seconds)) in zip(names, staged.stageSeconds).enumerated() {
            let cpu = i < staged.stageCPU.count ? String(format: ", %.0f µs CPU/msg", staged.stageCPU[i] / Double(count) * 1e6) : ""
            lines.append("    alone: \(name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(f(rate(count, seconds))) msgs/s\(cpu)")
        }
        lines.append("    herald CPU end to end: \(String(format: "%.0f", herald.cpu / Double(max(herald.sent, 1)) * 1e6)) µs/msg (user + system, all threads)")
        lines += [
            "  smtp-source -s 10 -d -l \(size) \(f(sourceRate)) msgs/s (sessions reused, as Herald's: the anchor; "
                + "runs of \(f(rate(count, sourceFirst))) and \(f(rate(count, sourceSecond))))",
            "  smtp-source -s 10              \(f(rate(count, sourcePerMessage))) msgs/s (one message per session, for comparison)",
            "  peak RSS                       \(PipelineBenchmark.peakRSS() / 1_048_576) MiB",
        ]
        if rsa && rsaPass == nil { lines.append("  rsa-sha256: skipped (openssl could not make an RSA key)") }
        return lines.joined(separator: "\n")
    }

    /// One run of the whole email path in a fresh data folder, configured through the same
    /// `HERALD_*` settings `herald serve` reads.
    static func pass(label: String, port: Int, count: Int, connections: Int, keyFile: String?, staged: Bool = false, parent: URL,
                     logger: Logger) async throws -> Pass {
        let directory = parent.appendingPathComponent("data-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SampleCatalog.write(to: directory.appendingPathComponent("catalog"))
        var environment = [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": "\(port)", "HERALD_SMTP_TLS": "none",
            "HERALD_SMTP_CONNECTIONS": "\(connections)", "HERALD_LOG_LEVEL": "warning",
        ]
        // Pipeline tuning (`HERALD_PIPELINE_BATCH_SIZE`, `HERALD_PIPELINE_BATCHES_IN_FLIGHT`) is
        // taken from the bench's own environment, to compare settings.
        for (key, value) in ProcessInfo.processInfo.environment where key.hasPrefix("HERALD_PIPELINE_") { environment[key] = value }
        if let keyFile {
            environment["HERALD_DKIM_DOMAIN"] = "herald.example"
            environment["HERALD_DKIM_SELECTOR"] = "bench"
            environment["HERALD_DKIM_KEY_FILE"] = keyFile
        }
        let settings = try await HeraldSettings.load(dataDir: directory.path, environment: environment)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        let customers = min(1000, max(1, count))
        for i in 0..<customers {
            try await runtime.store.upsertCustomer(Customer(
                id: String(format: "C-%05d", i), firstName: "Zoë", lastName: "Customer \(i)", language: "en", timeZone: "UTC",
                email: String(format: "customer%05d@herald.test", i), preferences: Preferences(preferredMethods: [.email])))
        }
        var stages: [Double] = []
        var stageCPU: [Double] = []
        let cpuAtStart = processCPUSeconds()
        if staged {
            // Each stage alone, one after the other: where the time goes.
            try await submit(count: count, customers: customers, runtime: runtime)
            func timed(_ run: () async throws -> Double) async rethrows {
                let before = processCPUSeconds()
                stages.append(try await run())
                stageCPU.append(processCPUSeconds() - before)
            }
            try await timed { try await drive([runtime.commsMonitor()], runtime: runtime, logger: logger, until: { $0 == .monitor }) }
            try await timed { try await drive([runtime.mergeMonitor(.email)], runtime: runtime, logger: logger, until: { $0 == .merge(.email) }) }
            try await timed {
                try await drive(runtime.transportServices() + [runtime.sender(.email)], runtime: runtime, logger: logger, until: { $0 == .send(.email) })
            }
        } else {
            // All stages at once, as `herald serve` runs them.
            let services: [any Service] = runtime.transportServices()
                + [runtime.commsMonitor(), runtime.mergeMonitor(.email), runtime.sender(.email)]
            _ = try await drive(services, runtime: runtime, logger: logger, until: { _ in true }) {
                try await submit(count: count, customers: customers, runtime: runtime)
            }
        }
        let stats = try await runtime.store.pipelineStats()
        let sent = stats.distributionStatuses["sent"] ?? 0
        let first = stats.triggered?.lowerBound ?? Date()
        let last = stats.sent?.upperBound ?? Date()
        let span = stats.sent.map { $0.upperBound.timeIntervalSince($0.lowerBound) } ?? 0
        let cpu = processCPUSeconds() - cpuAtStart
        return Pass(label: label, sent: sent, seconds: last.timeIntervalSince(first), sendSpan: span, stageSeconds: stages, stageCPU: stageCPU,
                    cpu: cpu, averageSize: averageFileSize(under: settings.documentsDirectory), statuses: stats.distributionStatuses)
    }

    /// Submits `count` WELCOME triggers in batches of 500 and rings the Comms Monitor.
    static func submit(count: Int, customers: Int, runtime: HeraldRuntime) async throws {
        var made = 0
        while made < count {
            let n = min(500, count - made)
            let now = Date()
            let submissions = (made..<(made + n)).map { i in
                TriggerSubmission(requests: [CommsRequest(
                    id: Identifier.make(now: now), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                    target: TargetRef(.customer, String(format: "C-%05d", i % customers)), fields: [:],
                    source: .api, createdBy: "bench", createdAt: now)], actor: "bench")
            }
            _ = try await runtime.store.submitBatch(submissions, idempotencyWindow: .seconds(1))
            runtime.signals.ring(.monitor)
            made += n
        }
    }

    /// Runs `services` in a `ServiceGroup` (and `feed` beside them) until no stage that
    /// `watched` selects has a waiting row, then shuts them down; returns the seconds taken.
    static func drive(_ services: [any Service], runtime: HeraldRuntime, logger: Logger, until watched: @escaping @Sendable (Stage) -> Bool,
                      feed: @escaping @Sendable () async throws -> Void = {}) async throws -> Double {
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await feed()
            for stage in [Stage.monitor, .merge(.email), .send(.email)] where watched(stage) { runtime.signals.ring(stage) }
            while true {
                let depths = try await runtime.store.queueDepths(now: Date())
                let waiting = depths.reduce(0) { $0 + (watched($1.stage) ? $1.waiting : 0) }
                if waiting == 0 { break }
                // Counting thousands of waiting rows costs the process being measured: look
                // seldom while much is left, often near the end (the stages' own timestamps,
                // not this loop, give the end-to-end figure).
                try await Task.sleep(for: .milliseconds(waiting > 2_000 ? 100 : 10))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return Date().timeIntervalSince(start)
    }

    /// User + system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The mean size of the stored `.eml` documents (what was sent), bytes.
    static func averageFileSize(under folder: URL) -> Int {
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return 0 }
        var total = 0, n = 0
        for case let url as URL in files where url.pathExtension == "pack" {
            for entry in (try? FilePack.entries(ofPackAt: url.path)) ?? [] where entry.name.hasSuffix(".eml") {
                total += entry.length
                n += 1
            }
        }
        return n == 0 ? 0 : total / n
    }
}
