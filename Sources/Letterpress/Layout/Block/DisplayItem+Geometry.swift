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
