import OpenType
import StyledHTML

/// What the layout needs from the outside world: fonts and image sizes. The renderer
/// implements it over the assets folder and the built-in DejaVu family; tests implement it
/// directly.
public protocol LayoutEnvironment: Sendable {
    /// The best face for a family list, weight and style (CSS font matching; falls back to
    /// the default family, never fails).
    func font(family: [String], weight: Int, style: ComputedStyle.FontStyle) -> FontID
    /// A face that has a glyph for `scalar`, trying `preferred` first, then the default
    /// families; nil when no face has it (the layout then uses `preferred`'s .notdef).
    func font(for scalar: Unicode.Scalar, preferred: FontID) -> FontID?
    /// The parsed font behind an id (metrics, cmap, kerning).
    func face(_ id: FontID) -> OpenTypeFont
    /// Intrinsic size of an image in CSS pixels (1 px = 0.75 pt). Throws naming the file
    /// when it is missing or not an image.
    func imageSize(source: String) throws -> (width: Double, height: Double)
}
