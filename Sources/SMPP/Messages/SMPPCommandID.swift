/// The `command_id` of an SMPP 3.4 PDU (section 5.1.2.1). Responses have the high bit set.
public struct SMPPCommandID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: UInt32

    /// Creates a command id from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `generic_nack`.
    public static let genericNack = SMPPCommandID(rawValue: 0x8000_0000)
    /// `bind_receiver`.
    public static let bindReceiver = SMPPCommandID(rawValue: 0x0000_0001)
    /// `bind_receiver_resp`.
    public static let bindReceiverResp = SMPPCommandID(rawValue: 0x8000_0001)
    /// `bind_transmitter`.
    public static let bindTransmitter = SMPPCommandID(rawValue: 0x0000_0002)
    /// `bind_transmitter_resp`.
    public static let bindTransmitterResp = SMPPCommandID(rawValue: 0x8000_0002)
    /// `query_sm`.
    public static let querySM = SMPPCommandID(rawValue: 0x0000_0003)
    /// `submit_sm`.
    public static let submitSM = SMPPCommandID(rawValue: 0x0000_0004)
    /// `submit_sm_resp`.
    public static let submitSMResp = SMPPCommandID(rawValue: 0x8000_0004)
    /// `deliver_sm`.
    public static let deliverSM = SMPPCommandID(rawValue: 0x0000_0005)
    /// `deliver_sm_resp`.
    public static let deliverSMResp = SMPPCommandID(rawValue: 0x8000_0005)
    /// `unbind`.
    public static let unbind = SMPPCommandID(rawValue: 0x0000_0006)
    /// `unbind_resp`.
    public static let unbindResp = SMPPCommandID(rawValue: 0x8000_0006)
    /// `bind_transceiver`.
    public static let bindTransceiver = SMPPCommandID(rawValue: 0x0000_0009)
    /// `bind_transceiver_resp`.
    public static let bindTransceiverResp = SMPPCommandID(rawValue: 0x8000_0009)
    /// `outbind`.
    public static let outbind = SMPPCommandID(rawValue: 0x0000_000B)
    /// `enquire_link`.
    public static let enquireLink = SMPPCommandID(rawValue: 0x0000_0015)
    /// `enquire_link_resp`.
    public static let enquireLinkResp = SMPPCommandID(rawValue: 0x8000_0015)
    /// `data_sm`.
    public static let dataSM = SMPPCommandID(rawValue: 0x0000_0103)

    /// Whether this is a response (`*_resp` or `generic_nack`).
    public var isResponse: Bool { self.rawValue & 0x8000_0000 != 0 }

    /// The name used by the specification, or the hex value.
    public var description: String {
        switch self {
        case .genericNack: "generic_nack"
        case .bindReceiver: "bind_receiver"
        case .bindReceiverResp: "bind_receiver_resp"
        case .bindTransmitter: "bind_transmitter"
        case .bindTransmitterResp: "bind_transmitter_resp"
        case .querySM: "query_sm"
        case .submitSM: "submit_sm"
        case .submitSMResp: "submit_sm_resp"
        case .deliverSM: "deliver_sm"
        case .deliverSMResp: "deliver_sm_resp"
        case .unbind: "unbind"
        case .unbindResp: "unbind_resp"
        case .bindTransceiver: "bind_transceiver"
        case .bindTransceiverResp: "bind_transceiver_resp"
        case .outbind: "outbind"
        case .enquireLink: "enquire_link"
        case .enquireLinkResp: "enquire_link_resp"
        case .dataSM: "data_sm"
        default: "command_id(0x" + String(self.rawValue, radix: 16) + ")"
        }
    }
}
