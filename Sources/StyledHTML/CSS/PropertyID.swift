/// The longhand properties the cascade knows. The order is the order of computation:
/// font size first (everything in `em` needs it), then the other font properties and
/// `color` (which `currentColor` needs), then the rest.
enum PropertyID: UInt8, Sendable, CaseIterable, Comparable {
    case fontSize, fontFamily, fontWeight, fontStyle, lineHeight, color
    case display, position, top, right, bottom, left, width, height, minWidth, maxWidth, minHeight, maxHeight
    case marginTop, marginRight, marginBottom, marginLeft
    case paddingTop, paddingRight, paddingBottom, paddingLeft
    case borderTopWidth, borderRightWidth, borderBottomWidth, borderLeftWidth
    case borderTopStyle, borderRightStyle, borderBottomStyle, borderLeftStyle
    case borderTopColor, borderRightColor, borderBottomColor, borderLeftColor
    case backgroundColor, borderCollapse, borderSpacing
    case textAlign, verticalAlign, textDecoration, whiteSpace, textTransform, letterSpacing, textIndent
    case listStyleType, orphans, widows, pageBreakBefore, pageBreakAfter, pageBreakInside
    /// `@page` only.
    case size
    /// `@page` margin boxes only.
    case content

    static func < (lhs: PropertyID, rhs: PropertyID) -> Bool { lhs.rawValue < rhs.rawValue }

    static let count = PropertyID.allCases.count

    /// Inherited properties (CSS 2.1), for `unset`.
    var isInherited: Bool {
        switch self {
        case .fontSize, .fontFamily, .fontWeight, .fontStyle, .lineHeight, .color, .borderCollapse,
             .borderSpacing, .textAlign, .whiteSpace, .textTransform, .letterSpacing, .textIndent,
             .listStyleType, .orphans, .widows:
            return true
        default:
            return false
        }
    }
}
