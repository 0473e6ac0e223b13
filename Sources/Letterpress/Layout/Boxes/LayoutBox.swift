import StyledHTML

/// A box of the layout tree, built once per document from the styled tree: block containers
/// (holding either block boxes or one inline formatting context), tables and block-level images.
final class LayoutBox {
    enum Content {
        case empty
        case blocks([LayoutBox])
        case inline(InlineContent)
        case table(TableBox)
        case image(ImageBox)
    }

    let style: ComputedStyle
    let tag: String?
    var content: Content = .empty
    /// Absolutely positioned boxes found inside this box's inline content; their static
    /// position is the top of this box's content.
    var hoisted: [LayoutBox] = []
    /// The list marker text for list items ("•", "3.").
    var marker: String?
    /// Establishes a new block formatting context (no margin collapsing with children).
    var isFormattingRoot = false
    /// The URI of an `<a href>` laid out as a block or inline-block: its whole border box links.
    var link: String?
    /// Cached min-content and max-content border-box widths (margins excluded).
    var intrinsic: (min: Double, max: Double)?

    init(style: ComputedStyle, tag: String?) {
        self.style = style
        self.tag = tag
    }

    var isOutOfFlow: Bool { style.position == .absolute || style.position == .fixed }
}

/// A replaced image: its source and the size hints from its attributes.
struct ImageBox {
    var source: String
    /// `width` / `height` attributes (CSS pixels already converted to points, or percent).
    var attributeWidth: ComputedStyle.Length
    var attributeHeight: ComputedStyle.Length
}

extension ComputedStyle {
    /// The style of an anonymous block box inside a box with `parent`'s style: inherited
    /// properties kept, box properties reset.
    static func anonymousBlock(inheriting parent: ComputedStyle) -> ComputedStyle {
        var style = ComputedStyle()
        style.display = .block
        style.color = parent.color
        style.fontFamily = parent.fontFamily
        style.fontSize = parent.fontSize
        style.fontWeight = parent.fontWeight
        style.fontStyle = parent.fontStyle
        style.lineHeight = parent.lineHeight
        style.textAlign = parent.textAlign
        style.underline = parent.underline
        style.lineThrough = parent.lineThrough
        style.whiteSpace = parent.whiteSpace
        style.textTransform = parent.textTransform
        style.letterSpacing = parent.letterSpacing
        style.textIndent = parent.textIndent
        style.listStyleType = parent.listStyleType
        style.orphans = parent.orphans
        style.widows = parent.widows
        return style
    }
}
