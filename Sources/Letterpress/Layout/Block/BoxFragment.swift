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

/// One line box: its items in line-local coordinates (origin at the line's top-left).
final class LineFragment {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    /// Baseline distance from the line's top.
    var baseline: Double
    var items: [DisplayItem]
    /// Inline-blocks, positioned relative to the line's origin.
    var boxes: [BoxFragment]

    init(x: Double, y: Double, width: Double, height: Double, baseline: Double, items: [DisplayItem], boxes: [BoxFragment]) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.baseline = baseline
        self.items = items
        self.boxes = boxes
    }
}

/// An absolutely positioned (or fixed) box: laid out, waiting to be placed against the
/// content box of the page its static position falls on.
struct AbsoluteFragment {
    var fragment: BoxFragment
    /// Static position (where it would have been in flow) relative to the parent's border box.
    var staticX: Double
    var staticY: Double
    var style: ComputedStyle
    var fixed: Bool
}

extension DisplayItem {
    /// The same item moved by (dx, dy).
    func offset(_ dx: Double, _ dy: Double) -> DisplayItem {
        if dx == 0 && dy == 0 { return self }
        switch self {
        case .fill(let rect, let color):
            return .fill(Rect(x: rect.x + dx, y: rect.y + dy, width: rect.width, height: rect.height), color)
        case .line(let from, let to, let width, let color, let style):
            return .line(from: Point(x: from.x + dx, y: from.y + dy), to: Point(x: to.x + dx, y: to.y + dy),
                         width: width, color: color, style: style)
        case .text(var run):
            run.origin = Point(x: run.origin.x + dx, y: run.origin.y + dy)
            return .text(run)
        case .image(let source, let rect):
            return .image(source: source, Rect(x: rect.x + dx, y: rect.y + dy, width: rect.width, height: rect.height))
        case .link(let rect, let uri):
            return .link(Rect(x: rect.x + dx, y: rect.y + dy, width: rect.width, height: rect.height), uri: uri)
        }
    }

    /// Top and bottom of the item (for page assignment).
    var verticalExtent: (top: Double, bottom: Double) {
        switch self {
        case .fill(let rect, _), .image(_, let rect), .link(let rect, _):
            return (rect.y, rect.maxY)
        case .line(let from, let to, let width, _, _):
            if from.y == to.y { return (from.y - width / 2, from.y + width / 2) }
            return (min(from.y, to.y), max(from.y, to.y))
        case .text(let run):
            return (run.origin.y - run.size, run.origin.y + run.size * 0.3)
        }
    }
}
