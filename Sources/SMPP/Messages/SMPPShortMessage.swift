/// The body of `submit_sm` and `deliver_sm`, which share one layout (SMPP 3.4 sections 4.4.1
/// and 4.6.1).
public struct SMPPShortMessage: Hashable, Sendable {
    /// `service_type` (max 5 characters; empty for the SMSC default).
    public var serviceType: String
    /// Source address (`source_addr_ton`, `source_addr_npi`, `source_addr`, max 20 characters).
    public var source: SMPPAddress
    /// Destination address (`dest_addr_ton`, `dest_addr_npi`, `destination_addr`, max 20 characters).
    public var destination: SMPPAddress
    /// `esm_class`: 0x40 marks a UDH in the message; in deliver_sm, 0x04 marks a delivery receipt.
    public var esmClass: UInt8
    /// `protocol_id`.
    public var protocolID: UInt8
    /// `priority_flag`.
    public var priorityFlag: UInt8
    /// `schedule_delivery_time` (empty or 16 characters).
    public var scheduleDeliveryTime: String
    /// `validity_period` (empty or 16 characters).
    public var validityPeriod: String
    /// `registered_delivery`: 1 asks for a delivery receipt on success or failure.
    public var registeredDelivery: UInt8
    /// `replace_if_present_flag`.
    public var replaceIfPresent: UInt8
    /// `data_coding`: 0 SMSC default alphabet (GSM 03.38), 8 UCS-2.
    public var dataCoding: UInt8
    /// `sm_default_msg_id`.
    public var smDefaultMessageID: UInt8
    /// `short_message` (0–254 octets; `sm_length` is derived).
    public var shortMessage: [UInt8]
    /// Optional parameters.
    public var optionalParameters: SMPPOptionalParameters

    /// The `esm_class` bit for a user data header in the message.
    public static let esmClassUDHI: UInt8 = 0x40
    /// The `esm_class` message type of an SMSC delivery receipt.
    public static let esmClassDeliveryReceipt: UInt8 = 0x04

    /// Creates a message body.
    public init(
        serviceType: String = "",
        source: SMPPAddress,
        destination: SMPPAddress,
        esmClass: UInt8 = 0,
        protocolID: UInt8 = 0,
        priorityFlag: UInt8 = 0,
        scheduleDeliveryTime: String = "",
        validityPeriod: String = "",
        registeredDelivery: UInt8 = 0,
        replaceIfPresent: UInt8 = 0,
        dataCoding: UInt8 = 0,
        smDefaultMessageID: UInt8 = 0,
        shortMessage: [UInt8] = [],
        optionalParameters: SMPPOptionalParameters = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priorityFlag = priorityFlag
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.replaceIfPresent = replaceIfPresent
        self.dataCoding = dataCoding
        self.smDefaultMessageID = smDefaultMessageID
        self.shortMessage = shortMessage
        self.optionalParameters = optionalParameters
    }

    /// Whether `esm_class` marks this deliver_sm as an SMSC delivery receipt.
    public var isDeliveryReceipt: Bool { self.esmClass & 0x3C == Self.esmClassDeliveryReceipt }
}
