import Foundation

/// One line of a print bureau's return file: what became of a piece.
public struct PrintReturn: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The bureau took the piece into production (logged).
        case accepted
        /// Printed and enclosed (logged).
        case printed
        /// Handed to the postal service: `at` becomes the letter's actual sent time.
        case posted
        /// The mail came back (address unknown, moved, refused): `undeliverable` with the reason.
        case returned
        /// The bureau refused the piece: `errorNoRetry` with the reason (sent → error).
        case rejected
    }

    /// The piece id (the distribution's id).
    public var pieceId: String
    public var status: Status
    /// When the bureau says it happened (required for `posted`).
    public var at: Date?
    public var reason: String?
    /// `<file>:<line>`, for logs and the result.
    public var source: String

    public init(pieceId: String, status: Status, at: Date? = nil, reason: String? = nil, source: String) {
        self.pieceId = pieceId
        self.status = status
        self.at = at
        self.reason = reason
        self.source = source
    }
}

/// What became of one return line.
public enum PrintReturnResult: Sendable, Hashable {
    /// The letter moved (returned → undeliverable, rejected → error) or got its posting time.
    case applied(requestId: String)
    /// Logged only (accepted, printed).
    case logged(requestId: String)
    /// The letter is already further on (a second `returned`, a `posted` after `returned`…):
    /// logged, nothing changed.
    case ignored(requestId: String, status: DistributionStatus)
    /// No letter sent to a print bureau has this piece id: logged as unmatched.
    case unknownPiece
}

/// A return file read and parsed: its good lines, and its bad ones named by line.
public struct PrintReturnFileContents: Sendable {
    public var name: String
    public var returns: [PrintReturn]
    /// `<file>:<line>: reason` for each line that could not be read.
    public var problems: [String]
    public init(name: String, returns: [PrintReturn], problems: [String]) {
        self.name = name
        self.returns = returns
        self.problems = problems
    }
}

/// Where a bureau's return files appear (a local folder, a folder on its SFTP server).
public protocol PrintReturnSource: Sendable {
    var description: String { get }
    /// The names of the files waiting, oldest first.
    func pending() async throws -> [String]
    /// Reads and parses one file; bad lines are reported, never thrown.
    func read(_ name: String) async throws -> PrintReturnFileContents
    /// Moves the file to `processed/` (after its lines are committed), with a `<name>.errors`
    /// file beside it listing `problems` when there are any.
    func finish(_ name: String, problems: [String]) async throws
}
