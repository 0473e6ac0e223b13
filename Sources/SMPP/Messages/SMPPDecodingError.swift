/// Malformed SMPP input: a frame or PDU that does not follow the SMPP 3.4 layout.
///
/// Decoding never traps; every way input can be wrong ends here. When the 16-byte header was
/// readable, ``commandID`` and ``sequenceNumber`` name the offending PDU, so a session can
/// answer it with `generic_nack` or fail the request it answers.
public struct SMPPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidCommandLength
            case truncated
            case unterminatedCString
            case cStringTooLong
            case invalidTLV
            case unexpectedBodyBytes
            case invalidField
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `command_length` is below 16, above the configured maximum, or not the frame size.
        public static let invalidCommandLength = Code(.invalidCommandLength)
        /// The body ends before a mandatory field does.
        public static let truncated = Code(.truncated)
        /// A C-octet string has no terminating NUL within the PDU.
        public static let unterminatedCString = Code(.unterminatedCString)
        /// A C-octet string is longer than the specification allows for its field.
        public static let cStringTooLong = Code(.cStringTooLong)
        /// An optional parameter (TLV) is cut short or has the wrong length for its tag.
        public static let invalidTLV = Code(.invalidTLV)
        /// A PDU that has no body (or no optional part) carries extra bytes.
        public static let unexpectedBodyBytes = Code(.unexpectedBodyBytes)
        /// A field has a value outside its allowed range (e.g. `sm_length` > 254).
        public static let invalidField = Code(.invalidField)

        /// A short name of the code.
        public var description: String { String(describing: self.base) }
    }

    /// What was wrong.
    public var code: Code
    /// The field being decoded, when known (`system_id`, `short_message`, `tlv 0x0427`).
    public var field: String?
    /// The `command_id` of the offending PDU, when its header was readable.
    public var commandID: SMPPCommandID?
    /// The `sequence_number` of the offending PDU, when its header was readable.
    public var sequenceNumber: UInt32?

    /// Creates an error.
    public init(code: Code, field: String? = nil, commandID: SMPPCommandID? = nil, sequenceNumber: UInt32? = nil) {
        self.code = code
        self.field = field
        self.commandID = commandID
        self.sequenceNumber = sequenceNumber
    }

    /// The status to send back in a `generic_nack` (or a response) for this error.
    public var suggestedStatus: SMPPCommandStatus {
        switch self.code {
        case .invalidCommandLength: .ESME_RINVCMDLEN
        case .invalidTLV: .ESME_RINVOPTPARSTREAM
        case .cStringTooLong, .unterminatedCString, .invalidField: .ESME_RINVPARLEN
        default: .ESME_RINVMSGLEN
        }
    }

    /// A readable summary.
    public var description: String {
        var text = "SMPPDecodingError.\(self.code)"
        if let field { text += " field=\(field)" }
        if let commandID { text += " command=\(commandID)" }
        if let sequenceNumber { text += " sequence=\(sequenceNumber)" }
        return text
    }
}
