import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import ServiceLifecycle

/// `herald bench sms`: `submit_sm`/s to an in-process ``LoopbackSMSC`` with window 1 and
/// window 64, end-to-end comms/s from trigger to `sent` through an SMPP-configured runtime,
/// and the sink's own ceiling measured in the same run as the anchor.
public enum SMSBenchmark {
    /// Runs the measurements and returns a printable report.
    public static func run(count: Int, directory parent: URL, logger: Logger) async throws -> String {
        let sink = try await LoopbackSMSC.start(.init(rejectPrefix: nil, sendReceipts: false))
        let ceiling = try await SMPPSubmitBenchmark.sinkCeiling(port: sink.port, count: count)
        let window1 = try await SMPPSubmitBenchmark.submitsPerSecond(port: sink.port, window: 1, count: min(count, 5000), logger: logger)
        let window64 = try await SMPPSubmitBenchmark.submitsPerSecond(port: sink.port, window: 64, count: count, logger: logger)
        let (comms, seconds) = try await endToEnd(port: sink.port, count: count, parent: parent, logger: logger)
        await sink.stop()
        func f(_ v: Double) -> String { String(format: "%.0f", v) }
        return """
            sms bench (loopback SMSC sink, one bind)
              sink ceiling       \(f(ceiling)) submit_sm/s (raw pipelined PDUs: the anchor)
              window 1           \(f(window1)) submit_sm/s
              window 64          \(f(window64)) submit_sm/s (goal ≥ 5000)
              end to end         \(f(Double(comms) / seconds)) comms/s to sent (\(comms) comms in \(String(format: "%.2f", seconds)) s)
            """
    }

    static func endToEnd(port: Int, count: Int, parent: URL, logger: Logger) async throws -> (Int, Double) {
        let directory = parent.appendingPathComponent("sms-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = HeraldSettings(dataDirectory: directory)
        settings.sms = SMSTransportSettings(transport: .smpp, smpp: SMPPRouteSettings(
            host: "127.0.0.1", port: port, systemID: "bench", password: "bench", sourceAddress: "Herald", window: 64))
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        let customers = try await BenchLoad.seedSubscribers(runtime.store, count: count, pushTokens: false) { _ in [.sms] }
        let (start, _) = try await BenchLoad.drive(
            runtime, services: runtime.transportServices() + [runtime.commsMonitor(), runtime.sender(.sms)], count: count,
            subscribers: customers, logger: logger)
        let seconds = Date().timeIntervalSince(start)
        let stats = try await runtime.store.pipelineStats()
        return (stats.distributionStatuses["sent"] ?? stats.distributionStatuses["S"] ?? 0, seconds)
    }
}
