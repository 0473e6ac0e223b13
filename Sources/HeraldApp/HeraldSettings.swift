import Configuration
import Foundation
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import SystemPackage

/// Everything `herald` needs to start, read once at startup.
///
/// Sources, strongest first: command-line flags, environment variables (`HERALD_` + the key in
/// upper case with `_` for `.`: `http.port` → `HERALD_HTTP_PORT`, ``SettingName``), the JSON
/// config file (`--config FILE`, else `<data-dir>/herald.json` when present; nested objects:
/// `{"http": {"port": 8080}}`), then the defaults. A secret key `K` may instead be given as a
/// file path in `K.file` (`HERALD_ADMIN_API_KEY_FILE`), whose contents are used.
///
/// Each setting is described once, with its default and meaning, by the component that uses it
/// (``Keys``, `WorkerConfiguration.Keys`, `EmailTransportSettings.Keys`, …); ``Keys/all`` lists
/// them all and ``markdownTable(_:)`` makes the README's table from them. Each component's
/// settings are read into its settings struct, and a bad value is a `HeraldError` whose field is
/// the key and whose message names it as `smtp.port (HERALD_SMTP_PORT)`.
public struct HeraldSettings: Sendable {
    /// The data folder (`data.dir`): database, documents, outbox.
    public var dataDirectory: URL
    /// The catalog folder (`catalog.dir`), `<data-dir>/catalog` by default.
    public var catalogDirectory: URL
    /// The listen address (``Keys/httpHost``).
    public var host: String = Keys.httpHost.defaultValue
    /// The listen port (``Keys/httpPort``).
    public var port: Int = Keys.httpPort.defaultValue
    /// The API keys (`admin.api.key`, `api.keys`).
    public var apiKeys: [APIKeyEntry] = []
    /// The stage workers' settings (`pipeline.*`, `retry.*`).
    public var worker = WorkerConfiguration()
    /// The lowest level logged (``Keys/logLevel``).
    public var logLevel: Logger.Level = Keys.logLevel.defaultValue
    /// How durable a commit is (``Keys/sqliteSynchronous``).
    public var sqliteSynchronous: SQLiteStore.Configuration.Synchronous = Keys.sqliteSynchronous.defaultValue
    /// Letters as PDF/A-2b instead of plain PDF 1.7 (``Keys/letterPDFA``).
    public var letterPDFA = Keys.letterPDFA.defaultValue
    /// AgentView's cookies carry `Secure` (``Keys/agentSecureCookies``).
    public var agentSecureCookies = Keys.agentSecureCookies.defaultValue
    /// How emails leave: the outbox or SMTP, DKIM or not (`email.transport`, `smtp.*`, `dkim.*`).
    public var email = EmailTransportSettings()
    /// How SMS leave: the outbox, an SMPP route or an HTTP gateway (`sms.transport`, `smpp.*`, `sms.http.*`).
    public var sms = SMSTransportSettings()
    /// How pushes leave: the outbox, APNs/FCM directly, or a queue (`push.transport`).
    public var push = PushTransportSettings()
    /// How external comms leave: the outbox, a queue, signed webhooks or extract files (`external.transport`).
    public var external = ExternalTransportSettings()
    /// The STOMP broker and destinations when `push.transport` or `external.transport` is `queue`.
    public var queue: QueueTransportSettings?
    /// APNs and FCM when `push.transport` is `direct`.
    public var pushDirect: PushDirectSettings?
    /// The external systems (webhooks) and the extract drop when `external.transport` is
    /// `webhook` or `extract`.
    public var externalRoutes: ExternalRouteSettings?
    /// Where every document is kept long-term (`storage.*`, `s3.*`, `sftp.*`).
    public var storage = StorageSettings()
    /// How letters leave: the outbox or the print bureau (`letter.transport`, `print.*`).
    public var print = PrintSettings()
    /// Status callbacks: the config file's subscriptions and how callbacks are sent (`webhooks.*`).
    public var callbacks = CallbackSettings()

    /// One configured API key.
    public struct APIKeyEntry: Sendable, Hashable {
        public var name: String
        public var key: String
        public var roles: [String]
        /// The one system a `status-update` key reports for (`status-update@SYSTEM`).
        public var system: String?
        public init(name: String, key: String, roles: [String], system: String? = nil) {
            self.name = name
            self.key = key
            self.roles = roles
            self.system = system
        }
    }

    public var databasePath: String { dataDirectory.appendingPathComponent("herald.sqlite").path }
    public var documentsDirectory: URL { dataDirectory.appendingPathComponent("documents") }
    public var outboxDirectory: URL { dataDirectory.appendingPathComponent("outbox") }
    /// The filesystem backend's folder for long-term copies (`storage.backend` = `fs`).
    public var storageDirectory: URL { dataDirectory.appendingPathComponent("storage") }

    public init(dataDirectory: URL, catalogDirectory: URL? = nil) {
        self.dataDirectory = dataDirectory
        self.catalogDirectory = catalogDirectory ?? dataDirectory.appendingPathComponent("catalog")
    }

    /// Reads the settings. Flags override everything; nil flags fall through.
    public static func load(
        dataDir: String?, catalogDir: String? = nil, host: String? = nil, port: Int? = nil, configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> HeraldSettings {
        let settings = try await reader(dataDir: dataDir, configFile: configFile, environment: environment)
        let data = URL(fileURLWithPath: dataDir ?? settings.string(Keys.dataDir)).standardizedFileURL
        var s = HeraldSettings(dataDirectory: data)
        if let c = catalogDir ?? settings.text(Keys.catalogDir) {
            s.catalogDirectory = URL(fileURLWithPath: c).standardizedFileURL
        }
        s.host = host ?? settings.string(Keys.httpHost)
        s.port = try port ?? settings.int(Keys.httpPort)
        guard (0...65535).contains(s.port) else { throw Keys.httpPort.invalid("must be a port number 0–65535, got \(s.port)") }
        if let admin = try settings.secret(Keys.adminAPIKey) {
            s.apiKeys.append(APIKeyEntry(name: "admin", key: admin, roles: ["admin"]))
        }
        if let list = try settings.secret(Keys.apiKeys) {
            s.apiKeys += try parseKeys(list)
        }
        s.worker = try WorkerConfiguration(reading: settings)
        s.sqliteSynchronous = try settings.choice(Keys.sqliteSynchronous, expected: "normal or full") {
            SQLiteStore.Configuration.Synchronous(rawValue: $0.uppercased())
        }
        s.logLevel = try settings.choice(Keys.logLevel, expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")) {
            Logger.Level(rawValue: $0)
        }
        s.letterPDFA = try settings.flag(Keys.letterPDFA)
        s.agentSecureCookies = try settings.flag(Keys.agentSecureCookies)
        s.email = try EmailTransportSettings(reading: settings)
        s.sms = try SMSTransportSettings(reading: settings)
        s.push = PushTransportSettings(transport: try settings.choice(PushTransportSettings.Keys.transport, expected: "outbox, direct or queue") {
            PushTransportSettings.Transport(rawValue: $0.lowercased())
        })
        s.external = ExternalTransportSettings(transport: try settings.choice(ExternalTransportSettings.Keys.transport,
                                                                              expected: "outbox, queue, webhook or extract") {
            ExternalTransportSettings.Transport(rawValue: $0.lowercased())
        })
        if s.external.transport == .webhook || s.external.transport == .extract {
            s.externalRoutes = try ExternalRouteSettings(
                reading: settings, configFile: ExternalRouteSettings.configFileURL(dataDir: dataDir, configFile: configFile, environment: environment),
                environment: environment)
        }
        if s.push.transport == .direct {
            s.pushDirect = try PushDirectSettings(reading: settings)
        }
        if s.push.transport == .queue || s.external.transport == .queue {
            s.queue = try QueueTransportSettings(reading: settings)
        }
        s.storage = try StorageSettings(reading: settings, environment: environment)
        s.print = try PrintSettings(reading: settings, environment: environment)
        s.callbacks = try CallbackSettings(
            reading: settings, configFile: ExternalRouteSettings.configFileURL(dataDir: dataDir, configFile: configFile, environment: environment))
        return s
    }

    /// The configuration sources, strongest first: `HERALD_*` variables of `environment`, then
    /// the JSON file `configFile`, else `herald.json` in the data folder when it exists.
    static func reader(dataDir: String?, configFile: String?, environment: [String: String]) async throws -> SettingsReader {
        let env = EnvironmentVariablesProvider(environmentVariables: environment.filter { $0.key.hasPrefix("HERALD_") })
            .prefixKeys(with: "herald")
        var providers: [any ConfigProvider] = [env]
        let earlyDataDir = dataDir ?? environment[Keys.dataDir.environmentVariable] ?? Keys.dataDir.defaultValue
        let defaultFile = URL(fileURLWithPath: earlyDataDir).appendingPathComponent("herald.json").path
        if let configFile {
            guard FileManager.default.fileExists(atPath: configFile) else {
                throw HeraldError.invalid("--config", "config file \(configFile) does not exist")
            }
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        } else if FileManager.default.fileExists(atPath: defaultFile) {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(defaultFile)))
        }
        return SettingsReader(config: ConfigReader(providers: providers))
    }

    /// `name:role+role:key;name:role:key`.
    static func parseKeys(_ text: String) throws -> [APIKeyEntry] {
        let known: Set<String> = ["trigger", "status-update", "agent", "inbox", "admin"]
        return try text.split(separator: ";").map { entry in
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty else {
                throw Keys.apiKeys.invalid("entries are name:role+role:key, got an entry with \(parts.count) parts")
            }
            var system: String?
            let roles = try parts[1].split(separator: "+").map { part in
                // `status-update@PORTAL`: the key reports for that one system.
                let pieces = part.split(separator: "@", maxSplits: 1).map(String.init)
                if pieces.count == 2 {
                    guard pieces[0] == "status-update", !pieces[1].isEmpty else {
                        throw Keys.apiKeys.invalid("only status-update may name a system (status-update@SYSTEM), got '\(part)' for key '\(parts[0])'")
                    }
                    system = pieces[1]
                }
                return pieces[0]
            }
            for r in roles where !known.contains(r) {
                throw Keys.apiKeys.invalid("names an unknown role '\(r)' for key '\(parts[0])'")
            }
            return APIKeyEntry(name: parts[0], key: parts[2], roles: roles, system: system)
        }
    }
}

extension WorkerConfiguration {
    /// Reads `pipeline.*` and `retry.*` (``WorkerConfiguration/Keys``, `RetryPolicy.Keys`).
    /// A value out of range is a `HeraldError` naming the setting.
    init(reading settings: SettingsReader) throws {
        self.init()
        batchSize = try settings.int(Keys.batchSize)
        batchesInFlight = try settings.int(Keys.batchesInFlight)
        let lease = try settings.int(Keys.leaseSeconds)
        let gather = try settings.int(Keys.gatherMilliseconds)
        let attempts = try settings.int(RetryPolicy.Keys.maxAttempts)
        let base = try settings.int(RetryPolicy.Keys.baseSeconds)
        guard (1...10_000).contains(batchSize) else { throw Keys.batchSize.invalid("must be 1 to 10000, got \(batchSize)") }
        guard (1...16).contains(batchesInFlight) else {
            throw Keys.batchesInFlight.invalid("must be 1 to 16, got \(batchesInFlight)")
        }
        guard (0...1_000).contains(gather) else { throw Keys.gatherMilliseconds.invalid("must be 0 to 1000 milliseconds, got \(gather)") }
        guard (5...86_400).contains(lease) else { throw Keys.leaseSeconds.invalid("must be 5 to 86400 seconds, got \(lease)") }
        guard (1...100).contains(attempts) else { throw RetryPolicy.Keys.maxAttempts.invalid("must be 1 to 100, got \(attempts)") }
        guard (1...86_400).contains(base) else { throw RetryPolicy.Keys.baseSeconds.invalid("must be 1 to 86400 seconds, got \(base)") }
        self.lease = .seconds(lease)
        gatherWait = .milliseconds(gather)
        retry.maxAttempts = attempts
        retry.baseDelay = .seconds(base)
    }
}
