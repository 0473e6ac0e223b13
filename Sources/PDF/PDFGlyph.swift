/// One positioned glyph of a text run.
public struct PDFGlyph: Sendable, Equatable {
    /// Glyph id in the font (ids at or beyond the font's glyph count are written as `.notdef`).
    public var id: UInt16
    /// Horizontal offset of the glyph origin from the run start, in points.
    public var x: Double
    /// The characters this glyph represents, for the ToUnicode CMap (text extraction and search).
    /// The first non-empty text seen for a glyph id in the document wins; ligatures may carry several characters.
    public var text: String

    /// Creates a positioned glyph.
    public init(id: UInt16, x: Double, text: String) {
        self.id = id
        self.x = x
        self.text = text
    }
}
