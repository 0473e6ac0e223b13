import NIOCore

/// An optional parameter of an SMPP 3.4 PDU (section 5.3): a 2-byte tag, a 2-byte length and
/// the value bytes. Unknown and vendor-specific tags are kept byte for byte.
public struct SMPPTLV: Hashable, Sendable {
    /// The parameter tag.
    public struct Tag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The wire value.
        public var rawValue: UInt16
        /// Creates a tag from its wire value.
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// `receipted_message_id` (C-octet string, max 65): the SMSC message id a receipt is about.
        public static let receiptedMessageID = Tag(rawValue: 0x001E)
        /// `user_message_reference` (2 bytes).
        public static let userMessageReference = Tag(rawValue: 0x0204)
        /// `sar_msg_ref_num` (2 bytes): the reference of a concatenated message.
        public static let sarMessageReferenceNumber = Tag(rawValue: 0x020C)
        /// `sar_total_segments` (1 byte).
        public static let sarTotalSegments = Tag(rawValue: 0x020E)
        /// `sar_segment_seqnum` (1 byte).
        public static let sarSegmentSequenceNumber = Tag(rawValue: 0x020F)
        /// `sc_interface_version` (1 byte), in bind responses.
        public static let scInterfaceVersion = Tag(rawValue: 0x0210)
        /// `network_error_code` (3 bytes: network type, error code).
        public static let networkErrorCode = Tag(rawValue: 0x0423)
        /// `message_payload` (any length): the message body instead of `short_message`.
        public static let messagePayload = Tag(rawValue: 0x0424)
        /// `message_state` (1 byte), in delivery receipts.
        public static let messageState = Tag(rawValue: 0x0427)

        /// The hex value.
        public var description: String { "0x" + String(self.rawValue, radix: 16, uppercase: true) }
    }

    /// The tag.
    public var tag: Tag
    /// The value bytes.
    public var value: [UInt8]

    /// Creates a parameter.
    public init(tag: Tag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }
}

/// The optional parameters of a PDU, in wire order, with typed accessors for the ones this
/// module understands. Unknown parameters are preserved.
public struct SMPPOptionalParameters: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// All parameters in wire order.
    public var all: [SMPPTLV]

    /// Creates the parameters from a list.
    public init(_ all: [SMPPTLV] = []) { self.all = all }

    /// Creates the parameters from a list.
    public init(arrayLiteral elements: SMPPTLV...) { self.all = elements }

    /// Whether there are none.
    public var isEmpty: Bool { self.all.isEmpty }

    /// The value of the first parameter with `tag`.
    public subscript(tag: SMPPTLV.Tag) -> [UInt8]? {
        get { self.all.first(where: { $0.tag == tag })?.value }
        set {
            if let index = self.all.firstIndex(where: { $0.tag == tag }) {
                if let newValue { self.all[index].value = newValue } else { self.all.remove(at: index) }
            } else if let newValue {
                self.all.append(SMPPTLV(tag: tag, value: newValue))
            }
        }
    }

    /// `message_payload`.
    public var messagePayload: [UInt8]? {
        get { self[.messagePayload] }
        set { self[.messagePayload] = newValue }
    }

    /// `sar_msg_ref_num`.
    public var sarMessageReferenceNumber: UInt16? {
        get { self[.sarMessageReferenceNumber].flatMap(Self.uint16) }
        set { self[.sarMessageReferenceNumber] = newValue.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
    }

    /// `sar_total_segments`.
    public var sarTotalSegments: UInt8? {
        get { self[.sarTotalSegments].flatMap(Self.uint8) }
        set { self[.sarTotalSegments] = newValue.map { [$0] } }
    }

    /// `sar_segment_seqnum`.
    public var sarSegmentSequenceNumber: UInt8? {
        get { self[.sarSegmentSequenceNumber].flatMap(Self.uint8) }
        set { self[.sarSegmentSequenceNumber] = newValue.map { [$0] } }
    }

    /// `receipted_message_id` (the trailing NUL is removed; tolerated when missing).
    public var receiptedMessageID: String? {
        get {
            guard var bytes = self[.receiptedMessageID] else { return nil }
            if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
            return String(latin1: bytes)
        }
        set { self[.receiptedMessageID] = newValue.map { Array($0.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }) + [0] } }
    }

    /// `message_state`.
    public var messageState: SMPPMessageState? {
        get { self[.messageState].flatMap(Self.uint8).map(SMPPMessageState.init(rawValue:)) }
        set { self[.messageState] = newValue.map { [$0.rawValue] } }
    }

    /// `network_error_code`.
    public var networkErrorCode: SMPPNetworkErrorCode? {
        get {
            guard let bytes = self[.networkErrorCode], bytes.count == 3 else { return nil }
            return SMPPNetworkErrorCode(networkType: bytes[0], errorCode: UInt16(bytes[1]) << 8 | UInt16(bytes[2]))
        }
        set {
            self[.networkErrorCode] = newValue.map { [$0.networkType, UInt8($0.errorCode >> 8), UInt8($0.errorCode & 0xFF)] }
        }
    }

    private static func uint8(_ bytes: [UInt8]) -> UInt8? { bytes.count == 1 ? bytes[0] : nil }
    private static func uint16(_ bytes: [UInt8]) -> UInt16? { bytes.count == 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : nil }
}

/// The `message_state` values of SMPP 3.4 (section 5.2.28).
public struct SMPPMessageState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The wire value.
    public var rawValue: UInt8
    /// Creates a state from its wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// In transit (`ENROUTE`).
    public static let enroute = SMPPMessageState(rawValue: 1)
    /// Delivered to the handset (`DELIVERED`).
    public static let delivered = SMPPMessageState(rawValue: 2)
    /// Validity period expired (`EXPIRED`).
    public static let expired = SMPPMessageState(rawValue: 3)
    /// Deleted (`DELETED`).
    public static let deleted = SMPPMessageState(rawValue: 4)
    /// Undeliverable (`UNDELIVERABLE`).
    public static let undeliverable = SMPPMessageState(rawValue: 5)
    /// Accepted on behalf of the subscriber (`ACCEPTED`).
    public static let accepted = SMPPMessageState(rawValue: 6)
    /// Invalid state (`UNKNOWN`).
    public static let unknown = SMPPMessageState(rawValue: 7)
    /// Rejected (`REJECTED`).
    public static let rejected = SMPPMessageState(rawValue: 8)

    /// Whether the state is final (everything but `ENROUTE`).
    public var isFinal: Bool { self != .enroute }

    /// The state of a receipt's `stat:` word (`DELIVRD`, `UNDELIV`, …), case-insensitively.
    public init?(receiptStat: String) {
        switch receiptStat.uppercased() {
        case "ENROUTE": self = .enroute
        case "DELIVRD", "DELIVERED": self = .delivered
        case "EXPIRED": self = .expired
        case "DELETED": self = .deleted
        case "UNDELIV", "UNDELIVERABLE": self = .undeliverable
        case "ACCEPTD", "ACCEPTED": self = .accepted
        case "UNKNOWN": self = .unknown
        case "REJECTD", "REJECTED": self = .rejected
        default: return nil
        }
    }

    /// The specification's name.
    public var description: String {
        switch self.rawValue {
        case 1: "ENROUTE"
        case 2: "DELIVERED"
        case 3: "EXPIRED"
        case 4: "DELETED"
        case 5: "UNDELIVERABLE"
        case 6: "ACCEPTED"
        case 7: "UNKNOWN"
        case 8: "REJECTED"
        default: "message_state(\(self.rawValue))"
        }
    }
}

/// The `network_error_code` parameter: the network type (1 ANSI-136, 2 IS-95, 3 GSM, …) and
/// the network's error code.
public struct SMPPNetworkErrorCode: Hashable, Sendable {
    /// The network type.
    public var networkType: UInt8
    /// The network-specific error code.
    public var errorCode: UInt16
    /// Creates a value.
    public init(networkType: UInt8, errorCode: UInt16) {
        self.networkType = networkType
        self.errorCode = errorCode
    }
}

extension String {
    /// Decodes bytes as ISO-8859-1, which maps every byte to a character (lossless).
    init(latin1 bytes: some Sequence<UInt8>) {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        self = String(scalars)
    }
}
