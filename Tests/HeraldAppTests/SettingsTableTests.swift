import HeraldAppTestSupport
import Foundation
@testable import HeraldApp
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import Testing

/// Each setting is described once (`SettingKey`): the README's table is made from the
/// descriptions, the settings structs take their defaults from them, and errors name a setting
/// by key and variable through one mapping.
struct SettingsTableTests {
    /// README.md at the root of the package.
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The README's settings table: its header row and every table row after it.
    static func readmeTable() throws -> String {
        let lines = try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n")
        let header = try #require(lines.firstIndex(of: "| Key | Environment variable | Default | Meaning |"),
                                  "README.md has no settings table")
        return lines[header...].prefix { $0.hasPrefix("|") }.joined(separator: "\n") + "\n"
    }

    /// The keys a table names: the backquoted words of each row's first cell.
    static func keys(inTable table: String) -> [String] {
        table.components(separatedBy: "\n").dropFirst(2).compactMap { row -> [String]? in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 2 else { return nil }
            return cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }.flatMap(\.self)
    }

    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(name)-\(UUID().uuidString)").path
    }

    @Test func everySettingIsInTheReadmeAndTheReadmeNamesNoOther() throws {
        let documented = Self.keys(inTable: try Self.readmeTable())
        let described = HeraldSettings.Keys.all.map(\.key)
        let missing = described.filter { !documented.contains($0) }
        let unknown = documented.filter { !described.contains($0) }
        #expect(missing.isEmpty, "settings missing from README.md's table: \(missing)")
        #expect(unknown.isEmpty, "README.md's table names settings that do not exist: \(unknown)")
        #expect(Set(documented).count == documented.count, "README.md's table names a setting twice: \(documented)")
    }

    @Test func theReadmeTableIsTheOneTheDescriptionsMake() throws {
        let expected = HeraldSettings.markdownTable()
        #expect(try Self.readmeTable() == expected, "README.md's settings table differs from the descriptions; it should be:\n\(expected)")
    }

    @Test func keysAreUniqueAndMapToTheirVariablesOneWay() {
        let keys = HeraldSettings.Keys.all.map(\.key)
        #expect(Set(keys).count == keys.count, "\(keys)")
        #expect(SettingName.environmentVariable(for: "sms.http.auth.value.file") == "HERALD_SMS_HTTP_AUTH_VALUE_FILE")
        #expect(SettingName.display("smtp.port") == "smtp.port (HERALD_SMTP_PORT)")
        #expect(EmailTransportSettings.Keys.smtpPort.name == "smtp.port (HERALD_SMTP_PORT)")
        #expect(HeraldSettings.Keys.adminAPIKey.fileKey == "admin.api.key.file")
        // Dots become underscores and a camelCase word is split where its capital starts
        // (`external.allowPrivateTargets` → `HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS`), as the
        // environment provider reads it.
        for setting in HeraldSettings.Keys.all {
            let words = setting.key.replacingOccurrences(of: ".", with: "_").map { $0.isUppercase ? "_\($0)" : String($0) }.joined()
            #expect(setting.environmentVariable == "HERALD_" + words.uppercased())
        }
        #expect(SettingName.environmentVariable(for: "external.allowPrivateTargets") == "HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS")
    }

    /// The variable the mapping names is the one the environment provider reads, for every
    /// setting and every secret's file.
    @Test func eachVariableIsTheOneTheEnvironmentProviderReads() async throws {
        for setting in HeraldSettings.Keys.all {
            let reader = try await HeraldSettings.reader(
                dataDir: Self.scratch("env"), configFile: nil, environment: [setting.environmentVariable: "probe"])
            #expect(reader.text(setting) == "probe", "\(setting.key)")
            guard setting.isSecret else { continue }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-secret-\(UUID().uuidString)")
            try Data("from-file\n".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let fileReader = try await HeraldSettings.reader(
                dataDir: Self.scratch("env"), configFile: nil,
                environment: [SettingName.environmentVariable(for: setting.fileKey): file.path])
            #expect(try fileReader.secret(setting) == "from-file", "\(setting.fileKey)")
        }
    }

    @Test func withNothingConfiguredTheSettingsAreTheDescribedDefaults() async throws {
        let s = try await HeraldSettings.load(dataDir: Self.scratch("defaults"), environment: [:])
        #expect(s.host == HeraldSettings.Keys.httpHost.defaultValue && s.host == "127.0.0.1")
        #expect(s.port == HeraldSettings.Keys.httpPort.defaultValue && s.port == 8080)
        #expect(s.logLevel == HeraldSettings.Keys.logLevel.defaultValue && s.logLevel == .info)
        #expect(s.sqliteSynchronous == .normal && !s.letterPDFA)
        #expect(s.worker.batchSize == 500 && s.worker.batchesInFlight == 3 && s.worker.lease == .seconds(120))
        #expect(s.worker.gatherWait == .milliseconds(10) && WorkerConfiguration().gatherWait == s.worker.gatherWait)
        #expect(s.worker.retry.maxAttempts == 6 && s.worker.retry.baseDelay == .seconds(30))
        let plain = WorkerConfiguration()
        #expect(plain.batchSize == s.worker.batchSize && plain.batchesInFlight == s.worker.batchesInFlight && plain.lease == s.worker.lease)
        #expect(plain.retry == s.worker.retry)
        #expect(s.email == EmailTransportSettings() && s.email.transport == .outbox && !s.email.smtpUTF8)
        #expect(s.sms == SMSTransportSettings() && s.sms.transport == .outbox)
        #expect(s.catalogDirectory.lastPathComponent == "catalog" && s.apiKeys.isEmpty)
    }

    @Test func eachRouteTakesTheDescribedDefaults() async throws {
        let smtp = try #require(try await HeraldSettings.load(dataDir: Self.scratch("smtp"), environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "relay.example.net",
        ]).email.smtp)
        #expect(smtp == EmailTransportSettings.SMTP(host: "relay.example.net"))
        #expect(smtp.tls == .starttls && smtp.port == 587 && smtp.connections == 2 && smtp.username == nil && smtp.caFile == nil)

        let smpp = try #require(try await HeraldSettings.load(dataDir: Self.scratch("smpp"), environment: [
            "HERALD_SMS_TRANSPORT": "smpp", "HERALD_SMPP_HOST": "smsc.example.net", "HERALD_SMPP_SYSTEM_ID": "herald",
            "HERALD_SMPP_SOURCE_ADDR": "Herald",
        ]).sms.smpp)
        #expect(smpp == SMPPRouteSettings(host: "smsc.example.net", systemID: "herald", password: "", sourceAddress: "Herald"))
        #expect(smpp.port == 2775 && smpp.window == 64 && smpp.binds == 1 && smpp.tps == nil && smpp.bind == .transceiver)
        #expect(smpp.systemType == "" && smpp.password == "")

        let http = try #require(try await HeraldSettings.load(dataDir: Self.scratch("http"), environment: [
            "HERALD_SMS_TRANSPORT": "http", "HERALD_SMS_HTTP_URL": "https://sms.example.net/send", "HERALD_SMS_HTTP_FROM": "Herald",
        ]).sms.http)
        #expect(http == HTTPGatewaySettings(url: "https://sms.example.net/send", from: "Herald"))
        #expect(http.route == "default" && http.idPath == "id" && http.authHeader == nil && http.authValue == nil)
        #expect(http.body == #"{"to":"{{to}}","from":"{{from}}","text":"{{text}}","reference":"{{id}}"}"#)
    }

    @Test(arguments: [
        (["HERALD_HTTP_PORT": "70000"], "http.port"),
        (["HERALD_HTTP_PORT": "80a"], "http.port"),
        (["HERALD_PIPELINE_LEASE_SECONDS": "two minutes"], "pipeline.lease.seconds"),
        (["HERALD_PIPELINE_BATCH_SIZE": "0"], "pipeline.batch.size"),
        (["HERALD_PIPELINE_BATCH_GATHER_MILLISECONDS": "-1"], "pipeline.batch.gather.milliseconds"),
        (["HERALD_PIPELINE_BATCH_GATHER_MILLISECONDS": "1001"], "pipeline.batch.gather.milliseconds"),
        (["HERALD_RETRY_BASE_SECONDS": "0"], "retry.base.seconds"),
        (["HERALD_LOG_LEVEL": "loud"], "log.level"),
        (["HERALD_SQLITE_SYNCHRONOUS": "off"], "sqlite.synchronous"),
        (["HERALD_API_KEYS": "crm:root:k1"], "api.keys"),
        (["HERALD_ADMIN_API_KEY_FILE": "/nonexistent/herald-secret"], "admin.api.key.file"),
        (["HERALD_EMAIL_TRANSPORT": "smtp"], "smtp.host"),
        (["HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "relay", "HERALD_SMTP_PORT": "x"], "smtp.port"),
        (["HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "relay", "HERALD_SMTP_USERNAME": "u"], "smtp.password"),
        (["HERALD_DKIM_DOMAIN": "herald.example"], "dkim.selector"),
        (["HERALD_SMTP_SMTPUTF8": "maybe"], "smtp.smtputf8"),
        (["HERALD_SMS_TRANSPORT": "smpp"], "smpp.host"),
        (["HERALD_SMS_TRANSPORT": "http", "HERALD_SMS_HTTP_URL": "https://x.example", "HERALD_SMS_HTTP_ROUTE": "a/b"], "sms.http.route"),
    ])
    func errorsNameTheSettingByKeyAndVariable(_ environment: [String: String], _ key: String) async throws {
        let error = await #expect(throws: HeraldError.self) {
            _ = try await HeraldSettings.load(dataDir: Self.scratch("bad"), environment: environment)
        }
        #expect(error?.field == key, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(SettingName.display(key) + " ") == true, "\(String(describing: error))")
    }

    /// Numbers and booleans written as JSON values in the config file are read like their
    /// text in the environment (they were dropped before for settings read as text).
    @Test func jsonNumbersAndBooleansInTheConfigFileAreRead() async throws {
        let dir = Self.scratch("json")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/herald.json"
        let json = #"{"http": {"port": 9090}, "letter": {"pdfa": true}, "pipeline": {"batch": {"size": 250}},"#
            + #" "email": {"transport": "smtp"}, "smtp": {"host": "relay.example", "port": 2525, "connections": 4}}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        let s = try await HeraldSettings.load(dataDir: dir, configFile: file, environment: [:])
        #expect(s.port == 9090)
        #expect(s.letterPDFA)
        #expect(s.worker.batchSize == 250)
        #expect(s.email.smtp?.port == 2525)
        #expect(s.email.smtp?.connections == 4)
    }
}
