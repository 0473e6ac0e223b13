import Foundation

/// A letter of a batch with its rendered PDF, as the packager gets it.
public struct PrintLetter: Sendable {
    public var piece: PrintPiece
    public var request: CommsRequest
    public var distribution: Distribution
    public var pdf: [UInt8]
    public init(piece: PrintPiece, request: CommsRequest, distribution: Distribution, pdf: [UInt8]) {
        self.piece = piece
        self.request = request
        self.distribution = distribution
        self.pdf = pdf
    }
}

/// A batch ready for the bureau: the ZIP's bytes, and the letters left out of it with why.
public struct PrintPackage: Sendable {
    public var zip: [UInt8]
    /// Distribution id → reason, for letters that could not be packed (their PDF unreadable or
    /// unmarkable): they fail alone, the batch goes on without them.
    public var failed: [String: String]
    public init(zip: [UInt8], failed: [String: String] = [:]) {
        self.zip = zip
        self.failed = failed
    }
}

/// Makes a batch's ZIP: each letter's PDF with its production marks (a blank back for odd
/// duplex letters, a Data Matrix per sheet in the clear strip) and the manifest.
public protocol PrintPackager: Sendable {
    func package(_ batch: PrintBatch, letters: [PrintLetter], at: Date) async throws -> PrintPackage
}

/// Where batches are dropped: the bureau's SFTP inbox, a folder, an S3 bucket. A drop is
/// atomic (the bureau never sees half a ZIP: `<name>.tmp` renamed, or one PUT) and may be
/// followed by a `.ok` trigger file. Failures are ``ArchiveFailure``s (transient or permanent),
/// as for the storage step's backends.
public protocol PrintDropTarget: Sendable {
    /// Names the target in logs and errors (`sftp://user@host:22/inbox`, a folder path…).
    var description: String { get }
    /// Whether a batch of this name is already at the bureau (its drop happened but the commit
    /// that records it did not).
    func contains(fileName: String) async throws -> Bool
    /// Drops the ZIP as `fileName`.
    func drop(_ zip: [UInt8], fileName: String) async throws
}
