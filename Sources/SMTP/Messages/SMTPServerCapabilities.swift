/// What a server announced in its EHLO reply (RFC 5321 §4.1.1.1): extension keywords and parameters.
public struct SMTPServerCapabilities: Sendable, Hashable {
    /// Keyword (upper-cased) → parameters.
    public let extensions: [String: [String]]
    /// Whether the session was opened with EHLO (false after a HELO fallback).
    public let isExtended: Bool

    /// No extensions (after HELO).
    public static let none = SMTPServerCapabilities(extensions: [:], isExtended: false)

    /// Creates capabilities from keyword → parameters.
    public init(extensions: [String: [String]], isExtended: Bool = true) {
        self.extensions = extensions
        self.isExtended = isExtended
    }

    /// Parses an EHLO reply: the first line is the greeting, each further line one extension.
    public init(ehloReply reply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            var parameters = Array(words.dropFirst())
            // Some servers still announce "AUTH=PLAIN LOGIN".
            if keyword.uppercased().hasPrefix("AUTH=") {
                parameters = [String(keyword.dropFirst(5))] + parameters
                extensions["AUTH", default: []] += parameters.map { $0.uppercased() }
                continue
            }
            let key = keyword.uppercased()
            extensions[key, default: []] += key == "AUTH" ? parameters.map { $0.uppercased() } : parameters
        }
        self.init(extensions: extensions)
    }

    /// Whether `keyword` was announced.
    public func supports(_ keyword: String) -> Bool { extensions[keyword.uppercased()] != nil }

    /// The SIZE limit in octets, when announced with a non-zero value.
    public var sizeLimit: Int? {
        guard let value = extensions["SIZE"]?.first, let limit = Int(value), limit > 0 else { return nil }
        return limit
    }

    /// AUTH mechanisms, upper-cased.
    public var authMechanisms: Set<String> { Set(extensions["AUTH"] ?? []) }
    /// PIPELINING (RFC 2920).
    public var pipelining: Bool { supports("PIPELINING") }
    /// STARTTLS (RFC 3207).
    public var startTLS: Bool { supports("STARTTLS") }
    /// 8BITMIME (RFC 6152).
    public var eightBitMIME: Bool { supports("8BITMIME") }
    /// SMTPUTF8 (RFC 6531).
    public var smtpUTF8: Bool { supports("SMTPUTF8") }
    /// DSN (RFC 3461): `RET` and `ENVID` at MAIL FROM.
    public var dsn: Bool { supports("DSN") }
}
