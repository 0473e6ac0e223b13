/// One SMPP 3.4 protocol data unit: the header fields and a typed body.
///
/// `command_length` and `command_id` are derived when encoding. Encode with
/// ``encode(into:)`` and decode a whole frame with ``decode(from:)``.
public struct SMPPPDU: Hashable, Sendable {
    /// The body of a PDU, by command.
    public enum Body: Hashable, Sendable {
        /// `bind_transmitter`, `bind_receiver` or `bind_transceiver`.
        case bind(SMPPBind)
        /// `bind_*_resp`.
        case bindResponse(SMPPBindResponse)
        /// `submit_sm`.
        case submitSM(SMPPShortMessage)
        /// `submit_sm_resp` with the SMSC's message id (empty when the status is an error).
        case submitSMResponse(messageID: String)
        /// `deliver_sm` (mobile-originated message or delivery receipt).
        case deliverSM(SMPPShortMessage)
        /// `deliver_sm_resp` (`message_id` is unused and normally empty).
        case deliverSMResponse(messageID: String)
        /// `enquire_link`.
        case enquireLink
        /// `enquire_link_resp`.
        case enquireLinkResponse
        /// `unbind`.
        case unbind
        /// `unbind_resp`.
        case unbindResponse
        /// `generic_nack`.
        case genericNack
        /// Any other command, with its raw body (answered with `generic_nack`/`ESME_RINVCMDID`
        /// by the session when it is a request).
        case other(commandID: SMPPCommandID, body: [UInt8])
    }

    /// `command_status`.
    public var commandStatus: SMPPCommandStatus
    /// `sequence_number`.
    public var sequenceNumber: UInt32
    /// The body.
    public var body: Body

    /// Creates a PDU.
    public init(_ body: Body, sequenceNumber: UInt32, commandStatus: SMPPCommandStatus = .ESME_ROK) {
        self.body = body
        self.sequenceNumber = sequenceNumber
        self.commandStatus = commandStatus
    }

    /// `command_id` of the body.
    public var commandID: SMPPCommandID {
        switch self.body {
        case .bind(let bind): bind.type.commandID
        case .bindResponse(let response): response.type.responseCommandID
        case .submitSM: .submitSM
        case .submitSMResponse: .submitSMResp
        case .deliverSM: .deliverSM
        case .deliverSMResponse: .deliverSMResp
        case .enquireLink: .enquireLink
        case .enquireLinkResponse: .enquireLinkResp
        case .unbind: .unbind
        case .unbindResponse: .unbindResp
        case .genericNack: .genericNack
        case .other(let commandID, _): commandID
        }
    }

    /// The size of the header: `command_length`, `command_id`, `command_status`, `sequence_number`.
    public static let headerLength = 16
    /// The largest sequence number (sequence numbers run 1...0x7FFFFFFF).
    public static let maxSequenceNumber: UInt32 = 0x7FFF_FFFF
}
