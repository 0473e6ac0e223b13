/// Status of a request header. The raw value is the readable name shown in JSON; ``code`` is
/// the one-letter CMP code.
public enum RequestStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case awaitingProcessing
    case awaitingEventResolution
    case processed
    case cancelled
    case notSent
    case optedOut
    case error

    /// The CMP letter for this status.
    public var code: String {
        switch self {
        case .awaitingProcessing: "A"
        case .awaitingEventResolution: "R"
        case .processed: "P"
        case .cancelled: "C"
        case .notSent: "N"
        case .optedOut: "O"
        case .error: "E"
        }
    }

    /// Looks a status up by its CMP letter.
    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// Parses either the readable name or the letter.
    public init?(nameOrCode: String) {
        if let byName = Self(rawValue: nameOrCode) { self = byName } else { self.init(code: nameOrCode) }
    }

    public var description: String { rawValue }
}

/// Status of a distribution (per target). ``delivered`` and ``undeliverable`` are Herald's
/// additions for receipts that come back after `sent`; their letters `V` and `U` are ours.
public enum DistributionStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case awaitingMerge
    case awaitingDistribution
    case published
    case sent
    case errorRetry
    case errorNoRetry
    case delivered
    case undeliverable
    /// Herald's own: a letter filed into a print batch, waiting for the batch's drop at the bureau.
    case batched

    /// The CMP letter for this status.
    public var code: String {
        switch self {
        case .awaitingMerge: "A"
        case .awaitingDistribution: "D"
        case .published: "P"
        case .sent: "S"
        case .errorRetry: "R"
        case .errorNoRetry: "E"
        case .delivered: "V"
        case .undeliverable: "U"
        case .batched: "B"
        }
    }

    /// Looks a status up by its letter.
    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// Parses either the readable name or the letter.
    public init?(nameOrCode: String) {
        if let byName = Self(rawValue: nameOrCode) { self = byName } else { self.init(code: nameOrCode) }
    }

    public var description: String { rawValue }
}
