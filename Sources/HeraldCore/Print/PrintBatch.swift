import Foundation

/// Where a print batch stands (`print_batches.status`, Herald's own letters).
public enum PrintBatchStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Taking letters until it is full or its cut-off passes.
    case open
    /// Full (or past its cut-off): waiting for the drop, or for a drop to be tried again.
    case closed
    /// Dropped at the bureau and committed: its letters are `sent`.
    case dropped

    public var code: String {
        switch self {
        case .open: "O"
        case .closed: "C"
        case .dropped: "D"
        }
    }

    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}

/// What a letter is for the print bureau: its sheets decide its envelope, its comms code its
/// postage class. The piece id is the distribution's id (so a bureau's return line names the
/// distribution directly).
public struct PrintPiece: Sendable, Hashable {
    public var distributionId: String
    public var requestId: String
    /// Pages as printed: the rendered pages, plus the blank back an odd duplex letter gets (so
    /// the batch's totals agree with its manifest's control record).
    public var pages: Int
    /// Sheets of paper: pages for simplex, pages rounded up to even, halved, for duplex.
    public var sheets: Int
    public var duplex: Bool
    /// The envelope's name (`C5`, `C4`).
    public var envelope: String
    /// `first`, `second` or `economy`.
    public var postage: String

    public var pieceId: String { distributionId }

    public init(distributionId: String, requestId: String, pages: Int, duplex: Bool, envelope: String, postage: String) {
        self.distributionId = distributionId
        self.requestId = requestId
        self.pages = duplex && pages % 2 == 1 ? pages + 1 : pages
        self.duplex = duplex
        self.sheets = duplex ? (pages + 1) / 2 : pages
        self.envelope = envelope
        self.postage = postage
    }
}

/// A print batch: one ZIP for the bureau with letters of one postage class and envelope.
public struct PrintBatch: Sendable, Hashable {
    public var id: String
    /// The ZIP file's name at the bureau (`<prefix>-<batch id>.zip`), fixed when the batch is
    /// made, so a drop whose commit was lost is recognised by its name.
    public var fileName: String
    public var bureau: String
    public var postage: String
    public var envelope: String
    public var status: PrintBatchStatus
    public var createdAt: Date
    /// When it closes if it has not filled up: the next cut-off after it was made.
    public var closeAt: Date
    public var letters: Int
    public var pages: Int
    public var sheets: Int
    public var attempts: Int
    public var lastError: String?
    public var droppedAt: Date?

    public init(id: String, fileName: String, bureau: String, postage: String, envelope: String, status: PrintBatchStatus, createdAt: Date,
                closeAt: Date, letters: Int = 0, pages: Int = 0, sheets: Int = 0, attempts: Int = 0, lastError: String? = nil,
                droppedAt: Date? = nil) {
        self.id = id
        self.fileName = fileName
        self.bureau = bureau
        self.postage = postage
        self.envelope = envelope
        self.status = status
        self.createdAt = createdAt
        self.closeAt = closeAt
        self.letters = letters
        self.pages = pages
        self.sheets = sheets
        self.attempts = attempts
        self.lastError = lastError
        self.droppedAt = droppedAt
    }
}

/// How the store files a letter into a batch: into the open batch of its bureau, postage and
/// envelope, or — none open, or that one full — a new batch with these values.
public struct PrintBatchPolicy: Sendable, Hashable {
    public var bureau: String
    /// Letters per batch (`print.batch.max`); a batch that reaches it closes.
    public var maxLetters: Int
    /// The id, file name and cut-off a new batch gets.
    public var newBatchId: String
    public var newFileName: String
    public var newCloseAt: Date

    public init(bureau: String, maxLetters: Int, newBatchId: String, newFileName: String, newCloseAt: Date) {
        self.bureau = bureau
        self.maxLetters = maxLetters
        self.newBatchId = newBatchId
        self.newFileName = newFileName
        self.newCloseAt = newCloseAt
    }
}

/// A letter filed into a batch (with its distribution's move to `batched`).
public struct PrintFiling: Sendable, Hashable {
    public var piece: PrintPiece
    public var policy: PrintBatchPolicy
    public init(piece: PrintPiece, policy: PrintBatchPolicy) {
        self.piece = piece
        self.policy = policy
    }
}

/// A batch's move: dropped (with its letters' moves to `sent` in the same commit), or a failed
/// drop (closed → closed with the error and the next attempt's time).
public struct PrintBatchTransition: Sendable, Hashable {
    public private(set) var batchId: String
    public private(set) var from: PrintBatchStatus
    public private(set) var to: PrintBatchStatus
    public var at: Date
    public var attempts: Int
    public var retryAt: Date?
    public var lastError: String?

    public init(_ batch: PrintBatch, to: PrintBatchStatus, at: Date) throws(HeraldError) {
        try StatusMachine.check(printBatch: batch.status, to: to)
        self.batchId = batch.id
        self.from = batch.status
        self.to = to
        self.at = at
        self.attempts = batch.attempts
    }
}

/// One letter of a claimed batch, as the drop stage gets it.
public struct PrintAssignment: Sendable, Hashable {
    public var batch: PrintBatch
    public var piece: PrintPiece
    public init(batch: PrintBatch, piece: PrintPiece) {
        self.batch = batch
        self.piece = piece
    }
}
