/// How the text of an SMS is encoded: GSM 03.38 septets (`data_coding` 0) or UCS-2/UTF-16BE
/// (`data_coding` 8), chosen by the characters the text uses.
public enum SMSEncoding: Hashable, Sendable {
    /// GSM 03.38 default alphabet with the extension table, one septet per octet.
    case gsm7
    /// UCS-2 (UTF-16 big-endian; characters outside the BMP as surrogate pairs).
    case ucs2

    /// The `data_coding` value.
    public var dataCoding: UInt8 {
        switch self {
        case .gsm7: 0
        case .ucs2: 8
        }
    }

    /// Units (septets or UTF-16 code units) in a single-part message: 160 or 70.
    public var singleSegmentCapacity: Int {
        switch self {
        case .gsm7: 160
        case .ucs2: 70
        }
    }

    /// Units in each part of a concatenated message, after the 6-octet UDH: 153 or 67.
    public var concatenatedSegmentCapacity: Int {
        switch self {
        case .gsm7: 153
        case .ucs2: 67
        }
    }

    /// The encoding `text` needs: GSM 7-bit when every character is in the alphabet, else UCS-2.
    public init(for text: String) {
        self = GSM7.canEncode(text) ? .gsm7 : .ucs2
    }

    /// Decodes a `short_message` with `data_coding` (0, 1 as GSM; 8 as UCS-2; 3 as Latin-1;
    /// anything else as Latin-1 so nothing is lost).
    public static func decode(_ bytes: [UInt8], dataCoding: UInt8) -> String {
        switch dataCoding {
        case 0, 1:
            return GSM7.decode(bytes)
        case 8:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = 0
            while index + 1 < bytes.count {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return String(latin1: bytes)
        }
    }
}
