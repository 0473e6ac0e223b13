/// A length as written, with absolute units already converted to points.
enum CSSLength: Sendable, Equatable {
    case auto, none
    case points(Double)
    case em(Double)
    case rem(Double)
    case percent(Double)
}

enum CSSColor: Sendable, Equatable {
    case rgba(Color)
    case currentColor
}

enum FontSizeValue: Sendable, Equatable {
    case length(CSSLength)
    case larger, smaller
}

enum FontWeightValue: Sendable, Equatable {
    case absolute(Int)
    case bolder, lighter
}

enum LineHeightValue: Sendable, Equatable {
    case normal
    case multiple(Double)
    case length(CSSLength)
}

/// `size:` of `@page`: explicit dimensions (points) and/or an orientation.
struct PageSizeValue: Sendable, Equatable {
    var width: Double?
    var height: Double?
    var landscape: Bool?
}

/// A specified value: what a declaration says, before inheritance and unit resolution.
enum SpecifiedValue: Sendable, Equatable {
    case inherit, initial, unset
    case length(CSSLength)
    case color(CSSColor)
    case display(ComputedStyle.Display)
    case position(ComputedStyle.Position)
    case borderStyle(ComputedStyle.BorderStyle)
    case borderCollapse(ComputedStyle.BorderCollapse)
    case fontFamily([String])
    case fontSize(FontSizeValue)
    case fontWeight(FontWeightValue)
    case fontStyle(ComputedStyle.FontStyle)
    case lineHeight(LineHeightValue)
    case textAlign(ComputedStyle.TextAlign)
    case verticalAlign(ComputedStyle.VerticalAlign)
    case textDecoration(underline: Bool, lineThrough: Bool)
    case whiteSpace(ComputedStyle.WhiteSpace)
    case textTransform(ComputedStyle.TextTransform)
    case listStyleType(ComputedStyle.ListStyleType)
    case integer(Int)
    case pageBreak(ComputedStyle.PageBreak)
    case pageBreakInside(ComputedStyle.PageBreakInside)
    case pageSize(PageSizeValue)
    case content([ContentPart])
}
