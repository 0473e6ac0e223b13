/// The chunks of a PNG file that decoding needs, read and CRC-checked.
struct PNGChunks {
    /// The validated `IHDR`.
    let header: PNGHeader
    /// `PLTE` entries as RGB triples (empty when absent).
    let palette: [UInt8]
    /// The raw `tRNS` chunk data, nil when absent.
    let transparency: [UInt8]?
    /// The byte ranges of every `IDAT` chunk's data, in file order.
    let imageData: [Range<Int>]

    /// Walks the chunk list after the signature.
    init(_ bytes: [UInt8], source: String, limits: ImageLimits) throws(ImageError) {
        var header: PNGHeader?
        var palette: [UInt8] = []
        var transparency: [UInt8]?
        var imageData: [Range<Int>] = []
        var sawEnd = false
        var pos = 8
        let count = bytes.count

        func be32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }

        while pos < count, !sawEnd {
            guard count - pos >= 12 else {
                throw ImageError(source: source, reason: .truncated(what: "the chunk at offset \(pos) is cut off after \(count - pos) bytes"))
            }
            let length = be32(pos)
            let type = Array(bytes[(pos + 4)..<(pos + 8)])
            let name = Self.name(type)
            guard type.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw ImageError(source: source, reason: .malformed(detail: "invalid chunk type \(name) at offset \(pos)"))
            }
            guard length <= 0x7FFF_FFFF, count - pos - 12 >= length else {
                throw ImageError(
                    source: source,
                    reason: .truncated(what: "chunk \(name) at offset \(pos) declares \(length) bytes but only \(max(0, count - pos - 12)) remain")
                )
            }
            let dataStart = pos + 8
            let dataEnd = dataStart + length
            let stored = UInt32(truncatingIfNeeded: be32(dataEnd))
            let computed = bytes.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[(pos + 4)..<dataEnd])) }
            guard stored == computed else {
                throw ImageError(source: source, reason: .badCRC(chunk: name, offset: pos))
            }
            if header == nil && name != "IHDR" {
                throw ImageError(source: source, reason: .malformed(detail: "the first chunk is \(name), expected IHDR"))
            }
            switch name {
            case "IHDR":
                guard header == nil else {
                    throw ImageError(source: source, reason: .malformed(detail: "second IHDR chunk at offset \(pos)"))
                }
                let parsed = try bytes.withUnsafeBufferPointer { (b) throws(ImageError) -> PNGHeader in
                    try PNGHeader(UnsafeBufferPointer(rebasing: b[dataStart..<dataEnd]), source: source)
                }
                try limits.checkPixels(width: parsed.width, height: parsed.height, source: source)
                header = parsed
            case "PLTE":
                guard length % 3 == 0, length >= 3, length <= 768 else {
                    throw ImageError(source: source, reason: .malformed(detail: "PLTE chunk of \(length) bytes (must be 3 to 768, a multiple of 3)"))
                }
                palette = Array(bytes[dataStart..<dataEnd])
            case "tRNS":
                transparency = Array(bytes[dataStart..<dataEnd])
            case "IDAT":
                imageData.append(dataStart..<dataEnd)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first byte clear: a critical chunk we cannot safely ignore.
                if type[0] & 0x20 == 0 {
                    throw ImageError(source: source, reason: .unsupported(feature: "critical PNG chunk \(name)"))
                }
            }
            pos = dataEnd + 4
        }
        guard let header else {
            throw ImageError(source: source, reason: .truncated(what: "the file ends before the IHDR chunk"))
        }
        if imageData.isEmpty {
            if sawEnd {
                throw ImageError(source: source, reason: .malformed(detail: "no IDAT chunk"))
            }
            throw ImageError(source: source, reason: .truncated(what: "the file ends before the image data (IDAT)"))
        }
        if header.colorType == 3 && palette.isEmpty {
            throw ImageError(source: source, reason: .malformed(detail: "palette image (colour type 3) without a PLTE chunk"))
        }
        self.header = header
        self.palette = palette
        self.transparency = transparency
        self.imageData = imageData
    }

    /// A printable name for a chunk type.
    static func name(_ type: [UInt8]) -> String {
        if type.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(decoding: type, as: UTF8.self)
        }
        return "0x" + type.map { byte in
            let s = String(byte, radix: 16, uppercase: true)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
