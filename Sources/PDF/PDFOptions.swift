import Foundation

/// Document-level settings of a ``PDFWriter``.
public struct PDFOptions: Sendable {
    /// The PDF/A conformance level the output claims (and follows).
    public enum Conformance: Sendable, Equatable {
        /// Plain PDF 1.7.
        case none
        /// PDF/A-2b: XMP metadata, an embedded sRGB output intent, printable annotations.
        /// CMYK images get an embedded ICC CMYK profile instead of DeviceCMYK (the intent is RGB).
        case pdfA2b
    }

    /// Document title (Info `/Title`, XMP `dc:title`).
    public var title: String?
    /// Author (Info `/Author`, XMP `dc:creator`).
    public var author: String?
    /// Subject (Info `/Subject`, XMP `dc:description`).
    public var subject: String?
    /// Keywords (Info `/Keywords`, XMP `pdf:Keywords`).
    public var keywords: String?
    /// Creating application (Info `/Creator`, XMP `xmp:CreatorTool`).
    public var creator: String?
    /// Producing library (Info `/Producer`, XMP `pdf:Producer`).
    public var producer: String = "Herald Letterpress"
    /// Creation (and modification) date, written in UTC exactly as given; `nil` writes no date.
    /// The writer never reads the clock, so identical input gives byte-identical output.
    public var creationDate: Date?
    /// PDF/A conformance of the output.
    public var conformance: Conformance = .none
    /// zlib level (1...9) for content streams, fonts, raw images and the ICC profile;
    /// `0` writes those streams uncompressed (useful for debugging).
    public var compressionLevel: Int = 6
    /// Font subsets and ToUnicode CMaps already compressed by earlier documents (shared,
    /// thread-safe); `nil` makes each document compress its own. The output is the same.
    public var streamCache: PDFStreamCache?

    /// Creates options; every property can also be set afterwards.
    public init(
        title: String? = nil, author: String? = nil, subject: String? = nil, keywords: String? = nil,
        creator: String? = nil, producer: String = "Herald Letterpress", creationDate: Date? = nil,
        conformance: Conformance = .none, compressionLevel: Int = 6
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creator = creator
        self.producer = producer
        self.creationDate = creationDate
        self.conformance = conformance
        self.compressionLevel = compressionLevel
    }
}
