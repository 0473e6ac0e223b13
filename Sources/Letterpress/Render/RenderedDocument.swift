/// A rendered PDF and what happened on the way.
public struct RenderedDocument: Sendable {
    /// The PDF file's bytes.
    public var pdf: [UInt8]
    /// Number of pages.
    public var pageCount: Int
    /// Everything tolerated but ignored (unknown CSS, repaired tags, clipped content), in order.
    public var warnings: [String]

    public init(pdf: [UInt8], pageCount: Int, warnings: [String]) {
        self.pdf = pdf
        self.pageCount = pageCount
        self.warnings = warnings
    }
}
