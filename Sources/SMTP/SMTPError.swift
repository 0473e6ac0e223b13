/// An error from an SMTP session or transaction.
///
/// Every error says whether it is worth retrying: ``isTransient`` is true for 4xx replies,
/// connection failures and timeouts, false for 5xx replies and for messages refused before
/// sending (over SIZE, needs SMTPUTF8, ...). ``reply`` holds the server's reply when there was one.
public struct SMTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// TCP connection could not be made.
        case connectionFailed
        /// The server closed the connection unexpectedly.
        case connectionClosed
        /// The server did not answer within the configured timeout.
        case timeout
        /// The greeting was not 220.
        case greetingRejected
        /// EHLO and HELO were refused.
        case helloRejected
        /// STARTTLS was required but not offered.
        case startTLSNotOffered
        /// The TLS upgrade or handshake failed (incl. certificate verification).
        case tlsFailed
        /// Credentials were configured but the server offers no usable AUTH mechanism.
        case authenticationNotOffered
        /// AUTH was refused.
        case authenticationFailed
        /// MAIL FROM was refused.
        case senderRejected
        /// No recipient was accepted.
        case allRecipientsRejected
        /// DATA was refused, or the message was refused after its content was sent.
        case messageRejected
        /// The message exceeds the SIZE the server announced.
        case messageTooLarge
        /// A non-ASCII address needs SMTPUTF8, which the server does not offer.
        case smtpUTF8Required
        /// 8-bit content needs 8BITMIME, which the server does not offer.
        case eightBitMIMERequired
        /// An address has characters that cannot go in an SMTP command.
        case invalidAddress
        /// The server's reply was malformed or out of sequence.
        case protocolError
        /// The session can no longer be used (after an earlier failure or QUIT).
        case sessionClosed
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable reason; includes the server's text when there was a reply.
    public let reason: String
    /// The server reply that caused the failure, if any.
    public let reply: SMTPReply?
    /// Whether to retry later (4xx, connection failures, timeouts) rather than give up (5xx, local refusals).
    public let isTransient: Bool

    init(_ code: Code, _ reason: String, reply: SMTPReply? = nil, isTransient: Bool) {
        self.code = code
        self.reason = reason
        self.reply = reply
        self.isTransient = isTransient
    }

    /// Whether this error is permanent (the opposite of ``isTransient``).
    public var isPermanent: Bool { !isTransient }

    /// An error from a negative reply: transient for 4xx, permanent for 5xx.
    static func fromReply(_ code: Code, _ context: String, _ reply: SMTPReply) -> SMTPError {
        SMTPError(code, "\(context): \(reply.code) \(reply.text)", reply: reply, isTransient: reply.kind == .transientNegative)
    }

    static func connectionFailed(_ why: String) -> SMTPError { SMTPError(.connectionFailed, why, isTransient: true) }
    static let connectionClosed = SMTPError(.connectionClosed, "the server closed the connection", isTransient: true)
    static func timeout(_ what: String) -> SMTPError { SMTPError(.timeout, "no reply to \(what) in time", isTransient: true) }
    static func tlsFailed(_ why: String) -> SMTPError { SMTPError(.tlsFailed, "TLS failed: \(why)", isTransient: true) }
    static func protocolError(_ why: String) -> SMTPError { SMTPError(.protocolError, why, isTransient: true) }
    static let sessionClosed = SMTPError(.sessionClosed, "the SMTP session is closed", isTransient: true)

    public var description: String { "SMTPError.\(code.rawValue): \(reason)" }
}
