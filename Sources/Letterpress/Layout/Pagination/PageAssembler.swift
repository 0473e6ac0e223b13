import StyledHTML

/// Builds the final pages: maps flow items onto their pages (slicing box decorations at page
/// breaks), repeats table headers, places absolutely positioned and fixed boxes against the
/// page's content box, and lays out the margin boxes once the page count is known.
struct PageAssembler {
    let context: LayoutContext
    let layout: FlowLayout
    let flow: FlowFlattener
    let slices: [PageSlice]
    let first: PageGeometry
    let rest: PageGeometry

    func geometry(_ page: Int) -> PageGeometry { page == 0 ? first : rest }

    func assemble() throws -> [LaidOutPage] {
        let count = slices.count
        var pageItems = [[DisplayItem]](repeating: [], count: count)
        var atomPage = [Int32](repeating: 0, count: flow.atoms.count)
        for (page, slice) in slices.enumerated() {
            for atom in slice.atoms { atomPage[atom] = Int32(page) }
        }
        let geometries = (0..<count).map(geometry)
        let offsetsX = geometries.map(\.contentX)
        let offsetsY = (0..<count).map { geometries[$0].contentY + slices[$0].inset - slices[$0].start }
        var headerPending = slices.map { $0.header >= 0 }
        let starts = slices.map(\.start)

        for entry in flow.items {
            if entry.atom >= 0 {
                let page = Int(atomPage[Int(entry.atom)])
                if headerPending[page] {
                    headerPending[page] = false
                    emitHeader(page: page, geometry: geometries[page], into: &pageItems[page])
                }
                pageItems[page].append(entry.item.offset(offsetsX[page], offsetsY[page]))
                continue
            }
            let extent = entry.item.verticalExtent
            var page = max(0, PageAssembler.lastIndex(in: starts, notAbove: extent.top) - 2)
            var placedPoint = false
            while page < count {
                let slice = slices[page]
                let low = page == 0 ? -Double.infinity : slice.start
                let high = page == count - 1 ? Double.infinity : slice.end
                if low > extent.bottom { break }
                if let clipped = PageAssembler.clip(entry.item, low: low, high: high, placedPoint: &placedPoint) {
                    pageItems[page].append(clipped.offset(offsetsX[page], offsetsY[page]))
                }
                page += 1
            }
        }
        for page in 0..<count where headerPending[page] {
            emitHeader(page: page, geometry: geometries[page], into: &pageItems[page])
        }

        // Absolutely positioned and fixed boxes, painted over the flow.
        for absolute in flow.absolutes {
            let anchorX = absolute.parentX + absolute.fragment.staticX
            let anchorY = absolute.parentY + absolute.fragment.staticY
            let home: Int
            if absolute.atom >= 0 {
                home = Int(atomPage[Int(absolute.atom)])
            } else {
                home = slices.firstIndex { $0.end >= anchorY - Paginator.epsilon } ?? count - 1
            }
            let targets = absolute.fragment.fixed ? Array(0..<count) : [home]
            for page in targets {
                let geometry = geometries[page]
                let staticY = page == home ? anchorY + offsetsY[page] : geometry.contentY
                place(absolute.fragment, staticX: anchorX + offsetsX[page], staticY: staticY, page: page,
                      geometry: geometry, into: &pageItems[page])
            }
        }

        // Margin boxes.
        for page in 0..<count {
            try appendMarginBoxes(page: page, total: count, geometry: geometries[page], into: &pageItems[page])
        }
        return (0..<count).map { page in
            LaidOutPage(width: geometries[page].width, height: geometries[page].height, items: pageItems[page])
        }
    }

    /// The number of values `<= value` in an ascending array.
    static func lastIndex(in values: [Double], notAbove value: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The part of a decoration item between flow y `low` and `high`, nil when none.
    /// Items that cannot be sliced go to the first page they touch.
    static func clip(_ item: DisplayItem, low: Double, high: Double, placedPoint: inout Bool) -> DisplayItem? {
        switch item {
        case .fill(let rect, let color):
            let top = max(rect.y, low)
            let bottom = min(rect.maxY, high)
            guard bottom > top else { return nil }
            return .fill(Rect(x: rect.x, y: top, width: rect.width, height: bottom - top), color)
        case .link(let rect, let uri):
            let top = max(rect.y, low)
            let bottom = min(rect.maxY, high)
            guard bottom > top else { return nil }
            return .link(Rect(x: rect.x, y: top, width: rect.width, height: bottom - top), uri: uri)
        case .line(let from, let to, let width, let color, let style) where from.x == to.x && from.y != to.y:
            let top = max(min(from.y, to.y), low)
            let bottom = min(max(from.y, to.y), high)
            guard bottom > top else { return nil }
            return .line(from: Point(x: from.x, y: top), to: Point(x: to.x, y: bottom), width: width, color: color, style: style)
        default:
            guard !placedPoint else { return nil }
            let extent = item.verticalExtent
            let middle = (extent.top + extent.bottom) / 2
            guard middle >= low - Paginator.epsilon, middle <= high + Paginator.epsilon else { return nil }
            placedPoint = true
            return item
        }
    }

    /// The repeated `thead` at the top of a continuation page: the table's decoration over
    /// the header band, then the header rows.
    private func emitHeader(page: Int, geometry: PageGeometry, into items: inout [DisplayItem]) {
        let index = Int(slices[page].header)
        guard index >= 0, index < flow.headers.count else { return }
        let header = flow.headers[index]
        let dx = geometry.contentX
        let dy = geometry.contentY - header.top
        var placedPoint = true
        for position in header.decorations {
            if let clipped = PageAssembler.clip(flow.items[position].item, low: header.top, high: header.bottom,
                                                placedPoint: &placedPoint) {
                items.append(clipped.offset(dx, dy))
            }
        }
        for position in header.items {
            items.append(flow.items[position].item.offset(dx, dy))
        }
    }

    // MARK: Absolute positioning

    private func place(_ absolute: AbsoluteFragment, staticX: Double, staticY: Double, page: Int,
                       geometry: PageGeometry, into items: inout [DisplayItem]) {
        let style = absolute.style
        let fragment = absolute.fragment
        let width = geometry.contentWidth
        let height = geometry.contentHeight
        let marginLeft = LayoutContext.resolve(style.margin.left, base: width)
        let marginRight = LayoutContext.resolve(style.margin.right, base: width)
        let marginTop = LayoutContext.resolve(style.margin.top, base: width)
        let marginBottom = LayoutContext.resolve(style.margin.bottom, base: width)
        let x: Double
        if let left = LayoutContext.resolveOptional(style.left, base: width) {
            x = geometry.contentX + left + marginLeft
        } else if let right = LayoutContext.resolveOptional(style.right, base: width) {
            x = geometry.contentX + width - right - marginRight - fragment.width
        } else {
            x = staticX + marginLeft
        }
        let y: Double
        if let top = LayoutContext.resolveOptional(style.top, base: height) {
            y = geometry.contentY + top + marginTop
        } else if let bottom = LayoutContext.resolveOptional(style.bottom, base: height) {
            y = geometry.contentY + height - bottom - marginBottom - fragment.height
        } else {
            y = staticY + marginTop
        }
        emitDirect(fragment, x: x, y: y, page: page, geometry: geometry, into: &items)
    }

    /// Emits a fragment tree at page coordinates without pagination (absolute boxes).
    private func emitDirect(_ fragment: BoxFragment, x: Double, y: Double, page: Int, geometry: PageGeometry,
                            into items: inout [DisplayItem]) {
        let rect = Rect(x: x, y: y, width: fragment.width, height: fragment.height)
        if let background = fragment.background, background.alpha > 0, rect.width > 0, rect.height > 0 {
            items.append(.fill(rect, background))
        }
        BorderPainter.appendBorders(fragment.border, rect: rect, to: &items)
        for item in fragment.items { items.append(item.offset(x, y)) }
        for child in fragment.children {
            switch child {
            case .line(let line):
                let lineX = x + line.x
                let lineY = y + line.y
                for item in line.items { items.append(item.offset(lineX, lineY)) }
                for box in line.boxes {
                    emitDirect(box, x: lineX + box.x, y: lineY + box.y, page: page, geometry: geometry, into: &items)
                }
            case .box(let box):
                emitDirect(box, x: x + box.x, y: y + box.y, page: page, geometry: geometry, into: &items)
            }
        }
        for nested in fragment.absolutes {
            place(nested, staticX: x + nested.staticX, staticY: y + nested.staticY, page: page, geometry: geometry, into: &items)
        }
    }

    // MARK: Margin boxes

    private func appendMarginBoxes(page: Int, total: Int, geometry: PageGeometry, into items: inout [DisplayItem]) throws {
        let boxes = geometry.style.marginBoxes
        guard !boxes.isEmpty else { return }
        let left = geometry.margin.left
        let available = geometry.contentWidth
        for (row, positions) in [(0, [MarginBoxPosition.topLeft, .topCenter, .topRight]),
                                 (1, [MarginBoxPosition.bottomLeft, .bottomCenter, .bottomRight])] {
            var contents: [(content: InlineContent, style: ComputedStyle, maximum: Double)?] = []
            for (slot, position) in positions.enumerated() {
                guard let box = boxes[position] else {
                    contents.append(nil)
                    continue
                }
                var text = ""
                for part in box.content {
                    switch part {
                    case .string(let string): text += string
                    case .pageNumber: text += String(page + 1)
                    case .pageCount: text += String(total)
                    }
                }
                var style = box.style
                if slot == 1 && style.textAlign == .left { style.textAlign = .center }
                if slot == 2 && style.textAlign == .left { style.textAlign = .right }
                var builder = InlineBuilder(context: context, rootStyle: style)
                builder.addText(text, style: style)
                let content = builder.finish()
                guard content.hasContent else {
                    contents.append(nil)
                    continue
                }
                contents.append((content, style, try layout.inlineIntrinsicWidths(content).max))
            }
            guard contents.contains(where: { $0 != nil }) else { continue }
            let widths = PageAssembler.marginBoxWidths(contents.map { $0?.maximum }, available: available)
            let bandY = row == 0 ? 0 : geometry.height - geometry.margin.bottom
            let bandHeight = row == 0 ? geometry.margin.top : geometry.margin.bottom
            for (slot, entry) in contents.enumerated() {
                guard let entry else { continue }
                let width = widths[slot]
                let x: Double = switch slot {
                case 0: left
                case 1: left + (available - width) / 2
                default: left + available - width
                }
                let laid = try layout.layoutInline(entry.content, style: entry.style, width: max(0, width), containingHeight: nil)
                let top = bandY + (bandHeight - laid.height) / 2
                for line in laid.lines {
                    for item in line.items { items.append(item.offset(x + line.x, top + line.y)) }
                }
            }
        }
    }

    /// Widths of the left, centre and right margin boxes of one band from their
    /// max-content widths (nil = absent): the centre box stays centred, the side boxes share
    /// what is left in proportion to their content.
    static func marginBoxWidths(_ maximum: [Double?], available: Double) -> [Double] {
        let leftWidth = maximum[0] ?? 0
        let rightWidth = maximum[2] ?? 0
        if let center = maximum[1] {
            let sides = max(leftWidth, rightWidth)
            var width = min(center, available)
            if maximum[0] != nil || maximum[2] != nil {
                width = min(width, max(available / 3, available - 2 * sides))
            } else {
                width = available
            }
            let side = (available - width) / 2
            return [side, width, side]
        }
        if maximum[0] != nil && maximum[2] != nil {
            let total = leftWidth + rightWidth
            let share = total > 0 ? leftWidth / total : 0.5
            if total <= available {
                let free = available - total
                return [leftWidth + free * share, 0, rightWidth + free * (1 - share)]
            }
            return [available * share, 0, available * (1 - share)]
        }
        return [available, 0, available]
    }
}
