import Foundation
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
        let customers = min(1000, max(1, count))
        for i in 0..<customers {
            let id = String(format: "C-%05d", i)
            try await runtime.store.upsertCustomer(Customer(id: id, firstName: "Customer", lastName: "\(i)", language: "en", timeZone: "UTC",
                                                            mobile: String(format: "+4477009%05d", i), preferences: Preferences(preferredMethods: [.sms])))
            try await runtime.store.upsertSubscription(Subscription(id: String(format: "S-%05d", i), customerId: id,
                                                                    msisdn: String(format: "+4477009%05d", i), plan: "Data 10GB"))
        }
        let services: [any Service] = runtime.transportServices() + [runtime.commsMonitor(), runtime.sender(.sms)]
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var made = 0
            while made < count {
                let n = min(500, count - made)
                let now = Date()
                let submissions = (made..<(made + n)).map { i in
                    TriggerSubmission(requests: [CommsRequest(
                        id: Identifier.make(now: now), commsCode: "DATA_80", priority: 2, status: .awaitingProcessing,
                        target: TargetRef(.subscription, String(format: "S-%05d", i % customers)), fields: ["PERCENT": "80"],
                        source: .api, createdBy: "bench", createdAt: now)], actor: "bench")
                }
                _ = try await runtime.store.submitBatch(submissions, idempotencyWindow: .seconds(1))
                runtime.signals.ring(.monitor)
                made += n
            }
            while true {
                let depths = try await runtime.store.queueDepths(now: Date())
                if depths.allSatisfy({ $0.waiting == 0 }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let seconds = Date().timeIntervalSince(start)
        let stats = try await runtime.store.pipelineStats()
        return (stats.distributionStatuses["sent"] ?? stats.distributionStatuses["S"] ?? 0, seconds)
    }
}
