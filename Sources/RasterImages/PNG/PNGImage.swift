import NIOCore

/// A decoded PNG: 8-bit samples, row-major, without filter bytes, plus an optional alpha plane.
public struct PNGImage: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel in ``pixels``: 1 (gray) or 3 (RGB).
    public let components: Int
    /// `width × height × components` 8-bit samples, row by row, top to bottom.
    public let pixels: [UInt8]
    /// `width × height` 8-bit alpha values (255 opaque) when the PNG has transparency
    /// (colour type 4/6 or a `tRNS` chunk); nil when every pixel is fully opaque.
    public let alpha: [UInt8]?

    /// Creates an image from decoded planes.
    public init(width: Int, height: Int, components: Int, pixels: [UInt8], alpha: [UInt8]?) {
        self.width = width
        self.height = height
        self.components = components
        self.pixels = pixels
        self.alpha = alpha
    }

    /// The eight-byte PNG signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Whether `bytes` start with the PNG signature.
    public static func hasSignature(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && bytes[0..<8].elementsEqual(signature)
    }

    /// Decodes a PNG file: every colour type, bit depths 1–16 (16 reduced to 8, sub-byte depths
    /// expanded), `tRNS` transparency, all five filters, Adam7 interlacing, several `IDAT` chunks.
    /// Chunk CRCs are checked; the image area is checked against `limits` before any image
    /// memory is allocated, and decompression stops at the exact size the header implies.
    /// - Throws: ``ImageError`` naming `source` and what is wrong.
    public static func decode(_ bytes: [UInt8], source: String, limits: ImageLimits = ImageLimits()) throws(ImageError) -> PNGImage {
        guard hasSignature(bytes) else {
            throw ImageError(source: source, reason: .notAnImage(firstBytes: Array(bytes.prefix(8))))
        }
        guard bytes.count <= limits.maxBytes else {
            throw ImageError(source: source, reason: .tooManyBytes(count: bytes.count, limit: limits.maxBytes))
        }
        let chunks = try PNGChunks(bytes, source: source, limits: limits)
        let header = chunks.header
        let expected = header.decompressedSize
        var data = try PNGInflater.inflate(bytes, ranges: chunks.imageData, expectedSize: expected, source: source)
        let expander = PNGRowExpander(header: header, palette: chunks.palette, transparency: chunks.transparency)
        let components = expander.components
        let pixelCount = header.width * header.height
        var pixels = [UInt8](repeating: 0, count: pixelCount * components)
        var alpha = expander.hasAlpha ? [UInt8](repeating: 255, count: pixelCount) : []
        var alphaAnd: UInt8 = 0xFF

        let filterError: PNGUnfilter.Failure? = data.withUnsafeMutableReadableBytes { raw -> PNGUnfilter.Failure? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            return pixels.withUnsafeMutableBufferPointer { pixelBuffer -> PNGUnfilter.Failure? in
                alpha.withUnsafeMutableBufferPointer { alphaBuffer -> PNGUnfilter.Failure? in
                    guard let pixelBase = pixelBuffer.baseAddress else { return nil }
                    // An empty array still has a (shared, read-only) base address: only use a real plane.
                    let alphaBase = expander.hasAlpha ? alphaBuffer.baseAddress : nil
                    var offset = 0
                    for pass in header.passes {
                        let rowBytes = header.rowBytes(pixels: pass.width)
                        if let failure = PNGUnfilter.unfilter(
                            base + offset, rows: pass.height, rowBytes: rowBytes, stride: header.filterStride
                        ) {
                            return failure
                        }
                        for row in 0..<pass.height {
                            let src = base + offset + row * (rowBytes + 1) + 1
                            let first = (pass.y0 + row * pass.dy) * header.width + pass.x0
                            alphaAnd &= expander.expand(
                                row: src, count: pass.width,
                                pixels: pixelBase + first * components,
                                alpha: alphaBase.map { $0 + first },
                                step: pass.dx
                            )
                        }
                        offset += pass.height * (rowBytes + 1)
                    }
                    return nil
                }
            }
        }
        if let filterError {
            throw ImageError(
                source: source,
                reason: .malformed(detail: "unknown filter type \(filterError.filterType) in row \(filterError.row) of the image data")
            )
        }
        return PNGImage(
            width: header.width, height: header.height, components: components,
            pixels: pixels, alpha: expander.hasAlpha && alphaAnd != 0xFF ? alpha : nil
        )
    }
}
