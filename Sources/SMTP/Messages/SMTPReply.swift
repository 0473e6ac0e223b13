/// A server reply: a three-digit code and one or more text lines (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// How a reply code is to be taken (its first digit).
    public enum Kind: Sendable, Hashable {
        /// 2xx.
        case positiveCompletion
        /// 3xx (e.g. 354, 334).
        case positiveIntermediate
        /// 4xx: try again later.
        case transientNegative
        /// 5xx: do not retry as is.
        case permanentNegative
    }

    /// The reply code, 200...599.
    public let code: Int
    /// The text of each line, without the code and separator.
    public let lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The kind of the reply, from its first digit.
    public var kind: Kind {
        switch code / 100 {
        case 2: .positiveCompletion
        case 3: .positiveIntermediate
        case 4: .transientNegative
        default: .permanentNegative
        }
    }

    /// Whether this is a 2xx reply.
    public var isPositiveCompletion: Bool { kind == .positiveCompletion }

    /// The lines joined with a space: the server's text (e.g. `2.0.0 Ok: queued as 4F2A1`).
    public var text: String { lines.joined(separator: " ") }

    /// The RFC 3463 enhanced status code at the start of the text, if any (e.g. `5.1.1`).
    public var enhancedStatusCode: String? {
        guard let first = lines.first?.split(separator: " ", maxSplits: 1).first else { return nil }
        let parts = first.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
              ["2", "4", "5"].contains(parts[0]) else { return nil }
        return String(first)
    }

    public var description: String { "\(code) \(text)" }
}
