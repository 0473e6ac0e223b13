/// The kind of bind: which direction of traffic the session carries.
public enum SMPPBindType: Hashable, Sendable, CaseIterable {
    /// Submit only (`bind_transmitter`).
    case transmitter
    /// Receive only (`bind_receiver`): deliver_sm, including delivery receipts.
    case receiver
    /// Both (`bind_transceiver`).
    case transceiver

    /// The request command id.
    public var commandID: SMPPCommandID {
        switch self {
        case .transmitter: .bindTransmitter
        case .receiver: .bindReceiver
        case .transceiver: .bindTransceiver
        }
    }

    /// The response command id.
    public var responseCommandID: SMPPCommandID {
        SMPPCommandID(rawValue: self.commandID.rawValue | 0x8000_0000)
    }

    /// Whether the session may submit messages.
    public var canSubmit: Bool { self != .receiver }
    /// Whether the session receives deliver_sm.
    public var canReceive: Bool { self != .transmitter }
}

/// `bind_transmitter`, `bind_receiver` or `bind_transceiver` (SMPP 3.4 section 4.1).
public struct SMPPBind: Hashable, Sendable {
    /// Which bind.
    public var type: SMPPBindType
    /// `system_id` (max 15 characters).
    public var systemID: String
    /// `password` (max 8 characters).
    public var password: String
    /// `system_type` (max 12 characters).
    public var systemType: String
    /// `interface_version`: 0x34 for SMPP 3.4.
    public var interfaceVersion: UInt8
    /// `addr_ton` of the address range.
    public var addressTON: SMPPAddress.TypeOfNumber
    /// `addr_npi` of the address range.
    public var addressNPI: SMPPAddress.NumberingPlan
    /// `address_range` (max 40 characters).
    public var addressRange: String

    /// Creates a bind request.
    public init(
        type: SMPPBindType = .transceiver,
        systemID: String,
        password: String,
        systemType: String = "",
        interfaceVersion: UInt8 = 0x34,
        addressTON: SMPPAddress.TypeOfNumber = .unknown,
        addressNPI: SMPPAddress.NumberingPlan = .unknown,
        addressRange: String = ""
    ) {
        self.type = type
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressTON = addressTON
        self.addressNPI = addressNPI
        self.addressRange = addressRange
    }
}

/// `bind_*_resp`: the SMSC's `system_id` and optional `sc_interface_version`.
public struct SMPPBindResponse: Hashable, Sendable {
    /// Which bind this answers.
    public var type: SMPPBindType
    /// The SMSC's `system_id` (empty when the bind failed and the body was omitted).
    public var systemID: String
    /// Optional parameters (`sc_interface_version`).
    public var optionalParameters: SMPPOptionalParameters

    /// Creates a bind response.
    public init(type: SMPPBindType, systemID: String, optionalParameters: SMPPOptionalParameters = []) {
        self.type = type
        self.systemID = systemID
        self.optionalParameters = optionalParameters
    }
}
