/// A text message to submit: who from, who to, the text, and whether to ask for a receipt.
///
/// ``SMPPClient/submit(_:)`` chooses the encoding (GSM 7-bit or UCS-2), splits long texts
/// into concatenated segments and submits each as a `submit_sm`.
public struct SMSMessage: Hashable, Sendable {
    /// The sender (see ``SMPPAddress/init(_:)`` for TON/NPI selection).
    public var source: SMPPAddress
    /// The recipient.
    public var destination: SMPPAddress
    /// The text.
    public var text: String
    /// The encoding, or `nil` to choose GSM 7-bit when the text allows it, else UCS-2.
    public var encoding: SMSEncoding?
    /// Whether to ask for a delivery receipt (`registered_delivery` 1). Default `true`.
    public var registeredDelivery: Bool
    /// `validity_period` (empty for the SMSC default).
    public var validityPeriod: String
    /// `service_type` (empty for the SMSC default).
    public var serviceType: String

    /// Creates a message.
    public init(
        source: SMPPAddress,
        destination: SMPPAddress,
        text: String,
        encoding: SMSEncoding? = nil,
        registeredDelivery: Bool = true,
        validityPeriod: String = "",
        serviceType: String = ""
    ) {
        self.source = source
        self.destination = destination
        self.text = text
        self.encoding = encoding
        self.registeredDelivery = registeredDelivery
        self.validityPeriod = validityPeriod
        self.serviceType = serviceType
    }

    /// The `submit_sm` bodies for this message, one per segment, using `reference` for the
    /// concatenation header.
    public func shortMessages(reference: UInt8) throws(SMPPError) -> (SMSSegmentation, [SMPPShortMessage]) {
        let segmentation = try SMSSegmentation(text: self.text, reference: reference, encoding: self.encoding)
        let messages = segmentation.segments.map { payload in
            SMPPShortMessage(
                serviceType: self.serviceType,
                source: self.source,
                destination: self.destination,
                esmClass: segmentation.hasUserDataHeader ? SMPPShortMessage.esmClassUDHI : 0,
                validityPeriod: self.validityPeriod,
                registeredDelivery: self.registeredDelivery ? 1 : 0,
                dataCoding: segmentation.encoding.dataCoding,
                shortMessage: payload
            )
        }
        return (segmentation, messages)
    }
}
