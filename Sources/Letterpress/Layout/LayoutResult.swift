/// The laid-out document: its pages and what the layout had to tolerate.
public struct LayoutResult: Sendable {
    /// The pages in order, each with its items in painting order.
    public var pages: [LaidOutPage]
    /// Human-readable notes about clamped or ignored input (each once).
    public var warnings: [String]

    /// A result from pages and warnings.
    public init(pages: [LaidOutPage], warnings: [String]) {
        self.pages = pages
        self.warnings = warnings
    }
}
