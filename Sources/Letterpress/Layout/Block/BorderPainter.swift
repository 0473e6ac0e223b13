import StyledHTML

/// Border sides as `.line` items centred on the border area (double borders as two lines).
enum BorderPainter {
    /// Appends the drawn sides of `border` around the border box `rect`.
    static func appendBorders(_ border: Edges<ComputedStyle.BorderSide>, rect: Rect, to items: inout [DisplayItem]) {
        appendSide(border.top, to: &items) { offset in
            (Point(x: rect.x, y: rect.y + offset), Point(x: rect.maxX, y: rect.y + offset))
        }
        appendSide(border.right, to: &items) { offset in
            (Point(x: rect.maxX - offset, y: rect.y), Point(x: rect.maxX - offset, y: rect.maxY))
        }
        appendSide(border.bottom, to: &items) { offset in
            (Point(x: rect.x, y: rect.maxY - offset), Point(x: rect.maxX, y: rect.maxY - offset))
        }
        appendSide(border.left, to: &items) { offset in
            (Point(x: rect.x + offset, y: rect.y), Point(x: rect.x + offset, y: rect.maxY))
        }
    }

    /// One side; `geometry` maps the distance of the line's centre from the outer edge to
    /// its end points.
    static func appendSide(_ side: ComputedStyle.BorderSide, to items: inout [DisplayItem],
                           geometry: (Double) -> (Point, Point)) {
        guard side.style != .none, side.width > 0, side.color.alpha > 0 else { return }
        if side.style == .double && side.width >= 3 {
            let third = side.width / 3
            let outer = geometry(third / 2)
            let inner = geometry(side.width - third / 2)
            items.append(.line(from: outer.0, to: outer.1, width: third, color: side.color, style: .solid))
            items.append(.line(from: inner.0, to: inner.1, width: third, color: side.color, style: .solid))
            return
        }
        let line = geometry(side.width / 2)
        let style: ComputedStyle.BorderStyle = side.style == .double ? .solid : side.style
        items.append(.line(from: line.0, to: line.1, width: side.width, color: side.color, style: style))
    }
}
