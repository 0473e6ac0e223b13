/// The union of all glyph bounding boxes of a font (`head` xMin, yMin, xMax, yMax), in font units.
public struct FontBoundingBox: Sendable, Equatable, Hashable {
    /// Smallest x coordinate of any glyph.
    public var xMin: Int
    /// Smallest y coordinate of any glyph (usually negative: below the baseline).
    public var yMin: Int
    /// Largest x coordinate of any glyph.
    public var xMax: Int
    /// Largest y coordinate of any glyph.
    public var yMax: Int

    /// Creates a bounding box from its four edges, in font units.
    public init(xMin: Int, yMin: Int, xMax: Int, yMax: Int) {
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
    }
}
