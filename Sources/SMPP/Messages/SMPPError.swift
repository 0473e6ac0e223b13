/// An error of an SMPP session or client: the SMSC rejected a request, the connection failed,
/// a response did not arrive in time, or a value could not be encoded.
public struct SMPPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case commandStatus
            case bindFailed
            case responseTimeout
            case connectionClosed
            case malformedPDU
            case notBound
            case invalidField
            case enquireLinkTimeout
            case unbound
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The SMSC answered with a non-zero `command_status` (see ``SMPPError/commandStatus``).
        public static let commandStatus = Code(.commandStatus)
        /// The SMSC refused the bind (see ``SMPPError/commandStatus``) or the bind did not complete.
        public static let bindFailed = Code(.bindFailed)
        /// No response arrived within the response timeout; the request may have been accepted.
        public static let responseTimeout = Code(.responseTimeout)
        /// The connection closed; requests still outstanding may have been accepted.
        public static let connectionClosed = Code(.connectionClosed)
        /// The SMSC sent a malformed PDU (see ``SMPPError/decodingError``).
        public static let malformedPDU = Code(.malformedPDU)
        /// The session is not bound in a state that allows the request.
        public static let notBound = Code(.notBound)
        /// A value is too long or not representable in its SMPP field.
        public static let invalidField = Code(.invalidField)
        /// The SMSC did not answer `enquire_link`; the link is considered dead.
        public static let enquireLinkTimeout = Code(.enquireLinkTimeout)
        /// The session was unbound (by us or by the SMSC) before the request was sent.
        public static let unbound = Code(.unbound)

        /// A short name of the code.
        public var description: String { String(describing: self.base) }
    }

    /// The kind of error.
    public var code: Code
    /// The SMSC's status for ``Code/commandStatus`` and ``Code/bindFailed``.
    public var commandStatus: SMPPCommandStatus?
    /// The decoding error for ``Code/malformedPDU``.
    public var decodingError: SMPPDecodingError?
    /// A detail for humans (the field name, what closed the connection).
    public var detail: String?
    /// For a multi-segment submission that failed part-way: the message ids of the segments the
    /// SMSC did accept, which may therefore still be delivered.
    public var acceptedMessageIDs: [String] = []

    /// Creates an error.
    public init(code: Code, commandStatus: SMPPCommandStatus? = nil, decodingError: SMPPDecodingError? = nil, detail: String? = nil) {
        self.code = code
        self.commandStatus = commandStatus
        self.decodingError = decodingError
        self.detail = detail
    }

    /// The SMSC rejected a request with `status`.
    public static func commandStatus(_ status: SMPPCommandStatus) -> SMPPError {
        SMPPError(code: .commandStatus, commandStatus: status)
    }

    /// Whether the request was possibly accepted by the SMSC: it was sent but its response was
    /// lost (timeout, closed connection, malformed response). Retrying it may duplicate it.
    public var outcomeUnknown: Bool {
        switch self.code {
        case .responseTimeout, .connectionClosed, .malformedPDU, .enquireLinkTimeout: true
        default: false
        }
    }

    /// Whether retrying later may succeed: a transient command status (throttling, queue full)
    /// or a connection-level failure.
    public var isTransient: Bool {
        switch self.code {
        case .commandStatus, .bindFailed: self.commandStatus?.isTransient ?? false
        case .invalidField: false
        default: true
        }
    }

    /// A readable summary.
    public var description: String {
        var text = "SMPPError.\(self.code)"
        if let commandStatus { text += " \(commandStatus)" }
        if let decodingError { text += " (\(decodingError))" }
        if let detail { text += ": \(detail)" }
        if !self.acceptedMessageIDs.isEmpty { text += " accepted=\(self.acceptedMessageIDs)" }
        return text
    }
}
