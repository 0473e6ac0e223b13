/// A text encoded for SMPP and split into the `short_message` payloads to submit.
///
/// A text that fits one message (160 septets or 70 UCS-2 code units) is one segment without a
/// header. A longer one is split into parts of at most 153 septets or 67 code units, each
/// prefixed with a concatenation UDH (`05 00 03 ref total seq`, IEI 0x00, 8-bit reference) and
/// sent with `esm_class` 0x40. A GSM escape sequence or a UTF-16 surrogate pair is never split
/// between two parts.
public struct SMSSegmentation: Hashable, Sendable {
    /// The encoding used.
    public var encoding: SMSEncoding
    /// The `short_message` payload of each part, UDH included when there is more than one.
    public var segments: [[UInt8]]

    /// The number of parts.
    public var count: Int { self.segments.count }
    /// Whether the parts carry a UDH (`esm_class` must have 0x40 set).
    public var hasUserDataHeader: Bool { self.segments.count > 1 }
    /// The most parts a concatenated message can have (the 8-bit count).
    public static let maxSegments = 255

    /// Encodes and splits `text`, using `reference` as the concatenation reference.
    ///
    /// Throws ``SMPPError/Code/invalidField`` when the text needs more than 255 parts.
    public init(text: String, reference: UInt8, encoding: SMSEncoding? = nil) throws(SMPPError) {
        let encoding = encoding ?? SMSEncoding(for: text)
        let units = Self.units(of: text, encoding: encoding)
        self.encoding = encoding
        let unitSize = encoding == .gsm7 ? 1 : 2
        let total = units.reduce(0) { $0 + $1.count / unitSize }
        if total <= encoding.singleSegmentCapacity {
            self.segments = [units.flatMap { $0 }]
            return
        }
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var used = 0
        for unit in units {
            let size = unit.count / unitSize
            if used + size > encoding.concatenatedSegmentCapacity {
                parts.append(current)
                current = []
                used = 0
            }
            current.append(contentsOf: unit)
            used += size
        }
        if !current.isEmpty { parts.append(current) }
        guard parts.count <= Self.maxSegments else {
            throw SMPPError(code: .invalidField, detail: "text needs \(parts.count) segments (max \(Self.maxSegments))")
        }
        let count = UInt8(parts.count)
        self.segments = parts.enumerated().map { index, part in
            [0x05, 0x00, 0x03, reference, count, UInt8(index + 1)] + part
        }
    }

    /// The number of parts `text` needs, without building them.
    public static func segmentCount(for text: String, encoding: SMSEncoding? = nil) -> Int {
        let encoding = encoding ?? SMSEncoding(for: text)
        let unitSize = encoding == .gsm7 ? 1 : 2
        let sizes = Self.units(of: text, encoding: encoding).map { $0.count / unitSize }
        if sizes.reduce(0, +) <= encoding.singleSegmentCapacity { return 1 }
        var parts = 1
        var used = 0
        for size in sizes {
            if used + size > encoding.concatenatedSegmentCapacity {
                parts += 1
                used = 0
            }
            used += size
        }
        return parts
    }

    /// The indivisible units of the text, each as its encoded bytes: one or two septets per
    /// character for GSM, one code unit or a surrogate pair (2 or 4 bytes) for UCS-2.
    private static func units(of text: String, encoding: SMSEncoding) -> [[UInt8]] {
        var result: [[UInt8]] = []
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch encoding {
            case .gsm7:
                // Characters outside the alphabet become "?" when GSM is forced.
                result.append(GSM7.septets(for: scalar) ?? [0x3F])
            case .ucs2:
                var bytes: [UInt8] = []
                for unit in String(scalar).utf16 {
                    bytes.append(UInt8(unit >> 8))
                    bytes.append(UInt8(unit & 0xFF))
                }
                result.append(bytes)
            }
        }
        return result
    }
}
