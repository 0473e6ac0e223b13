/// A JPEG whose header was inspected but whose pixels are not decoded: the file is passed
/// through to the PDF (`DCTDecode`) as it is.
public struct JPEGImage: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Colour components: 1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    public let components: Int
    /// Sample precision from the frame header (8).
    public let bitsPerComponent: Int
    /// Whether the file carries an Adobe `APP14` marker and four components: such CMYK data is
    /// stored inverted, so a PDF must use the decode array `[1 0 1 0 1 0 1 0]`.
    public let isAdobeInverted: Bool
    /// The whole file, unchanged.
    public let data: [UInt8]

    /// Creates an inspected JPEG.
    public init(width: Int, height: Int, components: Int, bitsPerComponent: Int, isAdobeInverted: Bool, data: [UInt8]) {
        self.width = width
        self.height = height
        self.components = components
        self.bitsPerComponent = bitsPerComponent
        self.isAdobeInverted = isAdobeInverted
        self.data = data
    }

    /// Whether `bytes` start with a JPEG start-of-image marker (`FF D8 FF`).
    public static func hasSignature(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Reads the markers up to the frame header (SOF0 baseline, SOF1 extended, SOF2 progressive)
    /// and the Adobe `APP14` marker. Lossless, hierarchical and arithmetic-coded JPEGs are refused.
    /// - Throws: ``ImageError`` naming `source` and what is wrong.
    public static func inspect(_ bytes: [UInt8], source: String, limits: ImageLimits = ImageLimits()) throws(ImageError) -> JPEGImage {
        guard hasSignature(bytes) else {
            throw ImageError(source: source, reason: .notAnImage(firstBytes: Array(bytes.prefix(8))))
        }
        guard bytes.count <= limits.maxBytes else {
            throw ImageError(source: source, reason: .tooManyBytes(count: bytes.count, limit: limits.maxBytes))
        }
        let count = bytes.count
        var pos = 2
        var adobe = false
        while true {
            // Find the next marker: 0xFF, optional 0xFF fill bytes, then the marker code.
            guard pos < count else {
                throw ImageError(source: source, reason: .truncated(what: "the file ends before the JPEG frame header (SOF)"))
            }
            guard bytes[pos] == 0xFF else {
                throw ImageError(source: source, reason: .malformed(detail: "expected a JPEG marker at offset \(pos), found byte \(bytes[pos])"))
            }
            while pos < count && bytes[pos] == 0xFF { pos += 1 }
            guard pos < count else {
                throw ImageError(source: source, reason: .truncated(what: "the file ends inside a JPEG marker"))
            }
            let marker = bytes[pos]
            let markerOffset = pos - 1
            pos += 1
            // Markers without a length field.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xD8 || marker == 0xD9 || marker == 0xDA {
                if marker == 0xD8 { continue }
                throw ImageError(
                    source: source,
                    reason: .malformed(detail: "JPEG marker \(Self.hex(marker)) at offset \(markerOffset) comes before the frame header (SOF)")
                )
            }
            guard count - pos >= 2 else {
                throw ImageError(source: source, reason: .truncated(what: "the length of JPEG marker \(Self.hex(marker)) at offset \(markerOffset) is cut off"))
            }
            let length = Int(bytes[pos]) << 8 | Int(bytes[pos + 1])
            guard length >= 2 else {
                throw ImageError(source: source, reason: .malformed(detail: "JPEG marker \(Self.hex(marker)) at offset \(markerOffset) has length \(length)"))
            }
            guard count - pos >= length else {
                throw ImageError(
                    source: source,
                    reason: .truncated(what: "JPEG marker \(Self.hex(marker)) at offset \(markerOffset) declares \(length) bytes but only \(count - pos) remain")
                )
            }
            let segment = (pos + 2)..<(pos + length)
            switch marker {
            case 0xEE:
                if segment.count >= 12, bytes[segment.lowerBound..<(segment.lowerBound + 5)].elementsEqual([0x41, 0x64, 0x6F, 0x62, 0x65]) {
                    adobe = true
                }
            case 0xC0, 0xC1, 0xC2:
                return try frame(bytes, segment: segment, adobe: adobe, source: source, limits: limits)
            case 0xC3:
                throw ImageError(source: source, reason: .unsupported(feature: "lossless JPEG (SOF3)"))
            case 0xC5, 0xC6, 0xC7:
                throw ImageError(source: source, reason: .unsupported(feature: "hierarchical JPEG (SOF\(marker - 0xC0))"))
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw ImageError(source: source, reason: .unsupported(feature: "arithmetic-coded JPEG (SOF\(marker - 0xC0))"))
            default:
                break
            }
            pos += length
        }
    }

    /// Reads a SOF0/1/2 segment.
    private static func frame(_ bytes: [UInt8], segment: Range<Int>, adobe: Bool, source: String, limits: ImageLimits) throws(ImageError) -> JPEGImage {
        guard segment.count >= 6 else {
            throw ImageError(source: source, reason: .malformed(detail: "JPEG frame header of \(segment.count) bytes is too short"))
        }
        let s = segment.lowerBound
        let precision = Int(bytes[s])
        let height = Int(bytes[s + 1]) << 8 | Int(bytes[s + 2])
        let width = Int(bytes[s + 3]) << 8 | Int(bytes[s + 4])
        let components = Int(bytes[s + 5])
        guard precision == 8 else {
            throw ImageError(source: source, reason: .unsupported(feature: "\(precision)-bit JPEG samples (only 8-bit)"))
        }
        guard width > 0 else {
            throw ImageError(source: source, reason: .malformed(detail: "JPEG frame header gives width 0"))
        }
        guard height > 0 else {
            throw ImageError(source: source, reason: .unsupported(feature: "JPEG height defined later by a DNL marker"))
        }
        guard [1, 3, 4].contains(components) else {
            throw ImageError(source: source, reason: .unsupported(feature: "JPEG with \(components) colour components"))
        }
        guard segment.count >= 6 + 3 * components else {
            throw ImageError(source: source, reason: .malformed(detail: "JPEG frame header too short for \(components) components"))
        }
        try limits.checkPixels(width: width, height: height, source: source)
        return JPEGImage(
            width: width, height: height, components: components, bitsPerComponent: precision,
            isAdobeInverted: adobe && components == 4, data: bytes
        )
    }

    private static func hex(_ marker: UInt8) -> String {
        let s = String(marker, radix: 16, uppercase: true)
        return "FF" + (s.count == 1 ? "0" + s : s)
    }
}
