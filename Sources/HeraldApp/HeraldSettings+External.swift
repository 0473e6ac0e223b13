import Foundation
import HeraldCore
import HeraldTransports
import Logging
import SFTP

/// How external comms leave when they do not stay in the outbox: signed webhooks to the
/// external systems of the config file (`external.systems`, `external.allowPrivateTargets`),
/// or generic-format extract files (`external.extract.*`). The choice between them
/// (`external.transport`) is made by the runtime, which calls ``makeTransmitter(_:dataDirectory:catalog:logger:)``.
///
/// The systems map is read from the config file's JSON directly (``ExternalSystems``): it is a
/// map of the operator's names, which swift-configuration cannot list. Every other setting is
/// read like the rest (environment, then the config file, then the default).
public struct ExternalRouteSettings: Sendable {
    /// The two routes this settings struct makes transmitters for.
    public enum Route: String, Sendable, Hashable, CaseIterable {
        /// Signed webhooks (``WebhookTransmitter``).
        case webhook
        /// Extract files (``ExtractTransmitter``).
        case extract
    }

    /// Where extract files are put.
    public enum Drop: String, Sendable, Hashable, CaseIterable {
        /// A local folder (`external.extract.folder`).
        case folder
        /// An SFTP server (`external.extract.sftp.*`).
        case sftp
        /// An S3 bucket (`external.extract.s3.bucket` with the `s3.*` endpoint and credentials).
        case s3
    }

    /// The external systems webhooks go to.
    public var systems = ExternalSystems()
    /// Webhook targets on loopback, link-local and private addresses are allowed (``Keys/allowPrivateTargets``).
    public var allowPrivateTargets = Keys.allowPrivateTargets.defaultValue
    /// The extract files' format (``Keys/extractFormat``).
    public var extractFormat: ExtractTransmitter.Format = Keys.extractFormat.defaultValue
    /// Where extract files go (``Keys/extractDrop``).
    public var extractDrop: Drop = Keys.extractDrop.defaultValue
    /// The local folder (`folder`) or key prefix (`s3`); nil takes the default.
    public var extractFolder: String?
    /// The SFTP server of the `sftp` drop.
    public var extractSFTP: StorageSettings.SFTP?
    /// The bucket and its endpoint/credentials of the `s3` drop.
    public var extractS3: StorageSettings.S3?

    public init() {}

    /// The settings, with their defaults.
    public enum Keys {
        /// `external.allowPrivateTargets`.
        public static let allowPrivateTargets = SettingKey(
            "external.allowPrivateTargets", default: false,
            meaning: "`true` lets webhooks go to loopback, link-local and private addresses (refused by default: SSRF guard)")
        /// `external.extract.format`.
        public static let extractFormat = SettingKey(
            "external.extract.format", default: ExtractTransmitter.Format.ndjson,
            meaning: "extract file format: `ndjson` (one JSON object per line) or `csv` (docs/external-extract.md)")
        /// `external.extract.drop`.
        public static let extractDrop = SettingKey(
            "external.extract.drop", default: Drop.folder, documented: "`folder`",
            meaning: "where extract files go: `folder`, `sftp` (`external.extract.sftp.*`) or `s3` (`external.extract.s3.bucket`, `s3.*`)")
        /// `external.extract.folder`.
        public static let extractFolder = SettingKey<String?>(
            "external.extract.folder", default: nil, documented: "`<data-dir>/external-extract` (`folder`), `external` (`s3`)",
            meaning: "extract folder (`folder`) or key prefix (`s3`); for `sftp` see `external.extract.sftp.directory`")
        /// `external.extract.s3.bucket`.
        public static let extractS3Bucket = SettingKey<String?>(
            "external.extract.s3.bucket", default: nil, meaning: "bucket for `external.extract.drop` = `s3` (with `s3.*`)")
        /// `external.extract.sftp.*`.
        public static let extractSFTP = SFTPSettingKeys(
            prefix: "external.extract.sftp", requiredFor: "`external.extract.drop` = `sftp`", defaultDirectory: "external",
            directoryMeaning: "folder on the SFTP server extract files are put in")
        /// Every external setting, in the order of the settings table. The `external.systems`
        /// map is not among them: it is read from the config file only (``ExternalSystems``).
        public static let all: [any SettingDescription] = [
            allowPrivateTargets, extractFormat, extractDrop, extractFolder, extractS3Bucket,
        ] + extractSFTP.all
    }

    /// The config file `HeraldSettings` reads: `configFile`, else `<data-dir>/herald.json` when
    /// it exists (the data folder from `dataDir`, else `HERALD_DATA_DIR`, else the default).
    public static func configFileURL(dataDir: String?, configFile: String?,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let configFile { return URL(fileURLWithPath: configFile) }
        let data = dataDir ?? environment[HeraldSettings.Keys.dataDir.environmentVariable] ?? HeraldSettings.Keys.dataDir.defaultValue
        let file = URL(fileURLWithPath: data).appendingPathComponent("herald.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }
}

extension ExternalRouteSettings {
    /// Reads the external settings: `external.systems` from `configFile` (nil: none), the rest
    /// from `settings`; `environment` gives the `AWS_*` fallbacks of the `s3` drop. A bad value
    /// is a `HeraldError` naming the setting.
    init(reading settings: SettingsReader, configFile: URL?, environment: [String: String]) throws {
        self.init()
        if let configFile, let data = FileManager.default.contents(atPath: configFile.path) {
            systems = try ExternalSystems.read(configJSON: data, baseDirectory: configFile.deletingLastPathComponent())
        }
        allowPrivateTargets = try settings.flag(Keys.allowPrivateTargets)
        extractFormat = try settings.choice(Keys.extractFormat, expected: "ndjson or csv") {
            ExtractTransmitter.Format(rawValue: $0.lowercased())
        }
        extractDrop = try settings.choice(Keys.extractDrop, expected: "folder, sftp or s3") { Drop(rawValue: $0.lowercased()) }
        extractFolder = settings.string(Keys.extractFolder)
        switch extractDrop {
        case .folder:
            break
        case .sftp:
            extractSFTP = try StorageSettings.SFTP(reading: settings, keys: Keys.extractSFTP,
                                                   requiredWhen: "\(Keys.extractDrop.name) is sftp")
        case .s3:
            guard let bucket = settings.string(Keys.extractS3Bucket) else {
                throw Keys.extractS3Bucket.invalid("is required when \(Keys.extractDrop.name) is s3")
            }
            extractS3 = try StorageSettings.S3(reading: settings, environment: environment, bucket: bucket,
                                               requiredWhen: "\(Keys.extractDrop.name) is s3")
        }
    }

    /// The transmitter of `route`: webhooks to ``systems`` (at least one is needed), or extract
    /// files to the configured drop (the local folder, `<data-dir>/external-extract` by
    /// default, is made). Each code's system is read from `catalog` when its comms are sent.
    public func makeTransmitter(_ route: Route, dataDirectory: URL, catalog: any TemplateCatalog, logger: Logger) throws -> any Transmitter {
        switch route {
        case .webhook:
            guard !systems.systems.isEmpty else {
                throw HeraldError.invalid("external.systems", "webhooks need at least one system in the config file's external.systems")
            }
            return WebhookTransmitter(systems: systems, allowPrivateTargets: allowPrivateTargets, catalog: catalog, logger: logger)
        case .extract:
            let destination: any DocumentArchive
            var prefix = ""
            switch extractDrop {
            case .folder:
                let folder = extractFolder.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                    ?? dataDirectory.appendingPathComponent("external-extract")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                destination = try FileArchive(root: folder)
            case .sftp:
                guard let sftp = extractSFTP else { throw Keys.extractSFTP.host.invalid("is required when \(Keys.extractDrop.name) is sftp") }
                destination = SFTPArchive(client: SFTPClient(configuration: sftp.configuration(), logger: logger), directory: sftp.directory)
            case .s3:
                guard let s3 = extractS3 else { throw Keys.extractS3Bucket.invalid("is required when \(Keys.extractDrop.name) is s3") }
                destination = try s3.makeArchive()
                prefix = extractFolder ?? "external"
            }
            return ExtractTransmitter(format: extractFormat, destination: destination, prefix: prefix, catalog: catalog, logger: logger)
        }
    }
}
