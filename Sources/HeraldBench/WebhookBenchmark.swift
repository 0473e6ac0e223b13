import Foundation
import HeraldCore
import HeraldTransports
import Logging
import StandardWebhooks
import Synchronization

/// `herald bench webhook`: the ``WebhookTransmitter`` posting `count` signed webhooks to an
/// in-process HTTP/1.1 ``WebhookSink`` (keep-alive) over `connections` concurrent requests —
/// webhooks/s and p99 — and, in the same run, `wrk` posting the same body with the same headers
/// to the same sink over the same number of connections: the anchor. The first requests the
/// sink kept are verified with the system's secret afterwards.
public enum WebhookBenchmark {
    /// What the run measured.
    public struct Result: Sendable {
        public var count: Int
        public var connections: Int
        public var seconds: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var failures: Int
        public var firstFailure: String?
        public var verified: Int
        public var verificationFailures: Int
        public var wrkRequestsPerSecond: Double
        public var wrkP99Milliseconds: Double
        public var wrkErrors: Int
        public var wrkSeconds: Double

        public var webhooksPerSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }
        public var ratio: Double { wrkRequestsPerSecond > 0 ? webhooksPerSecond / wrkRequestsPerSecond : 0 }

        /// Problems that make the run fail: failed sends, bad signatures, wrk errors.
        public var problems: [String] {
            var out: [String] = []
            if failures > 0 { out.append("\(failures) webhooks failed, first: \(firstFailure ?? "?")") }
            if verificationFailures > 0 || verified == 0 { out.append("\(verificationFailures) of \(verified + verificationFailures) kept requests failed verification") }
            if wrkErrors > 0 { out.append("wrk saw \(wrkErrors) errors") }
            return out
        }

        public var report: String {
            func f0(_ v: Double) -> String { String(format: "%.0f", v) }
            func f2(_ v: Double) -> String { String(format: "%.2f", v) }
            return """
                webhook bench (in-process HTTP/1.1 sink, keep-alive, \(connections) connections, \(ProcessInfo.processInfo.activeProcessorCount) cores)
                  herald        \(f0(webhooksPerSecond)) webhooks/s (\(count) signed webhooks in \(f2(seconds)) s), p50 \(f2(p50Milliseconds)) ms, p99 \(f2(p99Milliseconds)) ms
                  anchor (wrk)  \(f0(wrkRequestsPerSecond)) req/s (same body and headers, wrk -t\(min(2, connections)) -c\(connections) -d\(Int(wrkSeconds.rounded()))s), p99 \(f2(wrkP99Milliseconds)) ms
                  ratio         \(f2(ratio))× wrk (goal ≥ 0.7×)
                  signatures    \(verified) kept requests verified with the system's secret\(verificationFailures > 0 ? ", \(verificationFailures) FAILED" : "")
                """ + (problems.isEmpty ? "" : "\n  problems      " + problems.joined(separator: "; "))
        }
    }

    /// Runs the measurement.
    public static func run(count: Int, connections: Int, wrkSeconds: Int, directory parent: URL, logger: Logger) async throws -> Result {
        let directory = parent.appendingPathComponent("webhook-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try await WebhookSink.start(threads: 1, keep: 200)
        let url = "http://127.0.0.1:\(sink.port)/hooks/herald"
        let secret = WebhookSecret.generate()
        let system = ExternalSystem(name: "PORTAL", url: url, secret: secret, timeout: .seconds(30), concurrency: connections)
        let transmitter = WebhookTransmitter(systems: ExternalSystems([system]), allowPrivateTargets: true, logger: logger) { _ in "PORTAL" }
        let transmissions = (0..<count).map(transmission)

        // Warm the connections up (not measured).
        _ = await transmitter.transmit(Array(transmissions.prefix(connections)))

        let latencies = LatencyLog(capacity: count)
        let next = NextIndex()
        let failures = FailureLog()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    while let i = next.take(below: count) {
                        let t0 = ContinuousClock.now
                        let outcome = await transmitter.transmit(one: transmissions[i])
                        latencies.record(ContinuousClock.now - t0)
                        if case .failed(let f) = outcome { failures.record(f.description) }
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - started

        // Verify what the sink kept (after the warm-up requests, which it kept too).
        let verifier = WebhookVerifier(secret: secret)
        var verified = 0, bad = 0
        for kept in sink.kept {
            do {
                try verifier.verify(body: kept.body, headers: kept.headers)
                verified += 1
            } catch {
                bad += 1
            }
        }

        // The anchor: the same body and headers, one signed request replayed by wrk.
        let sample = transmissions[0]
        let body = ExternalCommPayload(sample, system: "PORTAL").json()
        var headers: [(String, String)] = [("Content-Type", "application/json"), ("Accept", "application/json"),
                                           ("User-Agent", "Herald-Webhooks/1")]
        headers += WebhookSigner(secret: secret).headers(id: WebhookTransmitter.messageID(of: sample.distribution), body: body)
            .map { ($0.name, $0.value) }
        let script = directory.appendingPathComponent("webhook.lua")
        try Data(wrkScript(body: body, headers: headers).utf8).write(to: script)
        let wrk = try await Wrk.run(url: url, script: script, connections: connections, seconds: wrkSeconds)
        await sink.stop()

        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let d = sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let log = failures.snapshot()
        return Result(count: count, connections: connections, seconds: seconds, p50Milliseconds: percentile(0.50),
                      p99Milliseconds: percentile(0.99), failures: log.count, firstFailure: log.first, verified: verified,
                      verificationFailures: bad, wrkRequestsPerSecond: wrk.requestsPerSecond,
                      wrkP99Milliseconds: wrk.p99Microseconds / 1000, wrkErrors: wrk.socketErrors + wrk.nonSuccess,
                      wrkSeconds: wrk.seconds)
    }

    /// One external comm as the pipeline hands it over.
    static func transmission(_ i: Int) -> Transmission {
        let now = Date()
        let request = CommsRequest(id: "bench-req-\(i)", commsCode: "PORTING_NOTICE", priority: 2, status: .processed,
                                   target: TargetRef(.customer, "C\(i)"), source: .api, createdBy: "bench", createdAt: now)
        let d = Distribution(id: "bench-dist-\(i)", requestId: request.id, method: .external, target: "C\(i)", status: .awaitingDistribution,
                             message: "NOTICE=PORTING_OUT\nCUSTOMERID=C\(i)\nMSISDN=4477009\(String(format: "%05d", i % 100_000))\nPORTDATE=2026-12-24",
                             fields: ["CUSTOMERID": "C\(i)", "MSISDN": "4477009\(String(format: "%05d", i % 100_000))", "FULLNAME": "Pat Example",
                                      "PORTDATE": "2026-12-24", "RECIPIENTNETWORK": "Example Mobile"],
                             language: "en", createdAt: now)
        return Transmission(request: request, distribution: d)
    }

    /// A static request (wrk's fast path) with the summary line of `Wrk`.
    static func wrkScript(body: [UInt8], headers: [(String, String)]) -> String {
        let headerLines = headers.map { "wrk.headers[\"\($0.0)\"] = \"\($0.1)\"" }.joined(separator: "\n")
        return """
            -- herald bench webhook: the same signed POST, replayed.
            \(Wrk.setupFunction)
            wrk.method = "POST"
            wrk.body = [==[\(String(decoding: body, as: UTF8.self))]==]
            \(headerLines)
            \(Wrk.doneFunction)
            """
    }
}

/// Hands out indices 0..<n to the bench's workers.
final class NextIndex: Sendable {
    private let next = Mutex(0)
    func take(below n: Int) -> Int? {
        next.withLock { i in
            guard i < n else { return nil }
            defer { i += 1 }
            return i
        }
    }
}

/// Request latencies.
final class LatencyLog: Sendable {
    private let values: Mutex<[Duration]>
    init(capacity: Int) {
        var v: [Duration] = []
        v.reserveCapacity(capacity)
        values = Mutex(v)
    }
    func record(_ d: Duration) { values.withLock { $0.append(d) } }
    func sorted() -> [Duration] { values.withLock { $0.sorted() } }
}

/// Failed sends' texts.
final class FailureLog: Sendable {
    private let values = Mutex<[String]>([])
    func record(_ text: String) { values.withLock { $0.append(text) } }
    func snapshot() -> [String] { values.withLock { $0 } }
}
