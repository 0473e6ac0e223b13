import Foundation

/// A print batch as the bureau receives it: one ZIP file holding each letter's PDF as
/// `<piece id>.pdf`, in the manifest's order, then the manifest(s), `manifest.csv` and/or
/// `manifest.xml` (see ``PrintManifest``).
///
/// - PDFs are **stored** (not compressed): the renderer's PDFs are compressed inside already
///   (Flate content streams, subset fonts), so deflate would win a few percent for a large share
///   of the CPU a batch costs; the bureau also reads them straight out of the ZIP.
/// - Manifests are **deflated**: text that shrinks several times.
/// - The ZIP is deterministic: every entry dated the batch's ``PrintManifest/createdAt`` (UTC,
///   as ZIP's 2-second DOS time), permissions 0644, no extra fields; the same batch written
///   twice is the same bytes with the same SHA-256 (a batch rebuilt after a crash is
///   recognisably the same batch).
///
/// Build one with ``PrintBatchWriter`` (a letter at a time, so that the PDFs need not all be in
/// memory) or ``write(manifest:formats:to:pdf:)``.
public struct PrintBatchPackage: Sendable, Hashable {
    /// The ZIP's file name: ``zipName(prefix:batchId:)``.
    public var name: String
    /// Where the ZIP was written.
    public var url: URL
    /// SHA-256 of the ZIP file, 64 lowercase hex digits.
    public var sha256: String
    /// The ZIP's size in bytes.
    public var size: Int
    /// The manifest written into it.
    public var manifest: PrintManifest
    /// The entries' names, in the order they are in the ZIP.
    public var entries: [String]

    /// The ZIP's name for a batch: `<prefix>-<batch id>.zip` (`herald-B20261207-0001.zip`).
    public static func zipName(prefix: String = "herald", batchId: String) -> String {
        "\(prefix)-\(batchId).zip"
    }

    /// Writes the batch of `manifest` to `url` (replacing a file there), taking each letter's PDF
    /// from `pdf` in the manifest's order. Throws ``PrintManifestError`` when a PDF is not the
    /// one the manifest's digest names, and ZIPFoundation's or the file system's errors.
    public static func write(manifest: PrintManifest, formats: [PrintManifest.Format], prefix: String = "herald",
                             to url: URL, pdf: (PrintManifest.Letter) throws -> [UInt8]) throws -> PrintBatchPackage {
        let writer = try PrintBatchWriter(batchId: manifest.batchId, createdAt: manifest.createdAt, bureau: manifest.bureau,
                                          postage: manifest.postage, envelope: manifest.envelope, formats: formats,
                                          prefix: prefix, to: url)
        for letter in manifest.letters {
            try writer.add(letter, pdf: pdf(letter))
        }
        return try writer.finish()
    }
}
