import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import Logging

/// `herald bench import --lines N`: `herald import` of a generated NDJSON file, new and then
/// again (every line skipped as already imported), against the raw SQLite anchor.
///
/// The file is mostly comms requests (WELCOME, DATA_80, BILL_READY; one line in ten a DEBT/DBAR
/// workflow event), every line different, targets spread over a few thousand seeded customers,
/// accounts and subscriptions. The anchor, measured in the same run, inserts the same rows
/// (request + history + idempotency key per line) with plain batched SQL into bare tables.
public enum ImportBenchmark {
    public struct Result: Sendable {
        public var lines: Int
        public var customers: Int
        public var fileBytes: Int
        public var newSeconds: Double
        /// CPU time of the whole process (every thread) during the import.
        public var newCPUSeconds: Double
        public var new: BulkImport.Summary
        public var resumedSeconds: Double
        public var resumedCPUSeconds: Double
        public var resumed: BulkImport.Summary
        public var peakRSSBytes: Int
        public var anchorSeconds: Double

        public var report: String {
            func rate(_ s: Double) -> String { s > 0 ? String(format: "%.0f", Double(lines) / s) : "n/a" }
            func counts(_ s: BulkImport.Summary) -> String {
                "created \(s.created), skipped \(s.skipped), rejected \(s.rejectedCount)"
            }
            func cpu(_ s: Double) -> String { String(format: "%.1f µs CPU/line", s * 1e6 / Double(max(lines, 1))) }
            var text = """
            herald bench import — \(lines) NDJSON lines (\(fileBytes / 1_048_576) MiB; 9 in 10 comms requests, 1 in 10 workflow events) \
            over \(customers) customers/accounts/subscriptions, SQLite WAL, \(ProcessInfo.processInfo.activeProcessorCount) cores
              new             \(rate(newSeconds)) lines/s   (\(String(format: "%.2f", newSeconds)) s, \(cpu(newCPUSeconds)); \(counts(new)))   goal ≥ 50000
              resumed         \(rate(resumedSeconds)) lines/s   (\(String(format: "%.2f", resumedSeconds)) s, \(cpu(resumedCPUSeconds)); \(counts(resumed)))   goal ≥ 200000
              peak RSS        \(peakRSSBytes / 1_048_576) MiB   goal < 150
              anchor          raw SQLite batched insert of \(lines) requests + history + keys: \(rate(anchorSeconds)) lines/s
              ratio           new / anchor = \(String(format: "%.3f", anchorSeconds / max(newSeconds, 1e-9)))
            """
            if new.created != lines || new.rejectedCount != 0 || resumed.skipped != lines {
                text += "\n  WARNING         expected every line created, then every line skipped"
            }
            return text
        }
    }

    /// Runs in a fresh folder under `parent` and removes it afterwards.
    public static func run(lines: Int, directory parent: URL, logger: Logger) async throws -> Result {
        ProcessMemory.tuneForBulkImport()  // as `herald import` does
        let directory = parent.appendingPathComponent("import-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = HeraldSettings(dataDirectory: directory)
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        let customers = try await seed(runtime.store, count: min(3_000, max(1, lines)))
        let file = directory.appendingPathComponent("bench.ndjson")
        let fileBytes = try generate(file, lines: lines, customers: customers)

        let importer = BulkImport(runtime: runtime)
        var start = Date()
        var cpu = cpuSeconds()
        let new = try await importer.run(file: file, format: .ndjson)
        let newSeconds = Date().timeIntervalSince(start)
        let newCPU = cpuSeconds() - cpu
        start = Date()
        cpu = cpuSeconds()
        let resumed = try await importer.run(file: file, format: .ndjson)
        let resumedSeconds = Date().timeIntervalSince(start)
        let resumedCPU = cpuSeconds() - cpu
        let peak = PipelineBenchmark.peakRSS()

        let anchor = try await SQLiteStore.rawImportAnchor(lines: lines, path: directory.appendingPathComponent("anchor.sqlite").path)
        return Result(lines: lines, customers: customers, fileBytes: fileBytes, newSeconds: newSeconds, newCPUSeconds: newCPU, new: new,
                      resumedSeconds: resumedSeconds, resumedCPUSeconds: resumedCPU, resumed: resumed, peakRSSBytes: peak,
                      anchorSeconds: anchor)
    }

    /// User + system CPU time of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Stores customers `C-00000…`, each with an account `A-…` and a subscription `S-…`.
    static func seed(_ store: any CommsStore, count: Int) async throws -> Int {
        for i in 0..<count {
            let customer = String(format: "C-%05d", i), account = String(format: "A-%05d", i)
            let msisdn = String(format: "+4477009%05d", i)
            try await store.upsertCustomer(Customer(
                id: customer, firstName: "Customer", lastName: "\(i)", language: "en", timeZone: "UTC",
                email: "customer\(i)@example.net", mobile: msisdn))
            try await store.upsertAccount(Account(id: account, customerId: customer, currency: "GBP", amountDue: "12.50"))
            try await store.upsertSubscription(Subscription(id: String(format: "S-%05d", i), customerId: customer, accountId: account,
                                                            msisdn: msisdn, plan: "Data 10GB"))
        }
        return count
    }

    /// Writes the NDJSON file a block at a time; returns its size in bytes.
    static func generate(_ file: URL, lines: Int, customers: Int) throws -> Int {
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let out = FileHandle(forWritingAtPath: file.path) else {
            throw HeraldError.invalid("--data-dir", "cannot write \(file.path)")
        }
        defer { try? out.close() }
        var block = ""
        var bytes = 0
        for i in 0..<lines {
            let n = (i &* 7_919) % customers
            let id = String(format: "%05d", n)
            switch i % 10 {
            case 0..<4: block += #"{"commsCode": "DATA_80", "subscriptionId": "S-\#(id)", "fields": {"PERCENT": "80", "REF": "\#(i)"}}"#
            case 4..<7: block += #"{"commsCode": "WELCOME", "customerId": "C-\#(id)", "fields": {"REF": "\#(i)"}}"#
            case 7..<9: block += #"{"commsCode": "BILL_READY", "accountId": "A-\#(id)", "priority": 2, "fields": {"REF": "\#(i)"}}"#
            default:
                block += #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-\#(id)", "whenToCreate": "OnCreate", "fields": {"REF": "\#(i)"}}"#
            }
            block += "\n"
            if block.utf8.count >= 1 << 20 || i == lines - 1 {
                try out.write(contentsOf: Data(block.utf8))
                bytes += block.utf8.count
                block = ""
            }
        }
        return bytes
    }
}
