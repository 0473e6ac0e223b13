import StyledHTML

/// Resolved text properties of one inline style, everything in points.
struct TextStyle {
    var slot: Int
    var size: Double
    var color: Color
    var underline: Bool
    var lineThrough: Bool
    var letterSpacing: Double
    /// White space may wrap here (`normal`, `pre-line`, `pre-wrap`).
    var wraps: Bool
    /// Ascent and descent of the primary face at this size (descent positive).
    var ascent: Double
    var descent: Double
    /// The used line height.
    var lineHeight: Double
    /// Baseline shift for `super` / `sub` (negative = up).
    var baselineShift: Double
    var verticalAlign: ComputedStyle.VerticalAlign
    var xHeight: Double
    /// Distance of the underline below the baseline and its thickness.
    var underlineOffset: Double
    var underlineThickness: Double
    /// Glyph shown when a line breaks at a soft hyphen.
    var hyphenSlot: Int
    var hyphenGlyph: UInt16
    var hyphenAdvance: Double
}

/// What distinguishes two resolved text styles.
struct TextStyleKey: Hashable {
    var slot: Int
    var size: Double
    var color: Color
    var underline: Bool
    var lineThrough: Bool
    var letterSpacing: Double
    var whiteSpace: ComputedStyle.WhiteSpace
    var lineHeightKind: Int
    var lineHeightValue: Double
    var verticalAlign: ComputedStyle.VerticalAlign
}
