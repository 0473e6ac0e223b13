import Foundation
import GRDB
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import ServiceLifecycle

/// `herald bench print --count N`: N letters from trigger to the print bureau's drop, against
/// `herald render letter` rendering the same letters alone in the same run.
///
/// **Load.** A fresh data folder with the sample catalog; N customers (postal address, no
/// email, letters preferred) with one account each, stored one by one through the store; then
/// N `PAYMENT_REMINDER` requests (the sample catalog's letter code; the API's path, not the
/// `DEBT`/`DBAR` event's), one per account, submitted through the store in batches of 500.
///
/// **Herald** runs `letter.transport=print` with `print.drop` `folder` (under the scratch
/// folder) or `sftp` (`print.sftp.*`, from flags or `HERALD_PRINT_SFTP_*`), `print.batch.max`
/// from the flag. The services `herald serve` runs for letters run at once in a `ServiceGroup`:
/// the Comms Monitor, the Letter Monitor (merge and PDF), the print batcher, the print dropper
/// (marks, ZIP, drop; its packager and target wrapped only to count seconds and bytes) and the
/// document archiver (the `fs` backend, under the data folder). Once every letter is filed, the
/// batches still open are closed as the cut-off would close them. The time is from the first
/// trigger's `created_at` to the last letter's `sent_at` (its batch's drop commit).
///
/// **Anchor**: the same binary as a subprocess, `herald render letter --data rows.ndjson
/// --jobs <cores>`, over the template and assets the Letter Monitor used and each letter's
/// merged fields as the pipeline stored them (one warm process; its own timing, which leaves out
/// the process start).
public enum PrintBenchmark {
    /// What to run.
    public struct Options: Sendable {
        public var count: Int
        public var drop: PrintSettings.Drop
        public var batchMax: Int
        /// Letters `herald render letter` renders at once (its `--jobs`).
        public var jobs: Int
        /// The `herald` binary, for the anchor.
        public var executable: URL
        /// Extra settings for the runtime (`HERALD_PRINT_SFTP_*` from flags), over the bench's environment.
        public var settings: [String: String]
        /// Run the storage daemon (fs backend) beside the letter services, as `herald serve` does.
        /// Off by default: the storage step has its own bench, and on this VM its file per
        /// document (inode allocation on ext4) dominates the kernel's time and slows the anchor
        /// run after it.
        public var withStorage: Bool = false

        public init(count: Int, drop: PrintSettings.Drop, batchMax: Int, jobs: Int, executable: URL, settings: [String: String] = [:]) {
            self.count = count
            self.drop = drop
            self.batchMax = batchMax
            self.jobs = jobs
            self.executable = executable
            self.settings = settings
        }
    }

    /// A refusal to run or a failed step.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The comms code of the run: the sample catalog's letter.
    static let code = "PAYMENT_REMINDER"

    /// Runs the pipeline and the anchor; returns a printable report.
    public static func run(_ options: Options, directory parent: URL, logger: Logger) async throws -> String {
        let work = parent.appendingPathComponent("print-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            ["HERALD_PIPELINE_", "HERALD_PRINT_"].contains { key.hasPrefix($0) }
        }
        environment.merge(options.settings) { _, new in new }
        environment["HERALD_LETTER_TRANSPORT"] = "print"
        environment["HERALD_PRINT_DROP"] = options.drop.rawValue
        environment["HERALD_PRINT_BATCH_MAX"] = "\(options.batchMax)"
        environment["HERALD_STORAGE_BACKEND"] = "fs"
        environment["HERALD_LOG_LEVEL"] = "warning"
        if options.drop == .folder { environment["HERALD_PRINT_DIRECTORY"] = work.appendingPathComponent("bureau-inbox").path }

        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try SampleCatalog.write(to: data.appendingPathComponent("catalog"))
        let settings = try await HeraldSettings.load(dataDir: data.path, environment: environment)
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        guard let route = runtime.printRoute else { throw Failure(description: "the runtime has no print route") }

        try await seedCustomers(runtime.store, count: options.count)

        // Herald: trigger to drop, every letter service at once.
        StorageBenchmark.resetPeakRSS()
        let cpuBefore = EmailBenchmark.processCPUSeconds()
        let meter = DropMeter()
        let pass = try await drive(runtime: runtime, route: route, meter: meter, count: options.count, withStorage: options.withStorage,
                                   logger: logger)
        let cpu = EmailBenchmark.processCPUSeconds() - cpuBefore
        let peak = PipelineBenchmark.peakRSS()
        let stats = try await runtime.store.pipelineStats()
        let sent = stats.distributionStatuses[DistributionStatus.sent.rawValue] ?? 0
        let first = stats.triggered?.lowerBound ?? Date()
        let last = stats.sent?.upperBound ?? Date()
        let seconds = max(last.timeIntervalSince(first), 0.001)
        let batches = try await runtime.store.printBatches(limit: 100_000)
        let pages = batches.reduce(0) { $0 + $1.pages }

        // The anchor: the same letters' merged fields through `herald render letter`.
        let rows = work.appendingPathComponent("rows.ndjson")
        let lines = try await writeRows(databasePath: settings.databasePath, to: rows)
        let template = settings.catalogDirectory.appendingPathComponent(code).appendingPathComponent("letter.en.html.mustache")
        let assets = settings.catalogDirectory.appendingPathComponent(code).appendingPathComponent("assets")
        let render = [options.executable.path, "render", "letter", "--template", template.path, "--assets", assets.path,
                      "--data", rows.path, "--out", work.appendingPathComponent("anchor-pdfs").path, "--jobs", "\(options.jobs)"]
        // GNU time reports the renderer's own peak RSS (this process's rusage of its children
        // would carry the bench's own size over the fork into the child's figure).
        let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let result = gnuTime
            ? try await ChildProcess.run("/usr/bin/time", ["-f", "herald-bench-usage %M %U %S"] + render)
            : try await ChildProcess.run(render[0], Array(render.dropFirst()))
        guard result.status == 0, let anchor = RenderSummary.parse(result.output) else {
            throw Failure(description: "herald render letter failed (exit \(result.status)): \(result.errors.suffix(2000))\(result.output.suffix(500))")
        }
        // `herald-bench-usage <max RSS KiB> <user s> <system s>`
        let usage = result.errors.split(separator: "\n").last { $0.hasPrefix("herald-bench-usage ") }?.split(separator: " ").dropFirst()
            .compactMap { Double($0) } ?? []
        let anchorPeak = usage.count == 3 ? "\(Int(usage[0]) / 1024) MiB" : "not measured (no /usr/bin/time)"
        let anchorCPU = usage.count == 3
            ? "; \(String(format: "%.0f", (usage[1] + usage[2]) / Double(max(anchor.letters, 1)) * 1e6)) µs CPU/letter" : ""

        func f(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }
        func column(_ text: String) -> String { "  " + text.padding(toLength: 58, withPad: " ", startingAt: 0) }
        let heraldRate = Double(sent) / seconds
        let ratio = heraldRate / max(anchor.lettersPerSecond, 1e-9)
        let sizes = Dictionary(grouping: batches, by: \.letters).map { "\($0.value.count) × \($0.key)" }.sorted().joined(separator: ", ")
        let pageMix = Dictionary(grouping: batches, by: \.envelope).map { "\($0.key) \($0.value.reduce(0) { $0 + $1.letters })" }
            .sorted().joined(separator: ", ")
        var report = [
            "print bench — \(options.count) \(code) letters (sample catalog, en) to \(route.target.description), "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores, print.batch.max \(settings.print.rules.maxLetters), "
                + "batch \(settings.worker.batchSize) × \(settings.worker.batchesInFlight) in flight",
            column("herald end to end (trigger → PDF → batch → ZIP → drop)") + "\(f(heraldRate)) letters/s  \(f(Double(pages) / seconds)) pages/s  "
                + "(\(sent) sent in \(f(seconds, 2)) s; \(f(cpu / Double(max(sent, 1)) * 1e6)) µs CPU/letter)",
            "    services: comms monitor, letter monitor, print batcher, print dropper"
                + (options.withStorage ? ", document archiver (fs); " : " (storage daemon not run: --with-storage adds it); ")
                + "every letter filed at +\(f(pass.filed.timeIntervalSince(first), 2)) s, when the cut-off closed "
                + "\(pass.closedAtCutoff) open batch\(pass.closedAtCutoff == 1 ? "" : "es")",
            "    batches: \(batches.count) (\(sizes) letters; envelopes \(pageMix)), \(pages) pages, "
                + "\(batches.reduce(0) { $0 + $1.sheets }) sheets; ZIPs \(meter.zips), \(meter.bytes) bytes "
                + "(\(meter.bytes / max(sent, 1)) per letter)",
            "    dropper: marks + ZIP \(f(meter.packSeconds, 2)) s, drop \(f(meter.dropSeconds, 2)) s; "
                + (options.withStorage ? "last document archived at" : "every stage quiet at") + " +\(f(pass.finished.timeIntervalSince(first), 2)) s",
            column("anchor: herald render letter --jobs \(options.jobs) (warm)") + "\(f(anchor.lettersPerSecond)) letters/s  "
                + "\(f(anchor.pagesPerSecond)) pages/s  (\(anchor.letters) letters, \(anchor.pages) pages in \(f(anchor.seconds, 2)) s\(anchorCPU))",
            column("ratio end to end / render alone") + "\(f(ratio, 2)) (goal ≥ 0.80)",
            column("peak RSS (the pipeline run; the anchor process)") + "\(peak / 1_048_576) MiB; \(anchorPeak)",
        ]
        if sent != options.count || lines != options.count {
            report.append("  NOT ALL SENT: \(sent) of \(options.count) sent, \(lines) letters merged; statuses: "
                          + stats.distributionStatuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                          + (batches.compactMap(\.lastError).first.map { "; last drop error: \($0)" } ?? ""))
        }
        return report.joined(separator: "\n")
    }

    /// Stores `count` customers `C-000000…`, each with a postal address, letters preferred and
    /// no email, and an account `A-000000…` with an amount due.
    static func seedCustomers(_ store: any CommsStore, count: Int) async throws {
        let streets = ["Harbour Street", "Mill Lane", "Station Road", "Church Walk", "Kingsway"]
        let towns = [("Bristol", "BS1 4AB"), ("Leeds", "LS1 5DL"), ("Norwich", "NR2 1TF"), ("Cardiff", "CF10 1EP")]
        for i in 0..<count {
            let id = String(format: "%06d", i)
            let (town, postcode) = towns[i % towns.count]
            var lines = ["Customer \(id)", "\(i % 200 + 1) \(streets[i % streets.count])"]
            if i % 3 == 0 { lines.append("Flat \(i % 9 + 1)") }
            lines.append(town)
            try await store.upsertCustomer(Customer(
                id: "C-\(id)", title: i % 2 == 0 ? "Ms" : "Mr", firstName: "Customer", lastName: id, language: "en", timeZone: "Europe/London",
                postalAddress: PostalAddress(lines: lines, postcode: postcode, country: "GB"),
                preferences: Preferences(preferredMethods: [.letter])))
            try await store.upsertAccount(Account(id: "A-\(id)", customerId: "C-\(id)", currency: "GBP",
                                                  amountDue: String(format: "%d.%02d", 10 + i % 490, i % 100)))
        }
    }

    /// When every letter was filed (open batches closed then) and when every stage was empty.
    struct Pass {
        var filed: Date
        var finished: Date
        /// Batches still open when every letter was filed (closed then, as at the cut-off).
        var closedAtCutoff = 0
    }

    /// Runs the letter services, submits the triggers, closes the open batches once every letter
    /// is filed, and waits until no stage has a waiting row (or nothing moved for 60 s).
    static func drive(runtime: HeraldRuntime, route: PrintRoute, meter: DropMeter, count: Int, withStorage: Bool, logger: Logger) async throws -> Pass {
        let dropper = PrintDropper(
            loop: ClaimLoop(stage: .printDrop, store: runtime.store, signals: runtime.signals, configuration: runtime.settings.worker,
                            clock: runtime.clock, logger: logger),
            documents: runtime.documents, packager: MeteredPackager(inner: route.packager, meter: meter),
            target: MeteredTarget(inner: route.target, meter: meter))
        var services: [any Service] = runtime.transportServices() + [
            runtime.commsMonitor(), runtime.mergeMonitor(.letter), runtime.printBatcher(route), dropper,
        ]
        if withStorage { services.append(runtime.documentArchiver()) }
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        var pass = Pass(filed: Date(), finished: Date())
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await submit(count: count, runtime: runtime)
            let filing: Set<Stage> = [.monitor, .merge(.letter), .send(.letter)]
            var closed = false
            var last: [Int] = []
            var movedAt = Date()
            while true {
                let depths = try await runtime.store.queueDepths(now: Date())
                // Without the storage daemon its queue only fills; it is not waited for.
                let waiting = depths.filter { withStorage || $0.stage != .store }.map(\.waiting)
                if !closed, depths.allSatisfy({ !filing.contains($0.stage) || $0.waiting == 0 }) {
                    // Every letter filed: the cut-off closes the batches still open.
                    pass.closedAtCutoff = try await runtime.store.closeOpenPrintBatches(at: runtime.clock())
                    runtime.signals.ring(.printDrop)
                    pass.filed = Date()
                    closed = true
                    continue
                }
                if closed && waiting.allSatisfy({ $0 == 0 }) { break }
                if waiting != last {
                    last = waiting
                    movedAt = Date()
                } else if Date().timeIntervalSince(movedAt) > 60 {
                    break
                }
                let total = waiting.reduce(0, +)
                try await Task.sleep(for: .milliseconds(total > 2_000 ? 100 : 10))
            }
            pass.finished = Date()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return pass
    }

    /// Submits one `PAYMENT_REMINDER` per account in batches of 500 and rings the Comms Monitor.
    static func submit(count: Int, runtime: HeraldRuntime) async throws {
        var made = 0
        while made < count {
            let n = min(500, count - made)
            let now = Date()
            let submissions = (made..<(made + n)).map { i in
                TriggerSubmission(requests: [CommsRequest(
                    id: Identifier.make(now: now), commsCode: code, priority: 2, status: .awaitingProcessing,
                    target: TargetRef(.account, String(format: "A-%06d", i)), fields: [:], source: .api, createdBy: "bench", createdAt: now)],
                                  actor: "bench")
            }
            _ = try await runtime.store.submitBatch(submissions, idempotencyWindow: .seconds(1))
            runtime.signals.ring(.monitor)
            made += n
        }
    }

    /// Writes each merged letter's fields (as the Letter Monitor merged them) as one NDJSON line;
    /// returns the count.
    static func writeRows(databasePath: String, to url: URL) async throws -> Int {
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        let fields = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT fields FROM distributions WHERE method = ? AND file_location IS NOT NULL ORDER BY id",
                                arguments: [DeliveryMethod.letter.rawValue])
        }
        try Data((fields.joined(separator: "\n") + "\n").utf8).write(to: url)
        return fields.count
    }
}

/// The summary line `herald render letter` prints for NDJSON data.
struct RenderSummary: Equatable {
    var letters: Int
    var pages: Int
    var bytes: Int
    var seconds: Double
    var lettersPerSecond: Double { seconds > 0 ? Double(letters) / seconds : 0 }
    var pagesPerSecond: Double { seconds > 0 ? Double(pages) / seconds : 0 }

    /// Reads `N letters, P pages, B bytes in S s: …` from the command's output.
    static func parse(_ output: String) -> RenderSummary? {
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 9, words[1] == "letters,", words[3] == "pages,", words[5] == "bytes", words[6] == "in",
                  let letters = Int(words[0]), let pages = Int(words[2]), let bytes = Int(words[4]), let seconds = Double(words[7])
            else { continue }
            return RenderSummary(letters: letters, pages: pages, bytes: bytes, seconds: seconds)
        }
        return nil
    }
}

/// Seconds and bytes of the dropper's packaging and drops.
final class DropMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var _zips = 0, _bytes = 0, _packSeconds = 0.0, _dropSeconds = 0.0

    var zips: Int { lock.withLock { _zips } }
    var bytes: Int { lock.withLock { _bytes } }
    var packSeconds: Double { lock.withLock { _packSeconds } }
    var dropSeconds: Double { lock.withLock { _dropSeconds } }

    func packaged(seconds: Double) { lock.withLock { _packSeconds += seconds } }

    /// The look at the bureau before each drop (is the batch there already?) counts as drop time.
    func checked(seconds: Double) { lock.withLock { _dropSeconds += seconds } }

    func dropped(bytes: Int, seconds: Double) {
        lock.withLock {
            _zips += 1
            _bytes += bytes
            _dropSeconds += seconds
        }
    }
}

/// The route's packager, timed.
struct MeteredPackager: PrintPackager {
    let inner: any PrintPackager
    let meter: DropMeter

    func package(_ batch: PrintBatch, letters: [PrintLetter], at: Date) async throws -> PrintPackage {
        let start = Date()
        defer { meter.packaged(seconds: Date().timeIntervalSince(start)) }
        return try await inner.package(batch, letters: letters, at: at)
    }
}

/// The route's drop target, timed and its bytes counted.
struct MeteredTarget: PrintDropTarget {
    let inner: any PrintDropTarget
    let meter: DropMeter

    var description: String { inner.description }

    func contains(fileName: String) async throws -> Bool {
        let start = Date()
        defer { meter.checked(seconds: Date().timeIntervalSince(start)) }
        return try await inner.contains(fileName: fileName)
    }

    func drop(_ zip: [UInt8], fileName: String) async throws {
        let start = Date()
        try await inner.drop(zip, fileName: fileName)
        meter.dropped(bytes: zip.count, seconds: Date().timeIntervalSince(start))
    }
}
