import Foundation
import HeraldCore
import HeraldPipeline
import HeraldTransports
import Logging
import PrintMarks
import SFTP

/// The print bureau route's parts, built once per runtime from `print.*`: where batches are
/// dropped, how they are packed, where return files are read.
public struct PrintRoute: Sendable {
    public let rules: PrintRules
    public let target: any PrintDropTarget
    public let packager: any PrintPackager
    public let returns: any PrintReturnSource

    init(settings: HeraldSettings, logger: Logger) throws {
        let p = settings.print
        rules = p.rules
        let bureauFolder = settings.dataDirectory.appendingPathComponent("print-bureau")
        switch p.drop {
        case .folder:
            let inbox = p.directory.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) } ?? bureauFolder.appendingPathComponent("inbox")
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            target = ArchivePrintDrop(archive: try FileArchive(root: inbox), directory: "", okFile: p.okFile, description: inbox.path)
            let returnsFolder = p.returnsDirectory.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? bureauFolder.appendingPathComponent("returns")
            returns = FolderPrintReturns(folder: returnsFolder)
        case .sftp:
            guard let sftp = p.sftp else { throw PrintSettings.Keys.sftp.host.invalid("is required when \(PrintSettings.Keys.drop.name) is sftp") }
            let client = SFTPClient(configuration: sftp.configuration(), logger: logger)
            let archive = SFTPArchive(client: client, directory: sftp.directory)
            target = ArchivePrintDrop(archive: archive, directory: "", okFile: p.okFile,
                                      description: "sftp://\(sftp.user)@\(sftp.host):\(sftp.port)/\(sftp.directory)")
            returns = SFTPPrintReturns(client: client, folder: p.returnsDirectory ?? "returns")
        case .s3:
            guard let s3 = p.s3 else { throw PrintSettings.Keys.s3Bucket.invalid("is required when \(PrintSettings.Keys.drop.name) is s3") }
            target = ArchivePrintDrop(archive: try s3.makeArchive(), directory: p.directory ?? "inbox", okFile: p.okFile,
                                      description: "s3://\(s3.bucket)/\(p.directory ?? "inbox")")
            let returnsFolder = p.returnsDirectory.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? bureauFolder.appendingPathComponent("returns")
            returns = FolderPrintReturns(folder: returnsFolder)
        }
        let formats: [PrintManifest.Format] = switch p.manifest {
        case .csv: [.csv]
        case .xml: [.xml]
        case .both: [.csv, .xml]
        }
        let strip = p.clearStrip
        packager = ZipPrintPackager(formats: formats, prefix: p.rules.filePrefix, scratch: bureauFolder.appendingPathComponent(".scratch")) {
            pdf, batchId, pieceId, duplex in
            let marked = try PrintMarks.apply(to: pdf, batchId: batchId, pieceId: pieceId, duplex: duplex, clearStrip: strip)
            return (marked.pdf, marked.pages, marked.sheets)
        }
    }
}

extension HeraldRuntime {
    /// Files letters into print batches (in the letter sender's place).
    public func printBatcher(_ route: PrintRoute) -> PrintBatcher {
        PrintBatcher(loop: loop(.send(.letter)), documents: documents, catalog: catalog, rules: route.rules)
    }

    /// Drops due batches at the bureau.
    public func printDropper(_ route: PrintRoute) -> PrintDropper {
        PrintDropper(loop: loop(.printDrop), documents: documents, packager: route.packager, target: route.target)
    }

    /// Reads the bureau's return files.
    public func printReturnsPoller(_ route: PrintRoute) -> PrintReturnsPoller {
        PrintReturnsPoller(store: store, source: route.returns, logger: logger)
    }
}
