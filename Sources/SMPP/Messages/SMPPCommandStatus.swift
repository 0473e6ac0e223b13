/// The `command_status` of an SMPP 3.4 PDU (section 5.1.3): `ESME_ROK` or an error code.
public struct SMPPCommandStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: UInt32

    /// Creates a status from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// No error.
    public static let ESME_ROK = SMPPCommandStatus(rawValue: 0x00)
    /// Message length is invalid.
    public static let ESME_RINVMSGLEN = SMPPCommandStatus(rawValue: 0x01)
    /// Command length is invalid.
    public static let ESME_RINVCMDLEN = SMPPCommandStatus(rawValue: 0x02)
    /// Invalid command id.
    public static let ESME_RINVCMDID = SMPPCommandStatus(rawValue: 0x03)
    /// Incorrect bind status for the given command.
    public static let ESME_RINVBNDSTS = SMPPCommandStatus(rawValue: 0x04)
    /// ESME already in bound state.
    public static let ESME_RALYBND = SMPPCommandStatus(rawValue: 0x05)
    /// Invalid priority flag.
    public static let ESME_RINVPRTFLG = SMPPCommandStatus(rawValue: 0x06)
    /// Invalid registered delivery flag.
    public static let ESME_RINVREGDLVFLG = SMPPCommandStatus(rawValue: 0x07)
    /// System error.
    public static let ESME_RSYSERR = SMPPCommandStatus(rawValue: 0x08)
    /// Invalid source address.
    public static let ESME_RINVSRCADR = SMPPCommandStatus(rawValue: 0x0A)
    /// Invalid destination address.
    public static let ESME_RINVDSTADR = SMPPCommandStatus(rawValue: 0x0B)
    /// Message id is invalid.
    public static let ESME_RINVMSGID = SMPPCommandStatus(rawValue: 0x0C)
    /// Bind failed.
    public static let ESME_RBINDFAIL = SMPPCommandStatus(rawValue: 0x0D)
    /// Invalid password.
    public static let ESME_RINVPASWD = SMPPCommandStatus(rawValue: 0x0E)
    /// Invalid system id.
    public static let ESME_RINVSYSID = SMPPCommandStatus(rawValue: 0x0F)
    /// cancel_sm failed.
    public static let ESME_RCANCELFAIL = SMPPCommandStatus(rawValue: 0x11)
    /// replace_sm failed.
    public static let ESME_RREPLACEFAIL = SMPPCommandStatus(rawValue: 0x13)
    /// Message queue full.
    public static let ESME_RMSGQFUL = SMPPCommandStatus(rawValue: 0x14)
    /// Invalid service type.
    public static let ESME_RINVSERTYP = SMPPCommandStatus(rawValue: 0x15)
    /// Invalid esm_class field data.
    public static let ESME_RINVESMCLASS = SMPPCommandStatus(rawValue: 0x43)
    /// submit_sm or submit_multi failed.
    public static let ESME_RSUBMITFAIL = SMPPCommandStatus(rawValue: 0x45)
    /// Invalid source address TON.
    public static let ESME_RINVSRCTON = SMPPCommandStatus(rawValue: 0x48)
    /// Invalid source address NPI.
    public static let ESME_RINVSRCNPI = SMPPCommandStatus(rawValue: 0x49)
    /// Invalid destination address TON.
    public static let ESME_RINVDSTTON = SMPPCommandStatus(rawValue: 0x50)
    /// Invalid destination address NPI.
    public static let ESME_RINVDSTNPI = SMPPCommandStatus(rawValue: 0x51)
    /// Invalid system_type field.
    public static let ESME_RINVSYSTYP = SMPPCommandStatus(rawValue: 0x53)
    /// Throttling error: the ESME exceeded its allowed message limits.
    public static let ESME_RTHROTTLED = SMPPCommandStatus(rawValue: 0x58)
    /// Invalid scheduled delivery time.
    public static let ESME_RINVSCHED = SMPPCommandStatus(rawValue: 0x61)
    /// Invalid message validity period (expiry time).
    public static let ESME_RINVEXPIRY = SMPPCommandStatus(rawValue: 0x62)
    /// ESME receiver temporary application error.
    public static let ESME_RX_T_APPN = SMPPCommandStatus(rawValue: 0x64)
    /// ESME receiver permanent application error.
    public static let ESME_RX_P_APPN = SMPPCommandStatus(rawValue: 0x65)
    /// ESME receiver reject message error.
    public static let ESME_RX_R_APPN = SMPPCommandStatus(rawValue: 0x66)
    /// query_sm request failed.
    public static let ESME_RQUERYFAIL = SMPPCommandStatus(rawValue: 0x67)
    /// Error in the optional part of the PDU body.
    public static let ESME_RINVOPTPARSTREAM = SMPPCommandStatus(rawValue: 0xC0)
    /// Optional parameter not allowed.
    public static let ESME_ROPTPARNOTALLWD = SMPPCommandStatus(rawValue: 0xC1)
    /// Invalid parameter length.
    public static let ESME_RINVPARLEN = SMPPCommandStatus(rawValue: 0xC2)
    /// Expected optional parameter missing.
    public static let ESME_RMISSINGOPTPARAM = SMPPCommandStatus(rawValue: 0xC3)
    /// Invalid optional parameter value.
    public static let ESME_RINVOPTPARAMVAL = SMPPCommandStatus(rawValue: 0xC4)
    /// Delivery failure (data_sm_resp).
    public static let ESME_RDELIVERYFAILURE = SMPPCommandStatus(rawValue: 0xFE)
    /// Unknown error.
    public static let ESME_RUNKNOWNERR = SMPPCommandStatus(rawValue: 0xFF)

    private static let names: [UInt32: String] = [
        0x00: "ESME_ROK", 0x01: "ESME_RINVMSGLEN", 0x02: "ESME_RINVCMDLEN", 0x03: "ESME_RINVCMDID",
        0x04: "ESME_RINVBNDSTS", 0x05: "ESME_RALYBND", 0x06: "ESME_RINVPRTFLG", 0x07: "ESME_RINVREGDLVFLG",
        0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR", 0x0C: "ESME_RINVMSGID",
        0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD", 0x0F: "ESME_RINVSYSID", 0x11: "ESME_RCANCELFAIL",
        0x13: "ESME_RREPLACEFAIL", 0x14: "ESME_RMSGQFUL", 0x15: "ESME_RINVSERTYP", 0x43: "ESME_RINVESMCLASS",
        0x45: "ESME_RSUBMITFAIL", 0x48: "ESME_RINVSRCTON", 0x49: "ESME_RINVSRCNPI", 0x50: "ESME_RINVDSTTON",
        0x51: "ESME_RINVDSTNPI", 0x53: "ESME_RINVSYSTYP", 0x58: "ESME_RTHROTTLED", 0x61: "ESME_RINVSCHED",
        0x62: "ESME_RINVEXPIRY", 0x64: "ESME_RX_T_APPN", 0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN",
        0x67: "ESME_RQUERYFAIL", 0xC0: "ESME_RINVOPTPARSTREAM", 0xC1: "ESME_ROPTPARNOTALLWD",
        0xC2: "ESME_RINVPARLEN", 0xC3: "ESME_RMISSINGOPTPARAM", 0xC4: "ESME_RINVOPTPARAMVAL",
        0xFE: "ESME_RDELIVERYFAILURE", 0xFF: "ESME_RUNKNOWNERR",
    ]

    /// The specification's name (`ESME_RTHROTTLED`), or the hex value for vendor codes.
    public var name: String {
        Self.names[self.rawValue] ?? "0x" + String(self.rawValue, radix: 16, uppercase: true)
    }

    /// Whether the status is `ESME_ROK`.
    public var isSuccess: Bool { self.rawValue == 0 }

    /// Whether the same request may succeed later: the SMSC is throttling or its queue is full
    /// (`ESME_RTHROTTLED`, `ESME_RMSGQFUL`), or it reported a temporary or system error
    /// (`ESME_RX_T_APPN`, `ESME_RSYSERR`). Back off and retry these; other errors are permanent.
    public var isTransient: Bool {
        switch self {
        case .ESME_RTHROTTLED, .ESME_RMSGQFUL, .ESME_RX_T_APPN, .ESME_RSYSERR: true
        default: false
        }
    }

    /// The name and hex value, e.g. `ESME_RTHROTTLED (0x58)`.
    public var description: String { "\(self.name) (0x\(String(self.rawValue, radix: 16, uppercase: true)))" }
}
