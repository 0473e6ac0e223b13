import ArgumentParser
import Foundation
import HeraldApp
import HeraldBench
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTransports
import Logging

/// The `herald` command.
@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: an open customer-communications engine for telecom and billing providers.",
        subcommands: [Serve.self, Demo.self, Import.self, Migrate.self, Users.self, Catalog.self, Documents.self, Render.self, Bench.self])
}

/// Options every command that opens a data folder shares.
struct DataOptions: ParsableArguments {
    @Option(help: "Data folder: SQLite database, documents, outbox (default ./herald-data).")
    var dataDir: String?

    @Option(help: "Catalog folder (default <data-dir>/catalog).")
    var catalog: String?

    @Option(help: "JSON config file (default <data-dir>/herald.json when present).")
    var config: String?

    func settings(host: String? = nil, port: Int? = nil) async throws -> HeraldSettings {
        try await HeraldSettings.load(dataDir: dataDir, catalogDir: catalog, host: host, port: port, configFile: config)
    }
}

func makeLogger(_ level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: "herald")
    logger.logLevel = level
    return logger
}

/// Prints a Herald error plainly and exits non-zero instead of dumping a Swift error.
func reporting<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as HeraldError {
        FileHandle.standardError.write(Data("herald: error: \(e)\n".utf8))
        throw ExitCode(2)
    } catch let e as CatalogLoadError {
        FileHandle.standardError.write(Data("herald: catalog errors:\n\(e)\n".utf8))
        throw ExitCode(2)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API and run every job and daemon in one process.")
    @OptionGroup var data: DataOptions
    @Option(help: "Listen address (default 127.0.0.1).") var host: String?
    @Option(help: "Listen port (default 8080).") var port: Int?

    func run() async throws {
        try await reporting {
            let settings = try await data.settings(host: host, port: port)
            let runtime = try await HeraldRuntime(settings: settings, logger: makeLogger(settings.logLevel))
            try await HeraldServer.run(runtime: runtime)
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline end to end on sample data (SQLite, filesystem, outbox) and show the result.")
    @Option(help: "Data folder for the demo; only a folder made by the demo is ever wiped.")
    var dataDir: String = "./herald-data"
    @Option(help: "Where letters go: outbox (one PDF each) or print (a batch ZIP to a local print bureau folder, and its return file applied).")
    var letters: String = "outbox"

    func run() async throws {
        try await reporting {
            let dir = URL(fileURLWithPath: dataDir).standardizedFileURL
            guard let transport = PrintSettings.Transport(rawValue: letters) else {
                throw HeraldError.invalid("--letters", "expected outbox or print, got '\(letters)'")
            }
            let (rows, notes) = try await HeraldDemo.run(dataDirectory: dir, logger: makeLogger(.warning), letters: transport)
            print(HeraldDemo.table(rows))
            if !notes.isEmpty { print("\n" + notes.joined(separator: "\n")) }
            let agentPassword = try await AgentUserAdmin.addDemoAgent(dataDirectory: dir)
            let stored = rows.compactMap(\.storedLocation).sorted()
            print("""

            \(rows.count) requests. Documents in \(dir.path)/documents, sent comms in \(dir.path)/outbox.
            \(stored.count) documents stored long-term (fs backend) in \(dir.path)/storage:
            \(stored.map { "  \($0)" }.joined(separator: "\n"))
            Check them against their hash chain: swift run herald documents verify --data-dir \(dataDir)
            Serve this data: HERALD_ADMIN_API_KEY=secret swift run herald serve --data-dir \(dataDir)
              then: curl -H 'Authorization: Bearer secret' http://127.0.0.1:8080/v1/comms-requests?accountId=A-2001
            AgentView: http://127.0.0.1:8080/agent (while serving) — user demo (supervisor), password \(agentPassword)
              (shown once; a new one: swift run herald users passwd demo --data-dir \(dataDir))
            """)
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import triggers in bulk from NDJSON or CSV; re-running skips lines already taken.")
    @OptionGroup var data: DataOptions
    @Argument(help: "The file (.ndjson/.jsonl or .csv).") var file: String
    @Option(help: "ndjson or csv (default: by extension).") var format: String?

    func run() async throws {
        try await reporting {
            var fmt: BulkImport.Format?
            if let format {
                guard let f = BulkImport.Format(rawValue: format) else { throw HeraldError.invalid("--format", "expected ndjson or csv") }
                fmt = f
            }
            ProcessMemory.tuneForBulkImport()
            let settings = try await data.settings()
            let runtime = try await HeraldRuntime(settings: settings, logger: makeLogger(.warning))
            let started = Date()
            let summary = try await BulkImport(runtime: runtime).run(file: URL(fileURLWithPath: file), format: fmt) { p in
                // The file is streamed: the bar follows the bytes read; the count is of lines done.
                let width = 30
                let filled = Int(Double(width) * p.fraction)
                let rate = Double(p.lines) / max(Date().timeIntervalSince(started), 0.001)
                let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(p.lines) lines \(Int(p.fraction * 100))%  \(Int(rate))/s".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("lines \(summary.lines), customer data applied \(summary.dataApplied), triggers created \(summary.created), skipped (already imported) \(summary.skipped), rejected \(summary.rejectedCount)")
            for r in summary.rejected.prefix(50) { print("  line \(r.line): \(r.reason)") }
            if summary.rejectedCount > 50 { print("  … and \(summary.rejectedCount - 50) more") }
            if summary.rejectedCount > 0 { throw ExitCode(1) }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")
    @OptionGroup var data: DataOptions

    func run() async throws {
        try await reporting {
            let settings = try await data.settings()
            try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
            let store = try HeraldSQLiteOpen.open(settings)
            try await store.migrate()
            print("migrated \(settings.databasePath): \(try await store.appliedMigrations().joined(separator: ", "))")
        }
    }
}

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage AgentView's users: add, passwd, disable, list.",
        subcommands: [Add.self, Passwd.self, Disable.self, List.self])

    /// The user admin of a data folder (migrated: a new folder gets its tables).
    static func admin(_ data: DataOptions) async throws -> AgentUserAdmin {
        let settings = try await data.settings()
        try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
        let store = try HeraldSQLiteOpen.open(settings)
        try await store.migrate()
        return AgentUserAdmin(store: store)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; without --password-stdin a password is generated and printed once.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user name (letters, digits, '.', '_', '-', '@').") var name: String
        @Option(help: "agent, supervisor or admin (default agent).") var role: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            try await reporting {
                let chosenRole = try AgentUserAdmin.role(role)
                let password = passwordStdin ? try AgentUserAdmin.readPassword() : nil
                let generated = try await Users.admin(data).add(name: name, role: chosenRole, password: password)
                print("added \(chosenRole.rawValue) '\(name)'")
                if let generated { print("password (shown once): \(generated)") }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (clears a lock, ends its sessions); without --password-stdin one is generated and printed once.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user name.") var name: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            try await reporting {
                let password = passwordStdin ? try AgentUserAdmin.readPassword() : nil
                let generated = try await Users.admin(data).passwd(name: name, password: password)
                print("password of '\(name)' changed")
                if let generated { print("password (shown once): \(generated)") }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user and end its sessions.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user name.") var name: String

        func run() async throws {
            try await reporting {
                try await Users.admin(data).disable(name: name)
                print("disabled '\(name)'")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users (or one): name, role, state, created.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Only this user.") var name: String?

        func run() async throws {
            try await reporting {
                print(AgentUserAdmin.table(try await Users.admin(data).list(name: name), now: Date()))
            }
        }
    }
}

struct Documents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read stored documents (emails, letters) out of the data folder.",
                                                    subcommands: [Show.self, Unpack.self, Verify.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one document (a distribution's fileLocation) to standard output.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The location, e.g. fs:2026/11/27/14/<pack>.pack#<id>.eml@14+3426.") var location: String

        func run() async throws {
            try await reporting {
                let settings = try await data.settings()
                let bytes = try FileDocumentStore(root: settings.documentsDirectory).readBytes(location)
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the stored-document hash chain and re-read every stored object; report any missing, altered or out-of-chain document.",
            discussion: "Exits 0 when everything checks out, 1 when something is wrong (each finding printed with its request id).")
        @OptionGroup var data: DataOptions
        @Option(help: "Re-read only objects stored at or after this date (YYYY-MM-DD or ISO 8601, UTC); the chain is always walked whole.")
        var since: String?

        func run() async throws {
            try await reporting {
                let date = try since.map(Self.parseDate)
                let settings = try await data.settings()
                let runtime = try await HeraldRuntime(settings: settings, logger: makeLogger(.warning))
                let report = try await DocumentVerifier(store: runtime.store, archive: runtime.archive).verify(since: date)
                for finding in report.findings { print(finding) }
                print("\(report.records) records in the chain, \(report.objectsChecked) objects re-read from \(runtime.archive.backend): "
                      + (report.isClean ? "all intact" : "\(report.findings.count) problems"))
                if !report.isClean { throw ExitCode(1) }
            }
        }

        static func parseDate(_ text: String) throws -> Date {
            if let d = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)) { return d }
            if let d = try? Date(text + "T00:00:00Z", strategy: Date.ISO8601FormatStyle()) { return d }
            throw HeraldError.invalid("--since", "expected a date such as 2026-12-07 or 2026-12-07T08:00:00Z, got '\(text)'")
        }
    }

    struct Unpack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy every document of a pack file out as a file of its own.")
        @Argument(help: "The .pack file.") var pack: String
        @Option(help: "Folder to write the documents to (made if missing).") var out: String

        func run() async throws {
            try await reporting {
                let entries = try FilePack.entries(ofPackAt: pack)
                let folder = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: pack))
                defer { try? handle.close() }
                for entry in entries {
                    try handle.seek(toOffset: UInt64(entry.offset))
                    let bytes = try handle.read(upToCount: entry.length) ?? Data()
                    try bytes.write(to: folder.appendingPathComponent(entry.name))
                }
                print("\(entries.count) documents written to \(out)")
            }
        }
    }
}

struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with a catalog folder.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a catalog folder; exits non-zero on errors.")
        @Argument(help: "The catalog folder.") var dir: String

        func run() async throws {
            let issues = CatalogLoader.check(URL(fileURLWithPath: dir))
            for issue in issues { print(issue) }
            let errors = issues.filter(\.isError).count
            print(errors == 0 ? "catalog OK (\(issues.count) warnings)" : "\(errors) errors")
            if errors > 0 { throw ExitCode(1) }
        }
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (not tests).", subcommands: [Pipeline.self, Sms.self, Email.self, Api.self, ImportLines.self, Storage.self, PrintLetters.self, PushBench.self,
                      Webhook.self, Status.self, AgentPages.self])

    struct Pipeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Triggers → store → Comms Monitor → SMS/push outbox: comms/s, latency, peak RSS, vs the raw SQLite anchor.")
        @Option(help: "Comms to push through.") var count: Int = 20000
        @Option(help: "Parent of the scratch folder (a fresh run-<id> folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                let result = try await PipelineBenchmark.run(count: count, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning))
                print(result.report)
            }
        }
    }

    struct Sms: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "submit_sm/s to an in-process SMSC sink (window 1 and 64), comms/s to sent over SMPP, vs the sink's own ceiling.")
        @Option(help: "Messages per measurement.") var count: Int = 20000
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                print(try await SMSBenchmark.run(count: count, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning)))
            }
        }
    }

    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signed webhooks/s and p99 from the webhook transmitter to an in-process HTTP/1.1 sink, vs wrk posting "
                + "the same request to the same sink.",
            discussion: "Needs Debian's wrk package (apt-get install -y wrk). Exits non-zero when a webhook failed or a kept "
                + "request's signature did not verify.")
        @Option(help: "Webhooks sent.") var count: Int = 20000
        @Option(help: "Concurrent requests (Herald) and connections (wrk).") var connections: Int = 32
        @Option(help: "Seconds wrk runs.") var seconds: Int = 5
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                guard (1...1000).contains(connections) else { throw HeraldError.invalid("--connections", "must be 1–1000") }
                guard seconds > 0 else { throw HeraldError.invalid("--seconds", "must be positive") }
                let result = try await WebhookBenchmark.run(count: count, connections: connections, wrkSeconds: seconds,
                                                            directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning))
                print(result.report)
                if !result.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "External status updates applied to sent comms, through POST /v1/status-updates (batches of 500) and status files: "
                + "updates/s vs the raw SQLite floor of the same work on the same database.")
        @Option(help: "Sent comms to update (half through the API, half through files).") var count: Int = 100_000
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count >= 2 else { throw HeraldError.invalid("--count", "must be at least 2") }
                print(try await StatusBenchmark.run(count: count, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning)).report)
            }
        }
    }

    struct PushBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Pushes through the APNs client and the push transmitter to an in-process HTTP/2 sink: pushes/s, p99, peak RSS, "
                + "vs h2load sending the same requests to the same sink.",
            discussion: "Needs Debian's nghttp2-client (h2load), installed with apt-get when missing.")
        @Option(help: "Pushes per measurement.") var count: Int = 20000
        @Option(help: "Concurrent HTTP/2 streams on the one connection (h2load -m).") var streams: Int = 100

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                guard (1...1000).contains(streams) else { throw HeraldError.invalid("--streams", "must be 1–1000") }
                let result = try await PushBenchmark.run(count: count, streams: streams, logger: makeLogger(.warning))
                print(result.report)
                if result.failures > 0 { throw ExitCode(1) }
            }
        }
    }

    struct ImportLines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "herald import of a generated NDJSON file, new then resumed (all skipped): lines/s, peak RSS, vs the raw SQLite anchor.")
        @Option(help: "Lines in the generated file.") var lines: Int = 1_000_000
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard lines > 0 else { throw HeraldError.invalid("--lines", "must be positive") }
                let result = try await ImportBenchmark.run(lines: lines, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning))
                print(result.report)
            }
        }
    }

    struct Email: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "WELCOME emails (DKIM Ed25519) through the whole path into Postfix's smtp-sink, vs smtp-source into the same sink.")
        @Option(help: "Emails per measurement.") var count: Int = 20000
        @Option(help: "SMTP sessions Herald opens at once (HERALD_SMTP_CONNECTIONS).") var connections: Int = 10
        @Flag(help: "Also run the path signed with an RSA-2048 key.") var rsa = false
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                guard (1...64).contains(connections) else { throw HeraldError.invalid("--connections", "must be 1–64") }
                print(try await EmailBenchmark.run(count: count, connections: connections, rsa: rsa,
                                                   directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning)))
            }
        }
    }

    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The storage daemon storing herald demo's letters and emails (replicated to --count): docs/s, MB/s, peak RSS, "
                + "vs boto3 (16 threads, s3), OpenSSH sftp -b (one session, sftp) or python write+fsync (fs) on the same files.",
            discussion: """
                s3: moto is started on loopback unless --endpoint is given (then HERALD_S3_*/AWS_* credentials and \
                HERALD_S3_PATH_STYLE apply). sftp: the HERALD_SFTP_* settings or the --sftp-* flags; the anchor needs a key file.
                Other storage settings (HERALD_STORAGE_CONCURRENCY, HERALD_STORAGE_ENCRYPTION_KEY_FILE) and HERALD_PIPELINE_* \
                are taken from the environment.
                """)
        @Option(help: "fs, s3 or sftp.") var backend: String = "s3"
        @Option(help: "Documents to store.") var count: Int = 5000
        @Option(help: "S3 endpoint to use instead of a moto server started for the run.") var endpoint: String?
        @Option(help: "S3 bucket (made if missing; default a fresh one).") var bucket: String?
        @Option(help: "SFTP server (HERALD_SFTP_HOST).") var sftpHost: String?
        @Option(help: "SFTP port (HERALD_SFTP_PORT).") var sftpPort: Int?
        @Option(help: "SFTP user (HERALD_SFTP_USER).") var sftpUser: String?
        @Option(help: "OpenSSH private key file (HERALD_SFTP_KEY_FILE).") var sftpKeyFile: String?
        @Option(help: "known_hosts file (HERALD_SFTP_KNOWN_HOSTS).") var sftpKnownHosts: String?
        @Option(help: "Folder on the server (HERALD_SFTP_DIRECTORY).") var sftpDirectory: String?
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                guard let chosen = StorageSettings.Backend(rawValue: backend.lowercased()) else {
                    throw HeraldError.invalid("--backend", "expected fs, s3 or sftp, got '\(backend)'")
                }
                var settings: [String: String] = [:]
                settings["HERALD_SFTP_HOST"] = sftpHost
                settings["HERALD_SFTP_PORT"] = sftpPort.map(String.init)
                settings["HERALD_SFTP_USER"] = sftpUser
                settings["HERALD_SFTP_KEY_FILE"] = sftpKeyFile
                settings["HERALD_SFTP_KNOWN_HOSTS"] = sftpKnownHosts
                settings["HERALD_SFTP_DIRECTORY"] = sftpDirectory
                let options = StorageBenchmark.Options(backend: chosen, count: count, endpoint: endpoint, bucket: bucket, settings: settings)
                print(try await StorageBenchmark.run(options, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning)))
            }
        }
    }

    struct PrintLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "PAYMENT_REMINDER letters from trigger through PDF, print batches, marks, ZIP and the drop: letters/s, pages/s, "
                + "peak RSS, vs herald render letter on the same letters' merged data in the same run.",
            discussion: """
                folder: the drop folder is under the scratch folder. sftp: the HERALD_PRINT_SFTP_* settings or the --sftp-* flags \
                (HERALD_PRINT_SFTP_PASSWORD from the environment). Other print.* settings (HERALD_PRINT_*) and HERALD_PIPELINE_* \
                are taken from the environment.
                """)
        @Option(help: "Letters.") var count: Int = 10000
        @Option(help: "folder or sftp (print.drop).") var drop: String = "folder"
        @Option(help: "Letters per batch (print.batch.max).") var batchMax: Int = 5000
        @Option(help: "Letters the render-alone anchor renders at once (herald render letter --jobs).")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "SFTP server (HERALD_PRINT_SFTP_HOST).") var sftpHost: String?
        @Option(help: "SFTP port (HERALD_PRINT_SFTP_PORT).") var sftpPort: Int?
        @Option(help: "SFTP user (HERALD_PRINT_SFTP_USER).") var sftpUser: String?
        @Option(help: "OpenSSH private key file (HERALD_PRINT_SFTP_KEY_FILE).") var sftpKeyFile: String?
        @Option(help: "known_hosts file (HERALD_PRINT_SFTP_KNOWN_HOSTS).") var sftpKnownHosts: String?
        @Option(help: "The bureau's inbox on the server (HERALD_PRINT_SFTP_DIRECTORY).") var sftpDirectory: String?
        @Flag(help: "Also run the storage daemon (fs backend) beside the letter services, as herald serve does.")
        var withStorage = false
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard count > 0 else { throw HeraldError.invalid("--count", "must be positive") }
                guard (1...20_000).contains(batchMax) else { throw HeraldError.invalid("--batch-max", "must be 1–20000 (print.batch.max)") }
                guard jobs > 0 else { throw HeraldError.invalid("--jobs", "must be positive") }
                guard let chosen = PrintSettings.Drop(rawValue: drop.lowercased()), chosen != .s3 else {
                    throw HeraldError.invalid("--drop", "expected folder or sftp, got '\(drop)'")
                }
                var settings: [String: String] = [:]
                settings["HERALD_PRINT_SFTP_HOST"] = sftpHost
                settings["HERALD_PRINT_SFTP_PORT"] = sftpPort.map(String.init)
                settings["HERALD_PRINT_SFTP_USER"] = sftpUser
                settings["HERALD_PRINT_SFTP_KEY_FILE"] = sftpKeyFile
                settings["HERALD_PRINT_SFTP_KNOWN_HOSTS"] = sftpKnownHosts
                settings["HERALD_PRINT_SFTP_DIRECTORY"] = sftpDirectory
                let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
                var options = PrintBenchmark.Options(count: count, drop: chosen, batchMax: batchMax, jobs: jobs, executable: executable,
                                                     settings: settings)
                options.withStorage = withStorage
                print(try await PrintBenchmark.run(options, directory: URL(fileURLWithPath: dataDir), logger: makeLogger(.warning)))
            }
        }
    }

    struct AgentPages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agent",
            abstract: "AgentView on a store of --requests comms over --customers customers: wrk with a signed-in agent on the customer "
                + "page, a comm's page and MSISDN search, vs GET /healthz on the same server.",
            discussion: "Needs Debian's wrk package. Exits non-zero when a page answered anything but itself.")
        @Option(help: "Comms in the store.") var requests: Int = 1_000_000
        @Option(help: "Customers in the store (each with an account and a subscription).") var customers: Int = 100_000
        @Option(help: "Connections wrk keeps open (two wrk threads).") var connections: Int = 8
        @Option(help: "Seconds of load per page.") var seconds: Int = 10
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard requests > 0, customers > 0 else { throw HeraldError.invalid("--requests", "--requests and --customers must be positive") }
                guard (1...10_000).contains(connections) else { throw HeraldError.invalid("--connections", "must be 1–10000") }
                guard seconds > 0 else { throw HeraldError.invalid("--seconds", "must be positive") }
                let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
                let result = try await AgentBenchmark.run(requests: requests, customers: customers, connections: connections, seconds: seconds,
                                                          executable: executable, directory: URL(fileURLWithPath: dataDir),
                                                          logger: makeLogger(.warning))
                print(result.report)
                if !result.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Api: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "wrk posting triggers to `herald serve` (its own process): accepted/s, p50/p99, errors, CPU per trigger, "
                + "pipeline drain, vs GET /healthz on the same server.",
            discussion: "Needs Debian's wrk package (apt-get install -y wrk). Exits non-zero when a request failed or an accepted trigger was not sent.")
        @Option(help: "Connections wrk keeps open (two wrk threads).") var connections: Int = 32
        @Option(help: "Seconds of trigger load (the /healthz anchor runs for at most 5).") var seconds: Int = 20
        @Option(help: "Parent of the scratch folder (a fresh folder is made and removed).")
        var dataDir: String = NSTemporaryDirectory() + "herald-bench"

        func run() async throws {
            try await reporting {
                guard (1...10_000).contains(connections) else { throw HeraldError.invalid("--connections", "must be 1–10000") }
                guard seconds > 0 else { throw HeraldError.invalid("--seconds", "must be positive") }
                let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
                let result = try await ApiBenchmark.run(connections: connections, seconds: seconds, executable: executable,
                                                        directory: URL(fileURLWithPath: dataDir))
                print(result.report)
                if !result.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }
}

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render documents without the pipeline.", subcommands: [Letter.self])

    struct Letter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge letter data into an HTML template (Mustache) and render PDF.",
            discussion: """
                One letter: --data D.json (one JSON object) --out out.pdf.
                Many letters: --data rows.ndjson (one object per line; .ndjson or .jsonl) --out DIR,
                written as DIR/0000.pdf, DIR/0001.pdf, … in line order; prints letters/s and pages/s.
                """)
        @Option(help: "The letter template (HTML with Mustache tags).") var template: String
        @Option(help: "Folder that relative image and font URLs resolve against (default: the template's folder).")
        var assets: String?
        @Option(help: "Merge data: a JSON object, or NDJSON with one object per line.") var data: String
        @Option(help: "Output PDF (one letter) or folder (NDJSON data).") var out: String
        @Option(help: "Letters rendered at once for NDJSON data (default: one per core).")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func run() async throws {
            let templateURL = URL(fileURLWithPath: template)
            let assetsURL = assets.map { URL(fileURLWithPath: $0) }
            let dataURL = URL(fileURLWithPath: data)
            let outURL = URL(fileURLWithPath: out)
            do {
                let many = ["ndjson", "jsonl"].contains(dataURL.pathExtension.lowercased())
                let summary: LetterBatch.Summary
                if many {
                    guard jobs > 0 else { throw ValidationError("--jobs must be positive") }
                    summary = try await LetterBatch.renderMany(template: templateURL, assets: assetsURL, rows: dataURL,
                                                               directory: outURL, jobs: jobs)
                } else {
                    summary = try LetterBatch.renderOne(template: templateURL, assets: assetsURL, data: dataURL, output: outURL)
                }
                for warning in summary.warnings.prefix(20) {
                    FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
                }
                let rate = { (value: Double) in String(format: "%.1f", value) }
                print("\(summary.letters) letters, \(summary.pages) pages, \(summary.bytes) bytes in \(String(format: "%.3f", summary.seconds)) s: "
                      + "\(rate(summary.lettersPerSecond)) letters/s, \(rate(summary.pagesPerSecond)) pages/s")
            } catch let failure as LetterBatch.Failure {
                FileHandle.standardError.write(Data("herald: error: \(failure)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
