import StyledHTML

/// An inline element's box: edges, decoration, link.
struct InlineBoxInfo {
    var textStyle: Int
    var background: Color?
    var border: Edges<ComputedStyle.BorderSide>
    var paddingTop: Double
    var paddingBottom: Double
    var startWidth: Double
    var endWidth: Double
    var marginLeft: Double
    var marginRight: Double
    var link: String?
}

/// An image or inline-block placed inside a line, with its layout results.
final class AtomicInline {
    enum Kind {
        case image(ImageBox)
        case block(LayoutBox)
    }

    let kind: Kind
    let style: ComputedStyle
    /// Text style of the surrounding inline content (for `vertical-align`).
    let parentStyle: Int
    /// Margin-box size and the baseline's distance from the margin-box top.
    var width = 0.0
    var height = 0.0
    var baseline = 0.0
    /// Border-box offset inside the margin box.
    var marginLeft = 0.0
    var marginTop = 0.0
    /// For images, the border-box size (content plus padding and borders).
    var imageBox = Rect(x: 0, y: 0, width: 0, height: 0)
    var fragment: BoxFragment?

    init(kind: Kind, style: ComputedStyle, parentStyle: Int) {
        self.kind = kind
        self.style = style
        self.parentStyle = parentStyle
    }
}
