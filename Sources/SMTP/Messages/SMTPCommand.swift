/// A client command, as a value; ``line`` is its wire form without CRLF.
public enum SMTPCommand: Sendable, Hashable {
    /// `EHLO domain`.
    case ehlo(String)
    /// `HELO domain`.
    case helo(String)
    /// `STARTTLS`.
    case startTLS
    /// `AUTH PLAIN <base64>` (with the initial response).
    case authPlain(initialResponse: String)
    /// `AUTH LOGIN`.
    case authLogin
    /// A base64 line answering a 334 challenge.
    case authResponse(String)
    /// `MAIL FROM:<address> params...`.
    case mailFrom(String, parameters: [String])
    /// `RCPT TO:<address> params...`.
    case rcptTo(String, parameters: [String])
    /// `DATA`.
    case data
    /// `RSET`.
    case rset
    /// `NOOP`.
    case noop
    /// `QUIT`.
    case quit

    /// The command line without CRLF.
    public var line: String {
        switch self {
        case .ehlo(let domain): "EHLO \(domain)"
        case .helo(let domain): "HELO \(domain)"
        case .startTLS: "STARTTLS"
        case .authPlain(let response): "AUTH PLAIN \(response)"
        case .authLogin: "AUTH LOGIN"
        case .authResponse(let response): response
        case .mailFrom(let address, let parameters): (["MAIL FROM:<\(address)>"] + parameters).joined(separator: " ")
        case .rcptTo(let address, let parameters): (["RCPT TO:<\(address)>"] + parameters).joined(separator: " ")
        case .data: "DATA"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        }
    }

    /// The line with credentials hidden, for logs.
    public var redactedLine: String {
        switch self {
        case .authPlain: "AUTH PLAIN ****"
        case .authResponse: "****"
        default: line
        }
    }
}
