/// Errors of the PDF writer; each names the font, image or stream concerned.
public enum PDFError: Error, Equatable, CustomStringConvertible {
    /// The font's OS/2 `fsType` forbids embedding (restricted licence).
    case fontNotEmbeddable(font: String)
    /// Subsetting the font failed.
    case fontSubsetFailed(font: String, reason: String)
    /// An image's properties are inconsistent (e.g. sample data shorter than width × height).
    case invalidImage(image: Int, reason: String)
    /// zlib compression of a stream failed.
    case compressionFailed(stream: String, reason: String)
    /// A font or image reference was not created by this writer.
    case unknownReference(String)

    /// A readable message naming what is wrong.
    public var description: String {
        switch self {
        case .fontNotEmbeddable(let font):
            return "Font '\(font)' does not permit embedding (OS/2 fsType restricted licence)"
        case .fontSubsetFailed(let font, let reason):
            return "Could not subset font '\(font)': \(reason)"
        case .invalidImage(let image, let reason):
            return "Invalid image #\(image + 1): \(reason)"
        case .compressionFailed(let stream, let reason):
            return "Could not compress \(stream): \(reason)"
        case .unknownReference(let what):
            return "Unknown reference: \(what)"
        }
    }
}
