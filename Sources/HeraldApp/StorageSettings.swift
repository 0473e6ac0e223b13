import Foundation
import HeraldCore
import HeraldTransports
import SFTP
import Logging

/// Where the storage step keeps every document's long-term copy (`storage.*`, `s3.*`,
/// `sftp.*`), and how long the local packs stay (`documents.local.retention.days`).
public struct StorageSettings: Sendable, Hashable {
    /// The long-term store.
    public enum Backend: String, Sendable, Hashable, CaseIterable {
        /// `<data-dir>/storage/` (the default).
        case fs
        /// An S3 bucket (`s3.*`).
        case s3
        /// A folder on an SFTP server (`sftp.*`).
        case sftp
    }

    /// An S3 bucket and how to reach it.
    public struct S3: Sendable, Hashable {
        public var endpoint: String?
        public var region: String
        public var bucket: String
        public var pathStyle: Bool
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?
        /// `x-amz-server-side-encryption` value (`AES256`, `aws:kms`), if any.
        public var serverSideEncryption: String?
    }

    /// An SFTP server and folder.
    public struct SFTP: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var keyFile: String?
        public var knownHosts: String
        public var directory: String
        /// SSH sessions in the pool (`sftp.sessions`).
        public var sessions: Int = 2
    }

    public var backend: Backend = Keys.backend.defaultValue
    public var prefix: String = Keys.prefix.defaultValue
    public var s3: S3?
    public var sftp: SFTP?
    /// The AES-256-GCM key file (`storage.encryption.key.file`); nil stores in the clear.
    public var encryptionKeyFile: String?
    /// Documents put at once (``Keys/concurrency``).
    public var concurrency: Int = Keys.concurrency.defaultValue
    /// Days a local pack is kept once every document in it is stored and sent; 0 keeps them.
    public var localRetentionDays: Int = Keys.localRetentionDays.defaultValue

    public init() {}

    /// The settings, with their defaults.
    public enum Keys {
        public static let backend = SettingKey(
            "storage.backend", default: Backend.fs, documented: "`fs`",
            meaning: "where every email and letter is kept long-term: `fs` (`<data-dir>/storage/`), `s3` or `sftp`")
        public static let prefix = SettingKey(
            "storage.prefix", default: "herald", meaning: "first part of every stored object's key: `<prefix>/YYYY/MM/dd/HH/<request id>.<ext>`")
        public static let encryptionKeyFile = SettingKey<String?>(
            "storage.encryption.key.file", default: nil,
            meaning: "AES-256-GCM key file (`<key id> <base64 32 bytes>` per line; the first writes, all read); unset stores in the clear")
        public static let concurrency = SettingKey(
            "storage.concurrency", default: 16, meaning: "documents the storage daemon puts at once")
        public static let localRetentionDays = SettingKey(
            "documents.local.retention.days", default: 0,
            meaning: "days a local document pack is kept once all its documents are stored and sent; `0` keeps them")
        public static let s3Endpoint = SettingKey<String?>(
            "s3.endpoint", default: nil, documented: "AWS", meaning: "S3-compatible endpoint URL (e.g. `http://127.0.0.1:9000`)")
        public static let s3Region = SettingKey("s3.region", default: "us-east-1", meaning: "S3 region (signing)")
        public static let s3Bucket = SettingKey<String?>("s3.bucket", default: nil, meaning: "S3 bucket (required for `s3`)")
        public static let s3PathStyle = SettingKey(
            "s3.path.style", default: false, meaning: "`true` addresses `endpoint/bucket/key` instead of `bucket.endpoint/key`")
        public static let s3AccessKeyID = SettingKey<String?>(
            "s3.access.key.id", default: nil, secret: true, meaning: "S3 access key id; else `AWS_ACCESS_KEY_ID`")
        public static let s3SecretAccessKey = SettingKey<String?>(
            "s3.secret.access.key", default: nil, secret: true, meaning: "S3 secret key; else `AWS_SECRET_ACCESS_KEY`")
        public static let s3SessionToken = SettingKey<String?>(
            "s3.session.token", default: nil, secret: true, meaning: "S3 session token (temporary credentials); else `AWS_SESSION_TOKEN`")
        public static let s3ServerSideEncryption = SettingKey<String?>(
            "s3.server.side.encryption", default: nil, meaning: "`AES256` or `aws:kms` asks S3 to encrypt at rest as well")
        public static let sftp = SFTPSettingKeys(prefix: "sftp", requiredFor: "`sftp`", defaultDirectory: "herald-storage",
                                                 directoryMeaning: "folder on the SFTP server that holds the stored documents")
        public static var sftpHost: SettingKey<String?> { sftp.host }
        public static var sftpPassword: SettingKey<String?> { sftp.password }

        public static let all: [any SettingDescription] = [
            backend, prefix, encryptionKeyFile, concurrency, localRetentionDays,
            s3Endpoint, s3Region, s3Bucket, s3PathStyle, s3AccessKeyID, s3SecretAccessKey, s3SessionToken, s3ServerSideEncryption,
        ] + sftp.all
    }
}

extension StorageSettings {
    /// Reads and validates the storage settings; `environment` gives the `AWS_*` fallbacks.
    init(reading settings: SettingsReader, environment: [String: String]) throws {
        self.init()
        backend = try settings.choice(Keys.backend, expected: "fs, s3 or sftp") { Backend(rawValue: $0.lowercased()) }
        prefix = settings.string(Keys.prefix)
        guard !prefix.split(separator: "/").contains(".."), !prefix.hasPrefix("/") else {
            throw Keys.prefix.invalid("must be a relative path without '..', got '\(prefix)'")
        }
        encryptionKeyFile = settings.string(Keys.encryptionKeyFile)
        concurrency = try settings.int(Keys.concurrency)
        guard (1...256).contains(concurrency) else { throw Keys.concurrency.invalid("must be 1 to 256, got \(concurrency)") }
        localRetentionDays = try settings.int(Keys.localRetentionDays)
        guard (0...36_500).contains(localRetentionDays) else {
            throw Keys.localRetentionDays.invalid("must be 0 to 36500 days, got \(localRetentionDays)")
        }
        switch backend {
        case .fs:
            break
        case .s3:
            let required = "is required when \(Keys.backend.name) is s3"
            guard let bucket = settings.string(Keys.s3Bucket) else { throw Keys.s3Bucket.invalid(required) }
            s3 = try S3(reading: settings, environment: environment, bucket: bucket, requiredWhen: "\(Keys.backend.name) is s3")
        case .sftp:
            sftp = try SFTP(reading: settings, keys: Keys.sftp, requiredWhen: "\(Keys.backend.name) is sftp")
        }
    }
}

extension StorageSettings {
    /// The configured backend, wrapped in a ``SealingArchive`` when a key file is set. A key
    /// file that cannot be read or parsed is an error naming the setting.
    func makeArchive(settings: HeraldSettings, logger: Logger) throws -> any DocumentArchive {
        let inner: any DocumentArchive
        switch backend {
        case .fs:
            try FileManager.default.createDirectory(at: settings.storageDirectory, withIntermediateDirectories: true)
            inner = try FileArchive(root: settings.storageDirectory, locationBase: settings.dataDirectory)
        case .s3:
            guard let s3 else { throw Keys.s3Bucket.invalid("is required when \(Keys.backend.name) is s3") }
            inner = try s3.makeArchive()
        case .sftp:
            guard let sftp else { throw Keys.sftpHost.invalid("is required when \(Keys.backend.name) is sftp") }
            inner = SFTPArchive(client: SFTPClient(configuration: sftp.configuration(), logger: logger),
                                directory: sftp.directory)
        }
        guard let file = encryptionKeyFile else { return inner }
        do {
            return SealingArchive(inner, keyring: try StorageKeyring.load(path: file))
        } catch {
            throw Keys.encryptionKeyFile.invalid("\(error)")
        }
    }
}

extension StorageSettings.S3 {
    /// Reads the S3 endpoint and credentials (`s3.*`) for `bucket`. Credentials come from one
    /// family, never mixed: Herald's own (`s3.access.key.id`…), else the standard `AWS_*` ones.
    init(reading settings: SettingsReader, environment: [String: String], bucket: String, requiredWhen: String) throws {
        typealias Keys = StorageSettings.Keys
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let own = try (settings.secret(Keys.s3AccessKeyID), settings.secret(Keys.s3SecretAccessKey))
        let id: String, secret: String, token: String?
        if let i = own.0, let s = own.1 {
            (id, secret, token) = (i, s, try settings.secret(Keys.s3SessionToken))
        } else if let i = env("AWS_ACCESS_KEY_ID"), let s = env("AWS_SECRET_ACCESS_KEY") {
            (id, secret, token) = (i, s, env("AWS_SESSION_TOKEN"))
        } else {
            throw Keys.s3AccessKeyID.invalid(
                "and \(Keys.s3SecretAccessKey.name) (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) are required when \(requiredWhen)")
        }
        self.init(endpoint: settings.string(Keys.s3Endpoint), region: settings.string(Keys.s3Region), bucket: bucket,
                  pathStyle: try settings.flag(Keys.s3PathStyle), accessKeyID: id, secretAccessKey: secret, sessionToken: token,
                  serverSideEncryption: settings.string(Keys.s3ServerSideEncryption))
    }

    /// The S3 backend for this bucket (no sealing).
    func makeArchive() throws -> S3Archive {
        var credentials = ["HERALD_S3_ACCESS_KEY_ID": accessKeyID, "HERALD_S3_SECRET_ACCESS_KEY": secretAccessKey]
        credentials["HERALD_S3_SESSION_TOKEN"] = sessionToken
        do {
            return try S3Archive.make(
                endpoint: endpoint, region: region, bucket: bucket, pathStyle: pathStyle,
                serverSideEncryption: try S3Archive.serverSideEncryption(setting: serverSideEncryption ?? ""), environment: credentials)
        } catch let failure as ArchiveFailure {
            throw StorageSettings.Keys.s3Endpoint.invalid(failure.message)
        }
    }
}

/// The settings of one SFTP server, under a key prefix (`sftp.*` for storage, `print.sftp.*` for
/// the print bureau: `HERALD_SFTP_HOST`, `HERALD_PRINT_SFTP_HOST`, …).
public struct SFTPSettingKeys: Sendable {
    public let host: SettingKey<String?>
    public let port: SettingKey<Int>
    public let user: SettingKey<String?>
    public let password: SettingKey<String?>
    public let keyFile: SettingKey<String?>
    public let knownHosts: SettingKey<String>
    public let directory: SettingKey<String>
    public let sessions: SettingKey<Int>

    public init(prefix: String, requiredFor: String, defaultDirectory: String, directoryMeaning: String) {
        host = SettingKey<String?>("\(prefix).host", default: nil, meaning: "SFTP server (required for \(requiredFor))")
        port = SettingKey("\(prefix).port", default: 22, meaning: "SFTP port")
        user = SettingKey<String?>("\(prefix).user", default: nil, meaning: "SFTP user (required for \(requiredFor))")
        password = SettingKey<String?>("\(prefix).password", default: nil, secret: true, meaning: "SFTP password (or a key file)")
        keyFile = SettingKey<String?>("\(prefix).key.file", default: nil, meaning: "OpenSSH private key file (ed25519 or ECDSA) for SFTP")
        knownHosts = SettingKey("\(prefix).known.hosts", default: "~/.ssh/known_hosts",
                                meaning: "OpenSSH known_hosts file the server's host key must be in")
        directory = SettingKey("\(prefix).directory", default: defaultDirectory, meaning: directoryMeaning)
        sessions = SettingKey(
            "\(prefix).sessions", default: 2,
            meaning: "SSH sessions kept open; each pipelines many files. OpenSSH serves a session on one core and "
                + "serialises creates in one folder, so more sessions help only servers with cores to spare")
    }

    public var all: [any SettingDescription] { [host, port, user, password, keyFile, knownHosts, directory, sessions] }
}

extension StorageSettings.SFTP {
    /// Reads one server's settings, validated; `requiredWhen` says why they are needed.
    init(reading settings: SettingsReader, keys: SFTPSettingKeys, requiredWhen: String) throws {
        let required = "is required when \(requiredWhen)"
        guard let host = settings.string(keys.host) else { throw keys.host.invalid(required) }
        guard let user = settings.string(keys.user) else { throw keys.user.invalid(required) }
        let port = try settings.int(keys.port)
        guard (1...65535).contains(port) else { throw keys.port.invalid("must be a port number 1–65535, got \(port)") }
        let password = try settings.secret(keys.password)
        // `~` is expanded as a shell would (a config file may say ~/.ssh/id_ed25519).
        let keyFile = settings.string(keys.keyFile).map { ($0 as NSString).expandingTildeInPath }
        guard password != nil || keyFile != nil else { throw keys.keyFile.invalid("or \(keys.password.name) \(required)") }
        self.init(host: host, port: port, user: user, password: password, keyFile: keyFile,
                  knownHosts: (settings.string(keys.knownHosts) as NSString).expandingTildeInPath, directory: settings.string(keys.directory))
        sessions = try settings.int(keys.sessions)
        guard (1...32).contains(sessions) else { throw keys.sessions.invalid("must be 1 to 32, got \(sessions)") }
    }

    /// The SFTP module's configuration for this server (key file first, else the password).
    func configuration() -> SFTPConfiguration {
        let authentication: SFTPConfiguration.Authentication = keyFile.map { .privateKey(path: $0) } ?? .password(password ?? "")
        return SFTPConfiguration(host: host, port: port, user: user, authentication: authentication, knownHostsFile: knownHosts,
                                 sessions: sessions)
    }
}
