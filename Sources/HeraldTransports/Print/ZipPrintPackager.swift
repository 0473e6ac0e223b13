import Foundation
import HeraldCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The print bureau route's ``PrintPackager``: marks each letter (``marks``: a blank back for odd
/// duplex letters, a Data Matrix per sheet in the clear strip encoding
/// `HRLD|<short batch id>|<letter number>|S<n>/<m>`) and writes the batch's ZIP with
/// ``PrintBatchWriter`` (PDFs as `<piece id>.pdf`, then the manifests) in a temporary file,
/// returning its bytes. A letter whose PDF cannot be marked or carried by the manifest fails
/// alone; the batch goes on without it.
public struct ZipPrintPackager: PrintPackager {
    /// Production marks: `(pdf, batch id, piece id, duplex) → (marked pdf, pages, sheets)`.
    public typealias Marks = @Sendable (_ pdf: [UInt8], _ batchId: String, _ pieceId: String, _ duplex: Bool) throws -> (pdf: [UInt8], pages: Int, sheets: Int)

    public var formats: [PrintManifest.Format]
    public var prefix: String
    public var marks: Marks
    /// Where ZIPs are built before the drop (removed after).
    public var scratch: URL

    public init(formats: [PrintManifest.Format], prefix: String = "herald", scratch: URL, marks: @escaping Marks) {
        self.formats = formats
        self.prefix = prefix
        self.scratch = scratch
        self.marks = marks
    }

    public func package(_ batch: PrintBatch, letters: [PrintLetter], at: Date) async throws -> PrintPackage {
        let formats = formats, prefix = prefix, marks = marks, scratch = scratch
        return try await withCheckedThrowingContinuation { continuation in
            // CPU and file work off the cooperative pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try Self.build(batch, letters: letters, formats: formats, prefix: prefix, scratch: scratch, marks: marks)
                })
            }
        }
    }

    static func build(_ batch: PrintBatch, letters: [PrintLetter], formats: [PrintManifest.Format], prefix: String, scratch: URL,
                      marks: Marks) throws -> PrintPackage {
        guard let postage = PrintManifest.PostageClass(rawValue: batch.postage) else {
            throw HeraldError.invalid("print.postage", "batch \(batch.id) has postage class '\(batch.postage)'")
        }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent(".\(batch.fileName).\(ProcessInfo.processInfo.processIdentifier).building")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try PrintBatchWriter(batchId: batch.id, createdAt: batch.createdAt, bureau: batch.bureau, postage: postage,
                                          envelope: batch.envelope, formats: formats, prefix: prefix, to: url)
        var failed: [String: String] = [:]
        // The sheet codes carry the batch's short id and the letter's number in the batch (its row
        // in the manifest, from 1): a UUID pair would need a Data Matrix wider than the clear strip.
        // Marking (parsing and stamping each PDF) runs on every core; numbering and the ZIP follow
        // in order. A letter that cannot be marked is left out, and the letters after it keep
        // numbers without a gap.
        let shortBatch = Self.shortBatchId(batch.id)
        var number = 0
        var start = 0
        // In chunks, so a batch's marked copies are never all in memory at once.
        while start < letters.count {
            let chunk = Array(letters[start..<min(letters.count, start + Self.chunk)])
            let marked = Self.markAll(chunk, marks: marks, batchId: shortBatch, firstNumber: number + 1)
            for (letter, result) in zip(chunk, marked) {
                do {
                    var pdf: (pdf: [UInt8], pages: Int, sheets: Int)
                    switch result {
                    case .success(let m):
                        // Numbers were assumed without gaps; stamp again only if an earlier letter failed.
                        pdf = m.number == number + 1 ? m.marked
                            : try marks(letter.pdf, shortBatch, Self.pieceNumber(number + 1), letter.piece.duplex)
                    case .failure(let error): throw error
                    }
                    let (lines, country) = Self.address(letter.distribution.target)
                    let entry = PrintManifest.Letter(
                        pieceId: letter.piece.pieceId, commsRequestId: letter.request.id, pages: pdf.pages,
                        sides: letter.piece.duplex ? .duplex : .simplex, envelope: batch.envelope, postage: postage,
                        addressLines: lines, country: country, pdf: pdf.pdf)
                    try writer.add(entry, pdf: pdf.pdf)
                    number += 1
                } catch {
                    failed[letter.distribution.id] = "not packed for the print bureau: \(error)"
                }
            }
            start += chunk.count
        }
        // Nothing packable: no ZIP; every letter fails alone and the batch ends (never retried forever).
        guard failed.count < letters.count else { return PrintPackage(zip: [], failed: failed) }
        let package = try writer.finish()
        return PrintPackage(zip: try Self.readWhole(package.url), failed: failed)
    }

    /// Letters marked at once (all cores) before they go into the ZIP.
    static let chunk = 256

    /// Marks letters on all cores, numbering them `firstNumber`… in order.
    static func markAll(_ letters: [PrintLetter], marks: Marks, batchId: String, firstNumber: Int)
        -> [Result<(number: Int, marked: (pdf: [UInt8], pages: Int, sheets: Int)), any Error>] {
        let results = ResultSlots<(number: Int, marked: (pdf: [UInt8], pages: Int, sheets: Int))>(count: letters.count)
        DispatchQueue.concurrentPerform(iterations: letters.count) { i in
            let letter = letters[i]
            let n = firstNumber + i
            results.set(i, Result { (n, try marks(letter.pdf, batchId, pieceNumber(n), letter.piece.duplex)) })
        }
        return results.values
    }

    /// A file's bytes, read straight into one array (no `Data` in between: a batch ZIP is large).
    static func readWhole(_ url: URL) throws -> [UInt8] {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HeraldError.internalError("cannot open \(url.path): errno \(errno)") }
        defer { close(fd) }
        // The size by seeking (not `stat`: its struct resolves differently per platform module).
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0, lseek(fd, 0, SEEK_SET) == 0 else { throw HeraldError.internalError("cannot seek \(url.path): errno \(errno)") }
        let size = Int(end)
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw HeraldError.internalError("short read of \(url.path): errno \(errno)") }
                done += n
            }
            count = done
        }
    }

    /// The last 12 hex digits of a batch id (a UUIDv7's random tail): `HRLD|<this>|…` on each sheet.
    public static func shortBatchId(_ id: String) -> String {
        String(id.filter(\.isHexDigit).suffix(12))
    }

    /// A letter's number in its batch, five digits (`00001`).
    public static func pieceNumber(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, 5 - text.count)) + text
    }

    /// A letter target's address lines and country: the target is the lines, then the postcode
    /// and the ISO country code (``MethodSelection``); a last line of two capital letters is the
    /// country, else the country is `ZZ` (unknown). At most six lines (the rest joined into the sixth).
    static func address(_ target: String) -> (lines: [String], country: String) {
        var lines = target.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
        var country = "ZZ"
        if let last = lines.last, last.count == 2, last.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            country = last
            lines.removeLast()
        }
        if lines.isEmpty { lines = ["(no address)"] }
        if lines.count > 6 { lines = Array(lines.prefix(5)) + [lines.dropFirst(5).joined(separator: ", ")] }
        return (lines, country)
    }
}

/// A ``PrintDropTarget`` on a storage backend (`FileArchive`, `SFTPArchive`, `S3Archive`): the ZIP
/// is put at `<directory>/<name>` — atomically, as each backend writes (a temporary name then a
/// rename: `<name>.zip.tmp` on SFTP; one PUT on S3) — then, when asked, an empty `<name>.ok`.
public struct ArchivePrintDrop: PrintDropTarget {
    public let archive: any DocumentArchive
    public let directory: String
    public let okFile: Bool
    public let description: String

    public init(archive: any DocumentArchive, directory: String, okFile: Bool, description: String) {
        self.archive = archive
        var d = directory
        while d.hasSuffix("/") { d.removeLast() }
        self.directory = d
        self.okFile = okFile
        self.description = description
    }

    func key(_ name: String) -> String { directory.isEmpty ? name : "\(directory)/\(name)" }

    /// Whether the ZIP is there. A ZIP found without its `.ok` (a drop killed between the two
    /// writes) gets its `.ok` now: the retry that finds the ZIP does not drop it again, and the
    /// bureau would otherwise never be told to take it.
    public func contains(fileName: String) async throws -> Bool {
        guard try await archive.contains(key: key(fileName)) else { return false }
        if okFile, try await !archive.contains(key: key(fileName + ".ok")) {
            _ = try await archive.put([], key: key(fileName + ".ok"))
        }
        return true
    }

    public func drop(_ zip: [UInt8], fileName: String) async throws {
        _ = try await archive.put(zip, key: key(fileName))
        if okFile { _ = try await archive.put([], key: key(fileName + ".ok")) }
    }
}

/// One result slot per index, written by concurrent workers.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<Value, any Error>) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [Result<Value, any Error>] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0 ?? .failure(HeraldError.internalError("not marked")) }
    }
}
