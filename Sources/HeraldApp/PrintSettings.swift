import Foundation
import HeraldCore
import HeraldPipeline

/// How letters leave (`letter.transport`) and, for the print bureau route, how they are
/// batched, marked, packed, dropped and read back (`print.*`, `print.sftp.*`).
public struct PrintSettings: Sendable {
    /// Where letters go.
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// `outbox/letter/<id>.pdf`, one file per letter (the default).
        case outbox
        /// Batches to the print bureau.
        case print
    }

    /// Where batches are dropped and return files read.
    public enum Drop: String, Sendable, Hashable, CaseIterable {
        /// A local folder (`print.directory`; returns in `print.returns.directory`).
        case folder
        /// The bureau's SFTP server (`print.sftp.*`; returns in `print.returns.directory` there).
        case sftp
        /// An S3 bucket (`print.s3.bucket` with the `s3.*` endpoint and credentials).
        case s3
    }

    /// What goes into a batch's ZIP besides the PDFs.
    public enum Manifest: String, Sendable, Hashable, CaseIterable {
        case csv, xml, both
    }

    public var transport: Transport = Keys.transport.defaultValue
    public var rules: PrintRules
    public var manifest: Manifest = Keys.manifest.defaultValue
    /// Width of the clear strip on each sheet's left edge, in millimetres.
    public var clearStrip: Double = Double(Keys.clearStrip.defaultValue)
    public var drop: Drop = Keys.drop.defaultValue
    /// The drop folder (folder drop: local path; sftp: the inbox on the server; s3: the key prefix).
    public var directory: String?
    /// Write `<name>.zip.ok` after the ZIP.
    public var okFile: Bool = Keys.okFile.defaultValue
    /// Where the bureau's return files appear (local or on the SFTP server).
    public var returnsDirectory: String?
    public var sftp: StorageSettings.SFTP?
    /// The bucket and its endpoint/credentials (`print.s3.bucket`, `s3.*`) for the `s3` drop.
    public var s3: StorageSettings.S3?

    public init() {
        rules = PrintRules(cutoff: (try? PrintCutoff(parsing: Keys.cutoff.defaultValue)) ?? PrintCutoff(hour: 16, minute: 0, timeZone: .gmt),
                           envelopes: (try? Envelope.parseList(Keys.envelopes.defaultValue)) ?? [])
    }

    /// The settings, with their defaults.
    public enum Keys {
        public static let transport = SettingKey(
            "letter.transport", default: Transport.outbox, documented: "`outbox`",
            meaning: "`outbox` (one PDF per letter in `outbox/letter/`) or `print` (batches to the print bureau, `print.*`)")
        public static let bureau = SettingKey("print.bureau", default: "bureau", meaning: "the print bureau's name (manifests, batches)")
        public static let batchMax = SettingKey("print.batch.max", default: 5_000, meaning: "letters per batch; a full batch is dropped at once")
        public static let cutoff = SettingKey(
            "print.cutoff", default: "16:00 Europe/London", meaning: "daily cut-off `HH:MM Area/City`: open batches close and are dropped then")
        public static let envelopes = SettingKey(
            "print.envelopes", default: "C5:5,C4:60", meaning: "envelopes by the most sheets each holds; a thicker letter is `errorNoRetry`")
        public static let duplex = SettingKey("print.duplex", default: true, meaning: "print on both sides (odd page counts get a blank back)")
        public static let postage = SettingKey(
            "print.postage", default: "second", meaning: "postage class of codes without code.json `letter.postage` (`first`, `second`, `economy`)")
        public static let manifest = SettingKey(
            "print.manifest", default: Manifest.both, documented: "`both`", meaning: "manifests in each batch ZIP: `csv`, `xml` or `both`")
        public static let clearStrip = SettingKey(
            "print.clear.strip", default: 18, meaning: "millimetres kept clear on each sheet's left edge for the sheet's Data Matrix")
        public static let drop = SettingKey(
            "print.drop", default: Drop.folder, documented: "`folder`", meaning: "where batches go: `folder`, `sftp` (`print.sftp.*`) or `s3`")
        public static let directory = SettingKey<String?>(
            "print.directory", default: nil, documented: "`<data-dir>/print-bureau/inbox`",
            meaning: "drop folder (`folder`), or key prefix (`s3`); for `sftp` see `print.sftp.directory`")
        public static let okFile = SettingKey("print.ok.file", default: false, meaning: "also write `<name>.zip.ok` once a ZIP is in place")
        public static let returnsDirectory = SettingKey<String?>(
            "print.returns.directory", default: nil, documented: "`<data-dir>/print-bureau/returns` (`folder`), `returns` (`sftp`)",
            meaning: "where the bureau's return files appear (on the SFTP server for `sftp`)")
        public static let s3Bucket = SettingKey<String?>("print.s3.bucket", default: nil, meaning: "bucket for `print.drop` = `s3` (with `s3.*`)")
        public static let sftp = SFTPSettingKeys(prefix: "print.sftp", requiredFor: "`print.drop` = `sftp`", defaultDirectory: "inbox",
                                                 directoryMeaning: "the bureau's inbox folder on its SFTP server")

        public static let all: [any SettingDescription] = [
            transport, bureau, batchMax, cutoff, envelopes, duplex, postage, manifest, clearStrip, drop, directory, okFile,
            returnsDirectory, s3Bucket,
        ] + sftp.all
    }
}

extension PrintSettings {
    /// Reads and validates the print settings (each bad value names its setting).
    init(reading settings: SettingsReader, environment: [String: String]) throws {
        self.init()
        transport = try settings.choice(Keys.transport, expected: "outbox or print") { Transport(rawValue: $0.lowercased()) }
        let max = try settings.int(Keys.batchMax)
        // The dropper holds a batch's PDFs and its ZIP in memory (~65 KB a letter): 20,000 letters
        // is ~1.3 GB; a larger batch is refused rather than risking the process.
        guard (1...20_000).contains(max) else { throw Keys.batchMax.invalid("must be 1 to 20000 letters, got \(max)") }
        let cutoff = try PrintCutoff(parsing: settings.string(Keys.cutoff))
        let envelopes = try Envelope.parseList(settings.string(Keys.envelopes))
        let postage = settings.string(Keys.postage)
        guard ["first", "second", "economy"].contains(postage) else {
            throw Keys.postage.invalid("must be first, second or economy, got '\(postage)'")
        }
        rules = PrintRules(bureau: settings.string(Keys.bureau), maxLetters: max, cutoff: cutoff, envelopes: envelopes,
                           duplex: try settings.flag(Keys.duplex), defaultPostage: postage)
        manifest = try settings.choice(Keys.manifest, expected: "csv, xml or both") { Manifest(rawValue: $0.lowercased()) }
        let strip = try settings.int(Keys.clearStrip)
        guard (0...40).contains(strip) else { throw Keys.clearStrip.invalid("must be 0 to 40 mm, got \(strip)") }
        clearStrip = Double(strip)
        drop = try settings.choice(Keys.drop, expected: "folder, sftp or s3") { Drop(rawValue: $0.lowercased()) }
        directory = settings.string(Keys.directory)
        okFile = try settings.flag(Keys.okFile)
        returnsDirectory = settings.string(Keys.returnsDirectory)
        guard transport == .print else { return }
        switch drop {
        case .folder: break
        case .sftp: sftp = try StorageSettings.SFTP(reading: settings, keys: Keys.sftp, requiredWhen: "\(Keys.drop.name) is sftp")
        case .s3:
            guard let bucket = settings.string(Keys.s3Bucket) else { throw Keys.s3Bucket.invalid("is required when \(Keys.drop.name) is s3") }
            s3 = try StorageSettings.S3(reading: settings, environment: environment, bucket: bucket, requiredWhen: "\(Keys.drop.name) is s3")
        }
    }
}
