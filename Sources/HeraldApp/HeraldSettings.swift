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
/// upper case with `_` for `.`: `http.port` → `HERALD_HTTP_PORT`), the JSON config file
/// (`--config FILE`, else `<data-dir>/herald.json` when present; nested objects:
/// `{"http": {"port": 8080}}`), then the defaults below. A secret key `K` may instead be
/// given as a file path in `K.file` (`HERALD_ADMIN_API_KEY_FILE`), whose contents are used.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `data.dir` | `./herald-data` | SQLite database, documents, outbox |
/// | `catalog.dir` | `<data-dir>/catalog` | comms codes and templates |
/// | `http.host` | `127.0.0.1` | listen address |
/// | `http.port` | `8080` | listen port |
/// | `admin.api.key` | none | an API key with the admin role (secret) |
/// | `api.keys` | none | more keys: `name:role+role:key;…` (secret) |
/// | `pipeline.batch.size` | 500 | rows per claim |
/// | `pipeline.batches.in.flight` | 3 | batches each stage works on at once |
/// | `pipeline.lease.seconds` | 120 | claim lease |
/// | `retry.max.attempts` | 6 | transmission attempts before `errorNoRetry` |
/// | `retry.base.seconds` | 30 | first retry delay, doubling |
/// | `sqlite.synchronous` | `normal` | `normal` (survives process crashes) or `full` (also power loss) |
/// | `log.level` | `info` | trace, debug, info, notice, warning, error, critical |
/// | `letter.pdfa` | `false` | letters as PDF/A-2b (XMP metadata, sRGB output intent) for long-term archiving |
/// | `email.transport` | `outbox` | `outbox` or `smtp` |
/// | `smtp.host` | none | SMTP relay host (required for `smtp`) |
/// | `smtp.port` | by `smtp.tls`: 25, 587, 465 | relay port |
/// | `smtp.tls` | `starttls` | `none`, `starttls` (required) or `tls` (implicit); certificates verified |
/// | `smtp.username`, `smtp.password` | none | AUTH PLAIN/LOGIN credentials (password secret: `smtp.password.file`) |
/// | `smtp.ca.file` | system roots | PEM file of CA certificates to trust |
/// | `smtp.connections` | 2 | SMTP sessions at once (per-host limit) |
/// | `dkim.domain`, `dkim.selector`, `dkim.key.file` | none | DKIM-sign every email (all three, PEM RSA or Ed25519 key) |
/// | `sms.transport` | `outbox` | `outbox`, `smpp` or `http` (an aggregator's JSON-over-HTTP API) |
/// | `smpp.host`, `smpp.port` | none, 2775 | the SMSC (host required for `smpp`) |
/// | `smpp.system.id`, `smpp.password` | none | bind credentials (password secret: `smpp.password.file`) |
/// | `smpp.system.type` | empty | `system_type` of the bind |
/// | `smpp.source.addr` | none | sender: alphanumeric (≤ 11), short code or `+E.164` (required for `smpp`) |
/// | `smpp.bind` | `transceiver` | `transceiver` or `transmitter+receiver` |
/// | `smpp.window` | 64 | outstanding `submit_sm` per bind |
/// | `smpp.tps` | none | `submit_sm` per second for the route |
/// | `smpp.binds` | 1 | binds kept open to the SMSC |
/// | `sms.http.route` | `default` | the route's name in the status callback path `/v1/inbound/sms-status/{route}` |
/// | `sms.http.url` | none | the aggregator's endpoint, `http` or `https` (required for `http`) |
/// | `sms.http.auth.header`, `sms.http.auth.value` | `Authorization` (with a value), none | an authentication header sent with every request (value secret: `sms.http.auth.value.file`) |
/// | `sms.http.body` | `{"to":"{{to}}","from":"{{from}}","text":"{{text}}","reference":"{{id}}"}` | JSON body template; `{{to}}`, `{{from}}`, `{{text}}`, `{{id}}` (distribution id) are JSON-escaped |
/// | `sms.http.id.path` | `id` | dotted path of the provider message id in the response (`messages.0.id`) |
/// | `sms.http.from` | none | the sender (required when the body uses `{{from}}`) |
public struct HeraldSettings: Sendable {
    public var dataDirectory: URL
    public var catalogDirectory: URL
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var apiKeys: [APIKeyEntry] = []
    public var worker = WorkerConfiguration()
    public var logLevel: Logger.Level = .info
    public var sqliteSynchronous: SQLiteStore.Configuration.Synchronous = .normal
    /// Letters as PDF/A-2b instead of plain PDF 1.7 (`letter.pdfa`).
    public var letterPDFA = false
    /// How emails leave: the outbox or SMTP, DKIM or not (`email.transport`, `smtp.*`, `dkim.*`).
    public var email = EmailTransportSettings()
    /// How SMS leave: the outbox, an SMPP route or an HTTP gateway (`sms.transport`, `smpp.*`, `sms.http.*`).
    public var sms = SMSTransportSettings()

    /// One configured API key.
    public struct APIKeyEntry: Sendable, Hashable {
        public var name: String
        public var key: String
        public var roles: [String]
        public init(name: String, key: String, roles: [String]) {
            self.name = name
            self.key = key
            self.roles = roles
        }
    }

    public var databasePath: String { dataDirectory.appendingPathComponent("herald.sqlite").path }
    public var documentsDirectory: URL { dataDirectory.appendingPathComponent("documents") }
    public var outboxDirectory: URL { dataDirectory.appendingPathComponent("outbox") }

    public init(dataDirectory: URL, catalogDirectory: URL? = nil) {
        self.dataDirectory = dataDirectory
        self.catalogDirectory = catalogDirectory ?? dataDirectory.appendingPathComponent("catalog")
    }

    /// Reads the settings. Flags override everything; nil flags fall through.
    public static func load(
        dataDir: String?, catalogDir: String? = nil, host: String? = nil, port: Int? = nil, configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> HeraldSettings {
        let env = EnvironmentVariablesProvider(environmentVariables: environment.filter { $0.key.hasPrefix("HERALD_") })
            .prefixKeys(with: "herald")
        var providers: [any ConfigProvider] = [env]
        let earlyDataDir = dataDir ?? environment["HERALD_DATA_DIR"] ?? "./herald-data"
        let defaultFile = URL(fileURLWithPath: earlyDataDir).appendingPathComponent("herald.json").path
        if let configFile {
            guard FileManager.default.fileExists(atPath: configFile) else {
                throw HeraldError.invalid("--config", "config file \(configFile) does not exist")
            }
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        } else if FileManager.default.fileExists(atPath: defaultFile) {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(defaultFile)))
        }
        let config = ConfigReader(providers: providers)

        let data = URL(fileURLWithPath: dataDir ?? config.string(forKey: "data.dir", default: "./herald-data")).standardizedFileURL
        var s = HeraldSettings(dataDirectory: data)
        if let c = catalogDir ?? config.string(forKey: "catalog.dir") {
            s.catalogDirectory = URL(fileURLWithPath: c).standardizedFileURL
        }
        s.host = host ?? config.string(forKey: "http.host", default: "127.0.0.1")
        s.port = port ?? config.int(forKey: "http.port", default: 8080)
        guard (0...65535).contains(s.port) else { throw HeraldError.invalid("http.port", "port \(s.port) is out of range") }
        if let admin = try secret(config, "admin.api.key") {
            s.apiKeys.append(APIKeyEntry(name: "admin", key: admin, roles: ["admin"]))
        }
        if let list = try secret(config, "api.keys") {
            s.apiKeys += try parseKeys(list)
        }
        s.worker.batchSize = config.int(forKey: "pipeline.batch.size", default: 500)
        s.worker.batchesInFlight = config.int(forKey: "pipeline.batches.in.flight", default: 3)
        let lease = config.int(forKey: "pipeline.lease.seconds", default: 120)
        let attempts = config.int(forKey: "retry.max.attempts", default: 6)
        let base = config.int(forKey: "retry.base.seconds", default: 30)
        guard (1...10_000).contains(s.worker.batchSize) else { throw HeraldError.invalid("pipeline.batch.size", "must be 1 to 10000") }
        guard (1...16).contains(s.worker.batchesInFlight) else { throw HeraldError.invalid("pipeline.batches.in.flight", "must be 1 to 16") }
        guard (5...86_400).contains(lease) else { throw HeraldError.invalid("pipeline.lease.seconds", "must be 5 to 86400 seconds") }
        guard (1...100).contains(attempts) else { throw HeraldError.invalid("retry.max.attempts", "must be 1 to 100") }
        guard (1...86_400).contains(base) else { throw HeraldError.invalid("retry.base.seconds", "must be 1 to 86400 seconds") }
        s.worker.lease = .seconds(lease)
        s.worker.retry.maxAttempts = attempts
        s.worker.retry.baseDelay = .seconds(base)
        let sync = config.string(forKey: "sqlite.synchronous", default: "normal")
        guard let parsedSync = SQLiteStore.Configuration.Synchronous(rawValue: sync.uppercased()) else {
            throw HeraldError.invalid("sqlite.synchronous", "expected normal or full, got '\(sync)'")
        }
        s.sqliteSynchronous = parsedSync
        let level = config.string(forKey: "log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else { throw HeraldError.invalid("log.level", "unknown log level '\(level)'") }
        s.logLevel = parsed
        let pdfa = config.string(forKey: "letter.pdfa", default: "false").lowercased()
        guard ["true", "false"].contains(pdfa) else { throw HeraldError.invalid("letter.pdfa", "expected true or false, got '\(pdfa)'") }
        s.letterPDFA = pdfa == "true"
        s.email = try emailSettings(config)
        s.sms = try smsSettings(config)
        return s
    }

    /// A secret from `key`, or from the file named by `key.file`.
    static func secret(_ config: ConfigReader, _ key: String) throws -> String? {
        if let v = config.string(forKey: ConfigKey(key), isSecret: true), !v.isEmpty { return v }
        guard let path = config.string(forKey: ConfigKey(key + ".file")) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HeraldError.invalid(key + ".file", "cannot read secret file \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `name:role+role:key;name:role:key`.
    static func parseKeys(_ text: String) throws -> [APIKeyEntry] {
        let known: Set<String> = ["trigger", "status-update", "agent", "admin"]
        return try text.split(separator: ";").map { entry in
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty else {
                throw HeraldError.invalid("api.keys", "expected name:role+role:key, got an entry with \(parts.count) parts")
            }
            let roles = parts[1].split(separator: "+").map(String.init)
            for r in roles where !known.contains(r) {
                throw HeraldError.invalid("api.keys", "unknown role '\(r)' for key '\(parts[0])'")
            }
            return APIKeyEntry(name: parts[0], key: parts[2], roles: roles)
        }
    }
}
