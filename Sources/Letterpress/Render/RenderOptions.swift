import Foundation
import RasterImages

/// How one document is rendered.
public struct RenderOptions: Sendable {
    /// PDF conformance profile of the output.
    public enum Profile: Sendable, Equatable {
        /// Plain PDF 1.7.
        case standard
        /// PDF/A-2b: XMP metadata and an embedded sRGB output intent, for archiving.
        case pdfA2b
    }

    /// Folder that relative `src` and `@font-face` URLs resolve against. Nothing outside it is
    /// read and nothing is fetched from the network. Nil: documents may not reference files.
    public var assets: URL?
    /// Written as the PDF's creation date. The output is byte-identical for identical input,
    /// so there is no "now" unless the caller passes it. Default: none.
    public var creationDate: Date?
    /// Overrides the document's `<title>` as the PDF title.
    public var title: String?
    /// Author, written to the PDF's metadata.
    public var author: String?
    public var profile: Profile
    /// Images larger than these (file bytes, decoded pixels) are refused with an error naming
    /// the file. Default 20 MiB and 40 megapixels.
    public var imageLimits: ImageLimits
    /// A document that would need more pages is refused (a runaway template, not a letter).
    public var maxPages: Int
    /// zlib level of the PDF's streams (1 fastest … 9 smallest). Default 3: measured on the sample
    /// letters it renders 25 % faster than zlib's usual 6 for 9 % larger files.
    public var compressionLevel: Int

    public init(assets: URL? = nil, creationDate: Date? = nil, title: String? = nil, author: String? = nil,
                profile: Profile = .standard, imageLimits: ImageLimits = ImageLimits(),
                maxPages: Int = 2_000, compressionLevel: Int = 3) {
        self.assets = assets
        self.creationDate = creationDate
        self.title = title
        self.author = author
        self.profile = profile
        self.imageLimits = imageLimits
        self.maxPages = maxPages
        self.compressionLevel = compressionLevel
    }
}
