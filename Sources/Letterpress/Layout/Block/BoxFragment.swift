import StyledHTML

/// A laid-out box in the continuous (unpaginated) flow: its border box relative to its
/// parent's border box, its decoration, and its positioned children.
final class BoxFragment {
    enum Kind {
        case block
        case table
        case row
        case cell
    }

    var kind: Kind = .block
    var x = 0.0
    var y = 0.0
    var width: Double
    var height: Double
    var background: Color?
    /// A link over the whole border box (a block-level `<a href>`).
    var link: String?
    /// Used border widths and styles (zero width = not drawn).
    var border = Edges(ComputedStyle.BorderSide())
    /// Own content in local coordinates (block images, list markers, collapsed table borders).
    var items: [DisplayItem] = []
    var children: [FragmentNode] = []
    var absolutes: [AbsoluteFragment] = []
    var breakBefore: ComputedStyle.PageBreak = .auto
    var breakAfter: ComputedStyle.PageBreak = .auto
    var avoidBreakInside = false
    var orphans = 2
    var widows = 2
    /// How far drawn content reaches above the top / below the bottom (collapsed borders).
    var inkAbove = 0.0
    var inkBelow = 0.0
    /// Tables: rows that come from `thead` (repeated on continuation pages).
    var headerRowCount = 0
    /// Table cells: room left below the content inside the cell's own `height`
    /// (`vertical-align` distributes it together with the row's spare height).
    var cellSlack = 0.0
    /// Baseline of the last line inside, relative to the top (inline-blocks).
    var lastBaseline: Double?

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Whether any border side is drawn or a background is painted.
    var hasDecoration: Bool {
        background != nil || border.top.width > 0 || border.right.width > 0 || border.bottom.width > 0 || border.left.width > 0
    }
}

/// A child of a box fragment.
enum FragmentNode {
    case box(BoxFragment)
    case line(LineFragment)
}
