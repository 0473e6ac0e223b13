import Foundation
import GRDB
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `herald bench storage --backend s3|sftp|fs --count N`: the storage daemon storing N
/// realistic documents, and an anchor storing the same files on the same server in the same run.
///
/// **Documents.** `herald demo` runs once in a scratch folder; the documents its merges wrote
/// (the WELCOME email with its inline logo, the DEBT/DBAR letter PDF, the payment-reminder email
/// with that letter attached) are the samples, replicated round-robin to N documents, each under
/// a request id of its own. They go into the bench runtime's local document store in packs of
/// 500, as the merge monitors write them, and one waiting `stored_documents` row each, as a
/// merge's commit makes it.
///
/// **Herald** is the daemon path: `HeraldRuntime.documentArchiver()` (the `DocumentArchiver`
/// service over the runtime's store and its configured archive, `storage.concurrency` puts at
/// once) runs in a `ServiceGroup` until no row waits; its time is from start to the last
/// `stored_at`. Settings come from `storage.*`/`s3.*`/`sftp.*` (the bench's own `HERALD_*`
/// environment and flags), so the backend measured is the one `herald serve` would build.
///
/// **Anchors**, on the same files written out one per file: for `s3`, boto3 `put_object` from
/// 16 threads into the same bucket (moto started on loopback unless `--endpoint`); for `sftp`,
/// OpenSSH `sftp -b` putting every file in one session (needs a key file: batch mode asks no
/// password); for `fs`, python writing each file to a temporary name, fsync, rename and folder
/// fsync from 16 threads (what `FileArchive` does per object).
public enum StorageBenchmark {
    /// What to measure against.
    public struct Options: Sendable {
        public var backend: StorageSettings.Backend
        public var count: Int
        /// An S3 endpoint to use instead of a moto server started for the run.
        public var endpoint: String?
        /// The S3 bucket (made if missing); default a fresh `herald-bench-<id>`.
        public var bucket: String?
        /// Extra settings for the runtime (`HERALD_SFTP_*` from flags), over the bench's environment.
        public var settings: [String: String]

        public init(backend: StorageSettings.Backend, count: Int, endpoint: String? = nil, bucket: String? = nil, settings: [String: String] = [:]) {
            self.backend = backend
            self.count = count
            self.endpoint = endpoint
            self.bucket = bucket
            self.settings = settings
        }
    }

    /// A refusal to run or a failed step.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One sample document.
    struct Sample {
        var label: String
        var commsCode: String
        var fileExtension: String
        var bytes: [UInt8]
    }

    /// A document of the run: its request id, extension and sample.
    struct Document {
        var requestId: String
        var distributionId: String
        var fileExtension: String
        var sample: Int
    }

    /// Runs the measurements and returns a printable report.
    public static func run(_ options: Options, directory parent: URL, logger: Logger) async throws -> String {
        let work = parent.appendingPathComponent("storage-run-\(Identifier.make())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let samples = try await renderSamples(in: work.appendingPathComponent("demo"), logger: logger)
        var moto: ChildProcess?
        defer { moto?.stop() }
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            ["HERALD_PIPELINE_", "HERALD_STORAGE_", "HERALD_S3_", "HERALD_SFTP_", "AWS_"].contains { key.hasPrefix($0) }
        }
        environment.merge(options.settings) { _, new in new }
        environment["HERALD_STORAGE_BACKEND"] = options.backend.rawValue
        environment["HERALD_LOG_LEVEL"] = "warning"
        var serverNote = "under <data-dir>/storage"
        if options.backend == .s3 {
            if let endpoint = options.endpoint {
                environment["HERALD_S3_ENDPOINT"] = endpoint
                serverNote = "at \(endpoint)"
            } else {
                let port = try PostfixBenchTools.freePort()
                moto = try await ChildProcess.start("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"], port: port,
                                                    log: work.appendingPathComponent("moto.log"), what: "moto's S3 server")
                environment["HERALD_S3_ENDPOINT"] = "http://127.0.0.1:\(port)"
                environment["HERALD_S3_PATH_STYLE"] = "true"
                environment["HERALD_S3_ACCESS_KEY_ID"] = "AKIAHERALDBENCH"
                environment["HERALD_S3_SECRET_ACCESS_KEY"] = "bench-secret"
                environment.removeValue(forKey: "HERALD_S3_SESSION_TOKEN")
                serverNote = "at moto on 127.0.0.1:\(port) (started for the run)"
            }
            environment["HERALD_S3_BUCKET"] = options.bucket ?? environment["HERALD_S3_BUCKET"] ?? "herald-bench-\(Identifier.make().suffix(12))"
        }

        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try SampleCatalog.write(to: data.appendingPathComponent("catalog"))
        let settings = try await HeraldSettings.load(dataDir: data.path, environment: environment)
        if options.backend == .s3, let s3 = settings.storage.s3 {
            try await S3Anchor.createBucket(s3)
            serverNote += ", bucket \(s3.bucket)"
        }
        if options.backend == .sftp, let sftp = settings.storage.sftp {
            serverNote = "at \(sftp.user)@\(sftp.host):\(sftp.port), folder \(sftp.directory)"
        }
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)

        // The documents: local packs and waiting rows for Herald, one file each for the anchor.
        let files = work.appendingPathComponent("files")
        let documents = try await prepare(count: options.count, samples: samples, runtime: runtime, files: files)
        let mergedAt = Date()

        // Herald: the storage daemon, alone, until no row waits.
        resetPeakRSS()
        let cpuBefore = EmailBenchmark.processCPUSeconds()
        let herald = try await drive(runtime: runtime, logger: logger)
        let cpu = EmailBenchmark.processCPUSeconds() - cpuBefore
        let peak = PipelineBenchmark.peakRSS()

        // The anchor, on the same files and server.
        let key = ArchiveKey.make(prefix: "anchor-\(Identifier.make().suffix(8))", mergedAt: mergedAt, requestId: "x", fileExtension: "x")
        let folder = String(key.dropLast(4))  // <prefix>/YYYY/MM/dd/HH
        let names = documents.map { "\($0.requestId).\($0.fileExtension)" }
        let anchor: (label: String, seconds: Double)
        switch options.backend {
        case .s3:
            guard let s3 = settings.storage.s3 else { throw Failure(description: "no S3 settings") }
            anchor = ("boto3 put_object, 16 threads", try await S3Anchor.upload(s3, files: files, names: names, folder: folder, work: work))
        case .sftp:
            guard let sftp = settings.storage.sftp else { throw Failure(description: "no SFTP settings") }
            anchor = ("OpenSSH sftp -b, one session", try await SFTPAnchor.put(sftp, files: files, names: names, folder: folder, work: work))
        case .fs:
            let target = work.appendingPathComponent("anchor-fs").appendingPathComponent(folder)
            anchor = ("python write+fsync+rename, 16 threads", try await FSAnchor.write(files: files, names: names, into: target))
        }

        let totalBytes = documents.reduce(0) { $0 + samples[$1.sample].bytes.count }
        func rate(_ seconds: Double) -> Double { seconds > 0 ? Double(options.count) / seconds : 0 }
        func mbps(_ seconds: Double) -> Double { seconds > 0 ? Double(totalBytes) / 1_000_000 / seconds : 0 }
        func f(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }
        let mix = samples.map { "\($0.label) \($0.bytes.count / 1024) KiB" }.joined(separator: ", ")
        var lines = [
            "storage bench — \(options.count) documents to \(options.backend.rawValue) \(serverNote), "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores, storage.concurrency \(settings.storage.concurrency), "
                + "batch \(settings.worker.batchSize) × \(settings.worker.batchesInFlight) in flight"
                + (settings.storage.encryptionKeyFile == nil ? "" : ", encrypted (AES-256-GCM)"),
            "  documents: herald demo's \(samples.count) samples round-robin (\(mix)); mean \(totalBytes / max(options.count, 1)) bytes, "
                + "\(f(Double(totalBytes) / 1_000_000, 1)) MB in all",
            "  " + "herald DocumentArchiver (store stage)".padding(toLength: 50, withPad: " ", startingAt: 0) + "\(f(rate(herald.seconds))) docs/s  \(f(mbps(herald.seconds), 1)) MB/s  "
                + "(\(herald.stored) stored in \(f(herald.seconds, 2)) s; \(f(cpu / Double(max(options.count, 1)) * 1e6)) µs CPU/doc)",
            "  " + "anchor: \(anchor.label)".padding(toLength: 50, withPad: " ", startingAt: 0) + "\(f(rate(anchor.seconds))) docs/s  "
                + "\(f(mbps(anchor.seconds), 1)) MB/s  (\(f(anchor.seconds, 2)) s)",
            "  " + "ratio herald/anchor".padding(toLength: 50, withPad: " ", startingAt: 0) + "\(f(rate(herald.seconds) / max(rate(anchor.seconds), 1e-9), 2))",
            "  " + "peak RSS (the store run)".padding(toLength: 50, withPad: " ", startingAt: 0) + "\(peak / 1_048_576) MiB",
        ]
        if herald.stored != options.count {
            lines.append("  NOT ALL STORED: \(options.count - herald.stored) still waiting; last error: \(herald.lastError ?? "none")")
        }
        return lines.joined(separator: "\n")
    }

    /// `herald demo` in `folder`; the documents its merges wrote, one per request.
    static func renderSamples(in folder: URL, logger: Logger) async throws -> [Sample] {
        _ = try await HeraldDemo.run(dataDirectory: folder, logger: logger)
        let runtime = try await HeraldRuntime(settings: HeraldSettings(dataDirectory: folder), logger: logger)
        var samples: [Sample] = []
        for record in try await runtime.store.storedDocumentChain(afterSeq: nil, limit: 100) {
            let detail = try await runtime.store.request(id: record.requestId)
            let method = detail?.distribution?.method.rawValue ?? "?"
            let name = (try? DocumentLocation(record.localLocation))?.name ?? record.localLocation
            let ext = name.hasSuffix(".pdf") ? "pdf" : "eml"
            let bytes = [UInt8](try await runtime.documents.read(record.localLocation))
            let code = detail?.request.commsCode ?? "WELCOME"
            samples.append(Sample(label: "\(code) \(method) .\(ext)", commsCode: code, fileExtension: ext, bytes: bytes))
        }
        guard !samples.isEmpty else { throw Failure(description: "herald demo stored no documents to sample") }
        return samples
    }

    /// Writes the documents into the runtime's local store (packs of 500) and one waiting row
    /// each into `stored_documents`, for requests submitted as the API would (the store stage
    /// hands each document over with its request); and each as a file `<files>/<request id>.<ext>`.
    static func prepare(count: Int, samples: [Sample], runtime: HeraldRuntime, files: URL) async throws -> [Document] {
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        try await runtime.store.upsertCustomer(Customer(
            id: "C-BENCH", firstName: "Zoë", lastName: "Bench", language: "en", timeZone: "UTC", email: "bench@herald.test"))
        let queue = try DatabaseQueue(path: runtime.settings.databasePath)
        var documents: [Document] = []
        documents.reserveCapacity(count)
        var made = 0
        while made < count {
            let n = min(500, count - made)
            let now = Date()
            let batch = runtime.documents.makeBatch(createdAt: now)
            var rows: [(Document, String)] = []
            for i in made..<(made + n) {
                let sample = i % samples.count
                let document = Document(requestId: Identifier.make(now: now), distributionId: Identifier.make(now: now),
                                        fileExtension: samples[sample].fileExtension, sample: sample)
                let bytes = samples[sample].bytes
                let location = try await batch.append(Data(bytes), name: "\(document.distributionId).\(document.fileExtension)")
                try Data(bytes).write(to: files.appendingPathComponent("\(document.requestId).\(document.fileExtension)"))
                rows.append((document, location))
            }
            try await batch.finish()
            let submissions = rows.map { document, _ in
                TriggerSubmission(requests: [CommsRequest(
                    id: document.requestId, commsCode: samples[document.sample].commsCode, priority: 2, status: .awaitingProcessing,
                    target: TargetRef(.customer, "C-BENCH"), fields: [:], source: .api, createdBy: "bench", createdAt: now)], actor: "bench")
            }
            _ = try await runtime.store.submitBatch(submissions, idempotencyWindow: .seconds(1))
            let merged = Int64((now.timeIntervalSince1970 * 1000).rounded())
            let written = rows.map { ($0.0.distributionId, $0.0.requestId, $0.1, $0.0.fileExtension) }
            try await queue.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO stored_documents (id, request_id, status, local_location, file_extension, merged_at, attempts)
                    VALUES (?, ?, ?, ?, ?, ?, 0)
                    """)
                for (distributionId, requestId, location, fileExtension) in written {
                    try insert.execute(arguments: [distributionId, requestId, StorageStatus.waiting.code, location, fileExtension, merged])
                }
            }
            documents += rows.map(\.0)
            made += n
        }
        try queue.close()
        return documents
    }

    /// Runs the runtime's storage daemon until no document waits; the seconds from its start
    /// to the last `stored_at`, the count stored and the last error of any still waiting.
    static func drive(runtime: HeraldRuntime, logger: Logger) async throws -> (seconds: Double, stored: Int, lastError: String?) {
        let archiver = runtime.documentArchiver()
        let group = ServiceGroup(configuration: .init(services: [.init(service: archiver)], logger: logger))
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            runtime.signals.ring(.store)
            // Rows backing off after a failure are not due: stop once the count has not moved for 15 s.
            var last = -1
            var movedAt = Date()
            while true {
                let waiting = try await runtime.store.queueDepths(now: Date()).first { $0.stage == .store }?.waiting ?? 0
                if waiting == 0 { break }
                if waiting != last {
                    last = waiting
                    movedAt = Date()
                } else if Date().timeIntervalSince(movedAt) > 15 {
                    break
                }
                try await Task.sleep(for: .milliseconds(waiting > 2_000 ? 100 : 10))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let queue = try DatabaseQueue(path: runtime.settings.databasePath)
        defer { try? queue.close() }
        let (last, stored, lastError) = try await queue.read { db in
            (try Int64.fetchOne(db, sql: "SELECT MAX(stored_at) FROM stored_documents") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stored_documents WHERE status = ?", arguments: [StorageStatus.stored.code]) ?? 0,
             try String.fetchOne(db, sql: "SELECT last_error FROM stored_documents WHERE last_error IS NOT NULL LIMIT 1"))
        }
        let end = last > 0 ? Date(timeIntervalSince1970: Double(last) / 1000) : Date()
        return (max(end.timeIntervalSince(start), 0.001), stored, lastError)
    }

    /// Resets the process's peak RSS (Linux `clear_refs` 5), so the figure is the store run's.
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}

/// The S3 anchor: boto3, as most S3 uploaders are written.
enum S3Anchor {
    static func clientScript(_ s3: StorageSettings.S3) -> String {
        """
        import boto3, botocore.config, sys, time, os, concurrent.futures
        client = boto3.client("s3", endpoint_url=os.environ.get("BENCH_ENDPOINT") or None, region_name=os.environ["BENCH_REGION"],
            aws_access_key_id=os.environ["BENCH_KEY"], aws_secret_access_key=os.environ["BENCH_SECRET"],
            aws_session_token=os.environ.get("BENCH_TOKEN") or None,
            config=botocore.config.Config(max_pool_connections=16, s3={"addressing_style": "\(s3.pathStyle ? "path" : "auto")"}))
        bucket = os.environ["BENCH_BUCKET"]

        """
    }

    static func environment(_ s3: StorageSettings.S3) -> [String: String] {
        var env = ["BENCH_ENDPOINT": s3.endpoint ?? "", "BENCH_REGION": s3.region, "BENCH_KEY": s3.accessKeyID,
                   "BENCH_SECRET": s3.secretAccessKey, "BENCH_BUCKET": s3.bucket]
        env["BENCH_TOKEN"] = s3.sessionToken
        return env
    }

    /// Makes the bucket unless it is there.
    static func createBucket(_ s3: StorageSettings.S3) async throws {
        let script = clientScript(s3) + """
            try:
                client.head_bucket(Bucket=bucket)
            except Exception:
                if client.meta.region_name == "us-east-1":
                    client.create_bucket(Bucket=bucket)
                else:
                    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": client.meta.region_name})
            """
        let result = try await ChildProcess.run("python3", ["-c", script], environment: environment(s3))
        guard result.status == 0 else { throw StorageBenchmark.Failure(description: "boto3 could not make bucket \(s3.bucket): \(result.errors)") }
    }

    /// Uploads every file with 16 threads; the seconds from the first upload to the last.
    static func upload(_ s3: StorageSettings.S3, files: URL, names: [String], folder: String, work: URL) async throws -> Double {
        let list = work.appendingPathComponent("s3-anchor.list")
        try Data(names.joined(separator: "\n").utf8).write(to: list)
        let script = clientScript(s3) + """
            files, listing, folder = sys.argv[1], sys.argv[2], sys.argv[3]
            names = open(listing).read().split("\\n")
            def put(name):
                with open(os.path.join(files, name), "rb") as f:
                    client.put_object(Bucket=bucket, Key=folder + "/" + name, Body=f.read())
            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                for _ in pool.map(put, names):
                    pass
            print(time.monotonic() - start)
            """
        let result = try await ChildProcess.run("python3", ["-c", script, files.path, list.path, folder], environment: environment(s3))
        guard result.status == 0, let seconds = Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StorageBenchmark.Failure(description: "the boto3 anchor failed (\(result.status)): \(result.errors.suffix(2000))")
        }
        return seconds
    }
}

/// The SFTP anchor: OpenSSH's `sftp -b` putting every file in one session.
enum SFTPAnchor {
    static func put(_ sftp: StorageSettings.SFTP, files: URL, names: [String], folder: String, work: URL) async throws -> Double {
        guard let keyFile = sftp.keyFile else {
            throw StorageBenchmark.Failure(description: "the sftp -b anchor needs a key file (HERALD_SFTP_KEY_FILE or --sftp-key-file): batch mode asks no password")
        }
        var batch: [String] = []
        var path = sftp.directory
        for part in folder.split(separator: "/") {
            path += "/\(part)"
            batch.append("-mkdir \(path)")
        }
        for name in names { batch.append("put \(files.appendingPathComponent(name).path) \(path)/\(name)") }
        let batchFile = work.appendingPathComponent("sftp-anchor.batch")
        try Data((batch.joined(separator: "\n") + "\n").utf8).write(to: batchFile)
        let start = Date()
        let result = try await ChildProcess.run("sftp", [
            "-b", batchFile.path, "-P", "\(sftp.port)", "-i", keyFile, "-o", "UserKnownHostsFile=\(sftp.knownHosts)",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "\(sftp.user)@\(sftp.host)",
        ])
        let seconds = Date().timeIntervalSince(start)
        guard result.status == 0 else { throw StorageBenchmark.Failure(description: "sftp -b exited \(result.status): \(result.errors.suffix(2000))") }
        return seconds
    }
}

/// The filesystem anchor: what `FileArchive` does per object, in python with 16 threads.
enum FSAnchor {
    static func write(files: URL, names: [String], into target: URL) async throws -> Double {
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let list = target.deletingLastPathComponent().appendingPathComponent("fs-anchor.list")
        try Data(names.joined(separator: "\n").utf8).write(to: list)
        let script = """
            import os, sys, time, concurrent.futures
            files, listing, target = sys.argv[1], sys.argv[2], sys.argv[3]
            names = open(listing).read().split("\\n")
            def put(name):
                with open(os.path.join(files, name), "rb") as f:
                    data = f.read()
                tmp = os.path.join(target, "." + name + ".tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                os.write(fd, data); os.fsync(fd); os.close(fd)
                os.rename(tmp, os.path.join(target, name))
                d = os.open(target, os.O_RDONLY); os.fsync(d); os.close(d)
            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                for _ in pool.map(put, names):
                    pass
            print(time.monotonic() - start)
            """
        let result = try await ChildProcess.run("python3", ["-c", script, files.path, list.path, target.path])
        guard result.status == 0, let seconds = Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StorageBenchmark.Failure(description: "the filesystem anchor failed (\(result.status)): \(result.errors.suffix(2000))")
        }
        return seconds
    }
}

/// A child process of the bench: run to completion (output through files, so a chatty tool
/// never blocks on a full pipe), or started as a server and stopped by its PID.
final class ChildProcess: @unchecked Sendable {
    let process: Process

    init(process: Process) { self.process = process }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func executable(_ tool: String) throws -> URL {
        if tool.contains("/") { return URL(fileURLWithPath: tool) }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin:/bin"
        guard let found = path.split(separator: ":").map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw StorageBenchmark.Failure(description: "\(tool) not found on PATH")
        }
        return URL(fileURLWithPath: found)
    }

    /// Runs `tool` to its end with `environment` added to the bench's own.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { for url in [outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let process = Process()
        process.executableURL = try executable(tool)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(status: status, output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      errors: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Starts a server and waits until it listens on `port` (60 s at most).
    static func start(_ tool: String, _ arguments: [String], port: Int, log: URL, what: String) async throws -> ChildProcess {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = try executable(tool)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let child = ChildProcess(process: process)
        for _ in 0..<600 {
            if PostfixBenchTools.canConnect(port: port) { return child }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        child.stop()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw StorageBenchmark.Failure(description: "\(what) did not listen on 127.0.0.1:\(port): \(text.suffix(2000))")
    }

    /// Stops the server (SIGTERM, then SIGKILL) and reaps it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
