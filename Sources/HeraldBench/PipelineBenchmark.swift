import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import ServiceLifecycle

/// `herald bench pipeline --count N`: triggers through the store, the Comms Monitor and the
/// SMS/push outbox senders, all running concurrently as they do in `herald serve`.
///
/// Reports comms/s end to end (first trigger to last sent) and per stage, p50/p99
/// trigger-to-sent latency and peak RSS. The anchor, measured in the same run, is the storage
/// floor: bare batched SQLite inserts of the same number of rows plus one history row each.
public enum PipelineBenchmark {
    public struct Result: Sendable {
        public var count: Int
        public var endToEndSeconds: Double
        public var triggerSeconds: Double
        public var monitorSeconds: Double
        public var sendSeconds: Double
        public var p50Milliseconds: Int64
        public var p99Milliseconds: Int64
        public var peakRSSBytes: Int
        public var anchorSeconds: Double
        public var statuses: [String: Int]

        public var report: String {
            func rate(_ s: Double) -> String { s > 0 ? String(format: "%.0f", Double(count) / s) : "n/a" }
            return """
            herald bench pipeline — \(count) comms (DATA_80, sms + push, outbox), SQLite WAL, \(ProcessInfo.processInfo.activeProcessorCount) cores
              end to end      \(rate(endToEndSeconds)) comms/s   (\(String(format: "%.2f", endToEndSeconds)) s, first trigger → last sent)
              triggers        \(rate(triggerSeconds)) comms/s   (store inserts + history, batches of 500)
              comms monitor   \(rate(monitorSeconds)) comms/s   (first → last processed)
              senders         \(rate(sendSeconds)) comms/s   (first → last sent, sms + push outbox)
              latency         p50 \(p50Milliseconds) ms, p99 \(p99Milliseconds) ms (trigger → sent)
              peak RSS        \(peakRSSBytes / 1_048_576) MiB
              anchor          raw SQLite batched insert of \(count) rows + history: \(rate(anchorSeconds)) rows/s
              ratio           end to end / anchor = \(String(format: "%.3f", anchorSeconds / max(endToEndSeconds, 1e-9)))
              statuses        \(statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            """
        }
    }

    /// Runs in a fresh folder under `parent` and removes it afterwards. (A folder emptied just
    /// before would make ext4 slow at allocating inodes for the outbox files — that would be
    /// measuring the file system's recently-deleted check, not Herald.)
    public static func run(count: Int, directory parent: URL, logger: Logger) async throws -> Result {
        let directory = parent.appendingPathComponent("run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = HeraldSettings(dataDirectory: directory)
        settings.worker.batchSize = 500
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        let customers = try await BenchLoad.seedSubscribers(runtime.store, count: count, pushTokens: true) { $0 % 2 == 0 ? [.sms] : [.push] }
        let (triggerStart, triggerEnd) = try await BenchLoad.drive(
            runtime, services: [runtime.commsMonitor(), runtime.sender(.sms), runtime.sender(.push)], count: count,
            subscribers: customers, logger: logger)
        let stats = try await runtime.store.pipelineStats()
        let anchorPath = directory.appendingPathComponent("anchor.sqlite").path
        let anchor = try await SQLiteStore.rawInsertAnchor(count: count, path: anchorPath)
        let lat = stats.latenciesMilliseconds
        func pct(_ p: Double) -> Int64 { lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(Double(lat.count) * p))] }
        func span(_ r: ClosedRange<Date>?) -> Double { r.map { $0.upperBound.timeIntervalSince($0.lowerBound) } ?? 0 }
        let firstTrigger = stats.triggered?.lowerBound ?? triggerStart
        let lastSent = stats.sent?.upperBound ?? Date()
        return Result(
            count: count, endToEndSeconds: lastSent.timeIntervalSince(firstTrigger),
            triggerSeconds: triggerEnd.timeIntervalSince(triggerStart), monitorSeconds: span(stats.processed), sendSeconds: span(stats.sent),
            p50Milliseconds: pct(0.5), p99Milliseconds: pct(0.99), peakRSSBytes: peakRSS(), anchorSeconds: anchor,
            statuses: stats.distributionStatuses)
    }

    /// VmHWM from /proc/self/status, bytes (0 where unavailable).
    static func peakRSS() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
