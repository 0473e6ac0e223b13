/// Upper bounds applied while decoding an image, so that a hostile or accidental
/// huge file (or a decompression bomb) is refused before memory is committed to it.
public struct ImageLimits: Sendable, Equatable {
    /// The largest accepted encoded file, in bytes (default 20 MiB).
    public var maxBytes: Int = 20 << 20
    /// The largest accepted image area, width × height, in pixels (default 40 million).
    public var maxPixels: Int = 40_000_000

    /// Creates limits; the defaults suit letterheads and signatures in business letters.
    /// - Parameters:
    ///   - maxBytes: the largest accepted encoded file, in bytes.
    ///   - maxPixels: the largest accepted width × height.
    public init(maxBytes: Int = 20 << 20, maxPixels: Int = 40_000_000) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    /// Throws when `width × height` exceeds ``maxPixels`` (or overflows).
    func checkPixels(width: Int, height: Int, source: String) throws(ImageError) {
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || area > maxPixels {
            throw ImageError(source: source, reason: .tooManyPixels(width: width, height: height, limit: maxPixels))
        }
    }
}
