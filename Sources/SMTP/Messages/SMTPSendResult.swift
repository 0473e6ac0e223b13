/// The outcome of one message transaction: per recipient, plus the server's final reply.
public struct SMTPSendResult: Sendable, Hashable {
    /// What happened to one recipient.
    public enum Outcome: Sendable, Hashable {
        /// RCPT TO accepted and the message accepted after DATA.
        case accepted
        /// 4xx for this recipient: retry later.
        case transientFailure(reason: String, reply: SMTPReply?)
        /// 5xx for this recipient (or refused locally): do not retry.
        case permanentFailure(reason: String, reply: SMTPReply?)

        /// Whether the recipient was accepted.
        public var isAccepted: Bool { if case .accepted = self { true } else { false } }
    }

    /// One recipient's outcome.
    public struct Recipient: Sendable, Hashable {
        /// The envelope address.
        public let address: String
        /// Its outcome.
        public let outcome: Outcome
    }

    /// One entry per recipient, in the order given.
    public let recipients: [Recipient]
    /// The reply after the message content (e.g. `250 2.0.0 Ok: queued as 4F2A1`); nil when no
    /// recipient was accepted and no content was sent.
    public let finalReply: SMTPReply?

    /// The recipients that were accepted.
    public var acceptedRecipients: [String] { recipients.filter { $0.outcome.isAccepted }.map(\.address) }
}
