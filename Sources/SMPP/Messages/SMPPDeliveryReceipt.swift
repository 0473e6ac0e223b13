/// A delivery receipt: a `deliver_sm` with `esm_class` 0x04 whose text follows SMPP 3.4
/// Appendix B (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`), and
/// whose `receipted_message_id`, `message_state` and `network_error_code` TLVs, when present,
/// take precedence over the text.
public struct SMPPDeliveryReceipt: Hashable, Sendable {
    /// A receipt timestamp, `YYMMDDhhmm` or `YYMMDDhhmmss`, in the SMSC's time zone.
    public struct Timestamp: Hashable, Sendable, CustomStringConvertible {
        /// Four-digit year (2000 + YY).
        public var year: Int
        /// Month, 1–12.
        public var month: Int
        /// Day, 1–31.
        public var day: Int
        /// Hour, 0–23.
        public var hour: Int
        /// Minute, 0–59.
        public var minute: Int
        /// Second, 0–59 (0 when the receipt has none).
        public var second: Int

        /// Parses `YYMMDDhhmm` or `YYMMDDhhmmss`; `nil` for anything else.
        public init?(_ text: some StringProtocol) {
            guard text.count == 10 || text.count == 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let digits = text.compactMap { $0.wholeNumberValue }
            func pair(_ index: Int) -> Int { digits[index] * 10 + digits[index + 1] }
            self.year = 2000 + pair(0)
            self.month = pair(2)
            self.day = pair(4)
            self.hour = pair(6)
            self.minute = pair(8)
            self.second = digits.count == 12 ? pair(10) : 0
            guard (1...12).contains(self.month), (1...31).contains(self.day), self.hour < 24, self.minute < 60, self.second < 60 else {
                return nil
            }
        }

        /// `YYYY-MM-DD hh:mm:ss`.
        public var description: String {
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(self.year)-\(two(self.month))-\(two(self.day)) \(two(self.hour)):\(two(self.minute)):\(two(self.second))"
        }
    }

    /// The SMSC message id the receipt is about (the TLV, else the text's `id:`).
    public var messageID: String
    /// The final (or intermediate) state (the TLV, else the text's `stat:`), if recognisable.
    public var state: SMPPMessageState?
    /// The raw `stat:` word (`DELIVRD`, `UNDELIV`, …).
    public var stat: String?
    /// The `err:` field (network-specific error code, as text).
    public var error: String?
    /// The `network_error_code` TLV.
    public var networkErrorCode: SMPPNetworkErrorCode?
    /// `sub:` (messages submitted).
    public var submitted: Int?
    /// `dlvrd:` (messages delivered).
    public var delivered: Int?
    /// `submit date:`.
    public var submitDate: Timestamp?
    /// `done date:`.
    public var doneDate: Timestamp?
    /// `text:` (the first characters of the message).
    public var text: String?
    /// The original recipient (the receipt's source address).
    public var recipient: SMPPAddress?
    /// The original sender (the receipt's destination address).
    public var sender: SMPPAddress?

    /// Creates a receipt.
    public init(messageID: String, state: SMPPMessageState? = nil) {
        self.messageID = messageID
        self.state = state
    }

    /// Whether the message reached the handset.
    public var isDelivered: Bool { self.state == .delivered }

    /// Reads a receipt from a `deliver_sm` body; `nil` when it is not a receipt (no receipt
    /// `esm_class`, no `receipted_message_id`, no `id:` in the text).
    public init?(_ message: SMPPShortMessage) {
        let text = SMSEncoding.decode(message.shortMessage, dataCoding: message.dataCoding == 8 ? 8 : 3)
        let fields = Self.parseFields(text)
        let tlvs = message.optionalParameters
        guard message.isDeliveryReceipt || tlvs.receiptedMessageID != nil else { return nil }
        guard let messageID = tlvs.receiptedMessageID ?? fields["id"], !messageID.isEmpty else { return nil }
        self.messageID = messageID
        self.stat = fields["stat"]
        self.state = tlvs.messageState ?? fields["stat"].flatMap(SMPPMessageState.init(receiptStat:))
        self.error = fields["err"]
        self.networkErrorCode = tlvs.networkErrorCode
        self.submitted = fields["sub"].flatMap { Int($0) }
        self.delivered = fields["dlvrd"].flatMap { Int($0) }
        self.submitDate = fields["submit date"].flatMap { Timestamp($0) }
        self.doneDate = fields["done date"].flatMap { Timestamp($0) }
        self.text = fields["text"]
        self.recipient = message.source
        self.sender = message.destination
    }

    /// Parses the receipt text into its fields, keyed by lower-cased name (`id`, `sub`,
    /// `dlvrd`, `submit date`, `done date`, `stat`, `err`, `text`). Keys are matched
    /// case-insensitively; `text` runs to the end; missing fields are absent.
    public static func parseFields(_ text: String) -> [String: String] {
        let keys = ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"]
        let scalars = Array(text.unicodeScalars)
        let lowered = scalars.map { $0.properties.isUppercase && $0.isASCII ? Unicode.Scalar($0.value + 32)! : $0 }
        // Find each key at a word start, followed by ':'.
        var starts: [(key: String, keyStart: Int, valueStart: Int)] = []
        for key in keys {
            let pattern = Array((key + ":").unicodeScalars)
            var index = 0
            while index + pattern.count <= lowered.count {
                if (index == 0 || lowered[index - 1] == " ") && Array(lowered[index..<index + pattern.count]) == pattern {
                    starts.append((key, index, index + pattern.count))
                    break
                }
                index += 1
            }
        }
        starts.sort { $0.keyStart < $1.keyStart }
        var fields: [String: String] = [:]
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1].keyStart : scalars.count
            var valueScalars = String.UnicodeScalarView()
            valueScalars.append(contentsOf: scalars[start.valueStart..<max(start.valueStart, end)])
            var value = String(valueScalars)
            if start.key != "text" {
                value = String(value.split(separator: " ", omittingEmptySubsequences: true).first ?? "")
            }
            fields[start.key] = value
        }
        return fields
    }
}
