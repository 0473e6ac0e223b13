import Crypto
import Foundation
import ZIPFoundation

/// Writes a ``PrintBatchPackage`` a letter at a time: ``add(_:pdf:)`` puts each PDF into the ZIP
/// as it comes (checking it against the letter's digest), ``finish()`` writes the manifest(s)
/// and hashes the file. Not for use from two tasks at once.
public final class PrintBatchWriter {
    public let batchId: String
    public let createdAt: Date
    public let bureau: String
    public let postage: PrintManifest.PostageClass
    public let envelope: String
    public let formats: [PrintManifest.Format]
    public let name: String
    public let url: URL
    private var archive: Archive?
    private var letters: [PrintManifest.Letter] = []
    private var pieceIds: Set<String> = []
    private var entries: [String] = []

    /// Starts the ZIP at `url` (a file there is replaced). `formats` must name at least one
    /// manifest; the batch's fields are checked as ``PrintManifest`` checks them.
    public init(batchId: String, createdAt: Date, bureau: String, postage: PrintManifest.PostageClass, envelope: String,
                formats: [PrintManifest.Format], prefix: String = "herald", to url: URL) throws {
        try PrintManifest.checkHeader(batchId: batchId, bureau: bureau, envelope: envelope)
        if let problem = PrintManifest.identifierProblem(prefix) { throw PrintManifestError.invalid(nil, "prefix", problem) }
        guard !formats.isEmpty else { throw PrintManifestError.invalid(nil, "formats", "must name csv, xml or both") }
        self.batchId = batchId
        // Whole seconds, as the manifest writes it.
        self.createdAt = PrintManifest.wholeSeconds(createdAt)
        self.bureau = bureau
        self.postage = postage
        self.envelope = envelope
        var unique: [PrintManifest.Format] = []
        for format in formats where !unique.contains(format) { unique.append(format) }
        self.formats = unique
        self.name = PrintBatchPackage.zipName(prefix: prefix, batchId: batchId)
        self.url = url
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        self.archive = try Archive(url: url, accessMode: .create)
    }

    /// Adds `letter`'s PDF as `<piece id>.pdf`. Throws ``PrintManifestError`` when the letter is
    /// not one the manifest can carry (or its piece id is already in the batch), or `pdf` is
    /// not the PDF its ``PrintManifest/Letter/sha256`` names.
    public func add(_ letter: PrintManifest.Letter, pdf: [UInt8]) throws {
        guard let archive else { throw PrintManifestError.invalid(letter.pieceId, "letters", "added after finish()") }
        try PrintManifest.check(letter, postage: postage, envelope: envelope)
        guard !pieceIds.contains(letter.pieceId) else {
            throw PrintManifestError.invalid(letter.pieceId, "pieceId", "appears twice in the batch")
        }
        guard PrintManifest.sha256(pdf) == letter.sha256 else {
            throw PrintManifestError.invalid(letter.pieceId, "sha256", "is not the SHA-256 of the PDF given")
        }
        try add(entry: letter.fileName, bytes: pdf, compression: .none, to: archive)
        pieceIds.insert(letter.pieceId)
        letters.append(letter)
    }

    /// Writes the manifest(s), closes the ZIP and returns it with its digest. Throws
    /// ``PrintManifestError`` for a batch without letters.
    public func finish() throws -> PrintBatchPackage {
        guard let archive else { throw PrintManifestError.invalid(nil, "letters", "finish() called twice") }
        let manifest = try PrintManifest(batchId: batchId, createdAt: createdAt, bureau: bureau, postage: postage,
                                         envelope: envelope, letters: letters)
        for format in formats {
            try add(entry: format.entryName, bytes: format == .csv ? manifest.csv() : manifest.xml(),
                    compression: .deflate, to: archive)
        }
        // ZIPFoundation closes the file when the archive goes.
        self.archive = nil
        let (digest, size) = try Self.hash(url)
        return PrintBatchPackage(name: name, url: url, sha256: digest, size: size, manifest: manifest, entries: entries)
    }

    private func add(entry path: String, bytes: [UInt8], compression: CompressionMethod, to archive: Archive) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: createdAt,
                             permissions: 0o644, compressionMethod: compression) { position, size in
            let start = Int(position)
            return Data(bytes[start..<min(start + size, bytes.count)])
        }
        entries.append(path)
    }

    /// SHA-256 and size of the file at `url`, read in 1 MiB chunks.
    static func hash(_ url: URL) throws -> (String, Int) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (PrintManifest.hex(hasher.finalize()), size)
    }
}

