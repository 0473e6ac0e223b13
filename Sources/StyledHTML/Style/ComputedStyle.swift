/// The computed style of one element (or of the anonymous text inside it), after the cascade.
///
/// Contract between the cascade (this module) and the layout (`Letterpress`):
/// - every length that does not depend on the containing block is already in **points**
///   (`em` against this element's font size, `rem` against the root's, `px` = 0.75 pt, `mm`,
///   `cm`, `in`, `pt`, `pc`); percentages stay percentages for the layout to resolve;
/// - text properties (color, font, line-height, text-align, white-space, text-decoration,
///   list-style, orphans, widows, visibility of the cursor-free kind) are inherited, box
///   properties are not, exactly as CSS 2.1 says;
/// - values that were invalid or unsupported were dropped (with a warning) before this point,
///   so every field here holds a value the layout can use as it stands.
public struct ComputedStyle: Sendable, Equatable {
    // Box
    public var display: Display = .inline
    public var position: Position = .static
    public var top: Length = .auto
    public var right: Length = .auto
    public var bottom: Length = .auto
    public var left: Length = .auto
    public var width: Length = .auto
    public var height: Length = .auto
    public var minWidth: Length = .points(0)
    public var maxWidth: Length = .none
    public var minHeight: Length = .points(0)
    public var maxHeight: Length = .none
    public var margin: Edges<Length> = Edges(.points(0))
    public var padding: Edges<Length> = Edges(.points(0))
    public var border: Edges<BorderSide> = Edges(BorderSide())
    public var backgroundColor: Color? = nil
    public var borderCollapse: BorderCollapse = .separate
    /// Horizontal and vertical `border-spacing`, points.
    public var borderSpacing: Double = 0

    // Text (inherited)
    public var color: Color = .black
    /// Family names in preference order, lower-cased, quotes removed; generic names
    /// (`serif`, `sans-serif`, `monospace`) kept as such.
    public var fontFamily: [String] = ["serif"]
    /// Points.
    public var fontSize: Double = 12
    /// 100…900; `bold` = 700, `normal` = 400, `bolder`/`lighter` resolved against the parent.
    public var fontWeight: Int = 400
    public var fontStyle: FontStyle = .normal
    public var lineHeight: LineHeight = .normal
    public var textAlign: TextAlign = .left
    public var verticalAlign: VerticalAlign = .baseline
    /// `text-decoration: underline` (propagates to inline descendants like CSS does).
    public var underline: Bool = false
    public var lineThrough: Bool = false
    public var whiteSpace: WhiteSpace = .normal
    public var textTransform: TextTransform = .none
    /// Points; `normal` = 0.
    public var letterSpacing: Double = 0
    /// Points, for the first line of a block.
    public var textIndent: Length = .points(0)
    public var listStyleType: ListStyleType = .disc
    public var orphans: Int = 2
    public var widows: Int = 2

    // Paged media
    public var pageBreakBefore: PageBreak = .auto
    public var pageBreakAfter: PageBreak = .auto
    public var pageBreakInside: PageBreakInside = .auto

    public init() {}
}

extension ComputedStyle {
    public enum Display: Sendable, Equatable {
        case block, inline, inlineBlock, listItem, none
        case table, tableHeaderGroup, tableRowGroup, tableFooterGroup, tableRow, tableCell, tableCaption
        case tableColumn, tableColumnGroup
    }
    public enum Position: Sendable, Equatable { case `static`, relative, absolute, fixed }
    public enum FontStyle: Sendable, Equatable { case normal, italic }
    public enum TextAlign: Sendable, Equatable { case left, right, center, justify }
    public enum VerticalAlign: Sendable, Equatable { case baseline, top, middle, bottom, `super`, sub, textTop, textBottom }
    public enum WhiteSpace: Sendable, Equatable { case normal, nowrap, pre, preLine, preWrap }
    public enum TextTransform: Sendable, Equatable { case none, uppercase, lowercase, capitalize }
    public enum ListStyleType: Sendable, Equatable { case disc, circle, square, decimal, lowerAlpha, upperAlpha, lowerRoman, upperRoman, none }
    public enum PageBreak: Sendable, Equatable { case auto, always, avoid, left, right }
    public enum PageBreakInside: Sendable, Equatable { case auto, avoid }
    public enum BorderCollapse: Sendable, Equatable { case separate, collapse }

    /// A length the layout still has to resolve: points are final, percentages are of the
    /// containing block's width (or height for `height`/`top`/`bottom` where CSS says so).
    public enum Length: Sendable, Equatable {
        case auto
        /// `none` (for max-width / max-height only).
        case none
        case points(Double)
        case percent(Double)
    }

    public enum LineHeight: Sendable, Equatable {
        /// The font's own ascender - descender + line gap (about 1.16 for DejaVu).
        case normal
        /// A unitless number, multiplied by the font size of each element that inherits it.
        case multiple(Double)
        /// An absolute height in points.
        case points(Double)
    }

    public struct BorderSide: Sendable, Equatable {
        /// Points; 0 when the style is `none`/`hidden`.
        public var width: Double
        public var style: BorderStyle
        /// `currentColor` already resolved.
        public var color: Color
        public init(width: Double = 0, style: BorderStyle = .none, color: Color = .black) {
            self.width = width
            self.style = style
            self.color = color
        }
    }
    public enum BorderStyle: Sendable, Equatable { case none, solid, dashed, dotted, double }
}

/// Top, right, bottom, left: the CSS order.
public struct Edges<Value: Sendable & Equatable>: Sendable, Equatable {
    public var top: Value
    public var right: Value
    public var bottom: Value
    public var left: Value
    public init(top: Value, right: Value, bottom: Value, left: Value) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }
    public init(_ all: Value) { self.init(top: all, right: all, bottom: all, left: all) }
}

/// sRGB colour with alpha, each component 0…1.
public struct Color: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }
    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let transparent = Color(red: 0, green: 0, blue: 0, alpha: 0)
}
