import Foundation
import HeraldCore
import HeraldTestSupport
import HeraldTransports
import Logging
import Push
import Synchronization

/// `herald bench push`: pushes through the APNs route — the ``APNsClient`` alone, then the
/// ``PushTransmitter`` — to an in-process HTTP/2 sink that answers like APNs
/// (``FakePushServer`` with its checks off: each request still parsed and answered), and, as
/// the anchor in the same run, `h2load` (Debian `nghttp2-client`) sending the same requests
/// (same headers, provider token and body) to the same sink over the same number of
/// connections and concurrent streams.
public enum PushBenchmark {
    /// What one run measured.
    public struct Result: Sendable {
        public var count: Int
        public var streams: Int
        public var clientPerSecond: Double
        public var clientP50Milliseconds: Double
        public var clientP99Milliseconds: Double
        public var clientConnections: Int
        public var transmitterPerSecond: Double
        public var h2loadPerSecond: Double
        public var h2loadMeanMilliseconds: Double?
        public var failures: Int
        public var peakRSS: Int

        /// The printable report.
        public var report: String {
            func f(_ v: Double) -> String { String(format: "%.0f", v) }
            func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
            let ratio = clientPerSecond / h2loadPerSecond, txRatio = transmitterPerSecond / h2loadPerSecond
            return """
                push bench (APNs route, in-process HTTP/2 TLS sink, \(count) pushes, 1 connection, \(streams) streams)
                  APNs client      \(f(clientPerSecond)) pushes/s, p50 \(ms(clientP50Milliseconds)), p99 \(ms(clientP99Milliseconds)) (\(clientConnections) connection(s))
                  PushTransmitter  \(f(transmitterPerSecond)) pushes/s (apns:<token> distributions with push.* fields)
                  h2load anchor    \(f(h2loadPerSecond)) req/s\(h2loadMeanMilliseconds.map { ", mean \(ms($0))" } ?? "") (same requests, same sink, -c 1 -m \(streams))
                  ratio            client \(String(format: "%.2f", ratio))× h2load, transmitter \(String(format: "%.2f", txRatio))× h2load (goal ≥ 0.7×)
                  failures         \(failures)
                  peak RSS         \(peakRSS / 1_048_576) MiB (the sink runs in the same process)
                """
        }
    }

    /// A refusal to run.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the three measurements.
    public static func run(count: Int, streams: Int = 100, logger: Logger) async throws -> Result {
        let h2load = try await findOrInstallH2load()
        let credentials = try PushTestCredentials()
        let server = try await FakePushServer(options: credentials.serverOptions(checks: false, record: false), threads: 1)
        try await server.start()
        do {
            let result = try await measure(count: count, streams: streams, h2load: h2load, server: server, credentials: credentials)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    static let deviceToken = String(repeating: "5a", count: 32)
    static let notification = APNsNotification(title: "Your bill is ready", body: "Your March bill of 42.17 EUR is ready to view.",
                                               badge: 1, sound: "default", customData: #"{"billId":"B-2026-03-0001"}"#)

    static func measure(count: Int, streams: Int, h2load: String, server: FakePushServer,
                        credentials: PushTestCredentials) async throws -> Result {
        // One transmitter: its APNs client is measured alone first, then the transmitter itself.
        let transmitter = try await PushTransmitter(settings: PushDirectSettings(
            apns: .init(key: credentials.apnsKeyPEM, keyID: PushTestCredentials.keyID, teamID: PushTestCredentials.teamID,
                        topic: PushTestCredentials.topic, endpoint: server.endpoint),
            caFile: server.caFile, concurrency: streams))
        do {
            let result = try await measure(count: count, streams: streams, h2load: h2load, server: server, transmitter: transmitter)
            try await transmitter.shutdown()
            return result
        } catch {
            try? await transmitter.shutdown()
            throw error
        }
    }

    static func measure(count: Int, streams: Int, h2load: String, server: FakePushServer,
                        transmitter: PushTransmitter) async throws -> Result {
        guard let client = transmitter.apnsClient else { throw Failure(description: "APNs is not configured") }
        // Warm up: the connection, the provider token, the allocator.
        _ = try await clientRun(client, count: min(2000, count), streams: streams)
        let connectionsBefore = server.connectionCount
        let (clientSeconds, latencies, clientFailures) = try await clientRun(client, count: count, streams: streams)
        let clientConnections = server.connectionCount - connectionsBefore + 1

        // The transmitter: distributions as the sender hands them over.
        let request = CommsRequest(id: "bench", commsCode: "BILL", priority: 2, status: .processed,
                                   target: TargetRef(.customer, "C1"), source: .api, createdBy: "bench", createdAt: Date())
        let fields = [PushFields.title: notification.title ?? "", PushFields.badge: "1", PushFields.sound: "default",
                      PushFields.data: notification.customData ?? ""]
        let batch = (0..<count).map { i in
            Transmission(request: request, distribution: Distribution(
                id: "d\(i)", requestId: "bench", method: .push, target: "apns:" + deviceToken, status: .awaitingDistribution,
                message: notification.body, fields: fields, language: "en", createdAt: Date()))
        }
        _ = await transmitter.transmit(Array(batch.prefix(min(2000, count))))
        let txStart = ContinuousClock.now
        let outcomes = await transmitter.transmit(batch)
        let txSeconds = seconds(ContinuousClock.now - txStart)
        let txFailures = outcomes.filter { if case .sent = $0 { false } else { true } }.count

        // The anchor: the same request with h2load.
        let token = try await client.currentProviderToken()
        let body = try notification.payload()
        let anchor = try await runH2load(h2load, url: "\(server.endpoint)/3/device/\(deviceToken)", count: count, streams: streams,
                                         headers: [
                                            "authorization": "bearer \(token)", "apns-topic": PushTestCredentials.topic,
                                            "apns-push-type": "alert", "apns-priority": "10", "apns-expiration": "0",
                                            "content-type": "application/json",
                                         ], body: body)
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return Result(count: count, streams: streams, clientPerSecond: Double(count) / clientSeconds,
                      clientP50Milliseconds: pct(0.5), clientP99Milliseconds: pct(0.99), clientConnections: clientConnections,
                      transmitterPerSecond: Double(count) / txSeconds, h2loadPerSecond: anchor.perSecond,
                      h2loadMeanMilliseconds: anchor.meanMilliseconds, failures: clientFailures + txFailures + anchor.failures,
                      peakRSS: PipelineBenchmark.peakRSS())
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// `count` pushes with `streams` in flight: seconds, latencies (ms), failures.
    static func clientRun(_ client: APNsClient, count: Int, streams: Int) async throws -> (Double, [Double], Int) {
        let next = Ticket()
        let start = ContinuousClock.now
        let (latencies, failures) = await withTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<streams {
                // As the transmitter does: the workers on the client's event loop.
                group.addTask(executorPreference: client.taskExecutor) {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(count / streams + 1)
                    var failures = 0
                    while next.take() < count {
                        let t0 = ContinuousClock.now
                        // As the transmitter does: the payload built and checked for each push.
                        let result = await client.send(notification, to: deviceToken)
                        latencies.append(seconds(ContinuousClock.now - t0) * 1000)
                        if case .sent = result {} else { failures += 1 }
                    }
                    return (latencies, failures)
                }
            }
            var all: [Double] = []
            var failures = 0
            for await (part, failed) in group {
                all += part
                failures += failed
            }
            return (all, failures)
        }
        return (seconds(ContinuousClock.now - start), latencies, failures)
    }

    /// Hands out 0, 1, 2, … to the workers.
    final class Ticket: Sendable {
        private let value = Atomic<Int>(0)
        func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
    }

    /// h2load's path; installs Debian's `nghttp2-client` when it is missing.
    static func findOrInstallH2load() async throws -> String {
        if let path = TestProcess.which("h2load") { return path }
        FileHandle.standardError.write(Data("herald bench push: installing nghttp2-client (h2load)\n".utf8))
        var result = try await TestProcess.run("apt-get", ["install", "-y", "-q", "nghttp2-client"])
        if result.status != 0 {
            _ = try await TestProcess.run("apt-get", ["update", "-q"])
            result = try await TestProcess.run("apt-get", ["install", "-y", "-q", "nghttp2-client"])
        }
        guard let path = TestProcess.which("h2load") else {
            throw Failure(description: "h2load not found and apt-get install nghttp2-client failed: \(result.errors)")
        }
        return path
    }

    /// Runs h2load with one connection and `streams` concurrent streams; its req/s and mean time.
    static func runH2load(_ h2load: String, url: String, count: Int, streams: Int, headers: [String: String], body: Data) async throws
        -> (perSecond: Double, meanMilliseconds: Double?, failures: Int)
    {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-push-bench-\(UUID().uuidString).json")
        try body.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var arguments = ["-n", String(count), "-c", "1", "-m", String(streams), "-t", "1", "-d", file.path]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        arguments.append(url)
        let result = try await TestProcess.run(h2load, arguments)
        let output = result.output
        guard result.status == 0, let finished = output.split(separator: "\n").first(where: { $0.hasPrefix("finished in") }) else {
            throw Failure(description: "h2load failed (\(result.status)): \(output.suffix(600)) \(result.errors.suffix(600))")
        }
        // "finished in 1.02s, 19607.84 req/s, 2.14MB/s"
        let parts = finished.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count >= 2, let perSecond = Double(parts[1].split(separator: " ")[0]) else {
            throw Failure(description: "h2load output not understood: \(finished)")
        }
        var failures = 0
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("status codes:") }) {
            // "status codes: 20000 2xx, 0 3xx, 0 4xx, 0 5xx"
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            if numbers.count == 4 { failures += numbers[1] + numbers[2] + numbers[3] }
            if let ok = numbers.first, ok < count { failures += count - ok - (numbers.count == 4 ? numbers[1] + numbers[2] + numbers[3] : 0) }
        }
        var mean: Double?
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("time for request:") }) {
            // "time for request:   1.02ms   9.87ms   4.91ms   1.23ms    70.00%": min max mean sd
            let values = line.dropFirst("time for request:".count).split(separator: " ").map(String.init)
            if values.count >= 3 { mean = milliseconds(values[2]) }
        }
        return (perSecond, mean, failures)
    }

    static func milliseconds(_ text: String) -> Double? {
        if text.hasSuffix("us") { return Double(text.dropLast(2)).map { $0 / 1000 } }
        if text.hasSuffix("ms") { return Double(text.dropLast(2)) }
        if text.hasSuffix("s") { return Double(text.dropLast(1)).map { $0 * 1000 } }
        return nil
    }
}
