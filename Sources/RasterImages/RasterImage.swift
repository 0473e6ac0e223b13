/// A decoded raster image, ready to be embedded in a PDF: PNGs are decoded to 8-bit samples,
/// JPEGs are inspected and passed through unchanged.
public enum RasterImage: Sendable {
    /// A PNG decoded to 8-bit gray or RGB samples with an optional alpha plane.
    case png(PNGImage)
    /// A JPEG whose header was inspected; its bytes are passed through.
    case jpeg(JPEGImage)

    /// Width in pixels.
    public var width: Int {
        switch self {
        case .png(let image): image.width
        case .jpeg(let image): image.width
        }
    }

    /// Height in pixels.
    public var height: Int {
        switch self {
        case .png(let image): image.height
        case .jpeg(let image): image.height
        }
    }
}

extension RasterImage {
    /// Decodes `bytes`, telling PNG from JPEG by their signature.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: a name for the image used in error messages (e.g. its file name).
    ///   - limits: size limits; the file and the image area are checked before decoding.
    /// - Throws: ``ImageError`` naming `source` and what is wrong.
    public static func decode(_ bytes: [UInt8], source: String, limits: ImageLimits = ImageLimits()) throws(ImageError) -> RasterImage {
        if PNGImage.hasSignature(bytes) {
            return .png(try PNGImage.decode(bytes, source: source, limits: limits))
        }
        if JPEGImage.hasSignature(bytes) {
            return .jpeg(try JPEGImage.inspect(bytes, source: source, limits: limits))
        }
        throw ImageError(source: source, reason: .notAnImage(firstBytes: Array(bytes.prefix(8))))
    }
}
