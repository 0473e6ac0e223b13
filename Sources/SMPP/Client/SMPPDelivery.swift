/// A `deliver_sm` received from the SMSC (already acknowledged with `deliver_sm_resp`):
/// a delivery receipt or a mobile-originated message.
public struct SMPPDelivery: Hashable, Sendable {
    /// The message as received.
    public var message: SMPPShortMessage
    /// The parsed receipt, when the message is a delivery receipt.
    public var receipt: SMPPDeliveryReceipt?

    /// Creates a delivery.
    public init(message: SMPPShortMessage, receipt: SMPPDeliveryReceipt?) {
        self.message = message
        self.receipt = receipt
    }

    /// The message text, decoded by its `data_coding` (a UDH, when flagged, is skipped).
    public var text: String {
        var bytes = self.message.shortMessage
        if self.message.esmClass & SMPPShortMessage.esmClassUDHI != 0, let length = bytes.first, Int(length) < bytes.count {
            bytes.removeFirst(Int(length) + 1)
        }
        return SMSEncoding.decode(bytes, dataCoding: self.message.dataCoding)
    }
}
