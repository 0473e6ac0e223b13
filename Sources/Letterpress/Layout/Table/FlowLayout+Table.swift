import StyledHTML

extension FlowLayout {
    /// Per-column width constraints gathered from cells and `<col>` elements.
    struct ColumnMetrics {
        var minimum: [Double]
        var maximum: [Double]
        /// Specified widths in points (border box).
        var fixed: [Double?]
        /// Specified widths in percent of the table.
        var percent: [Double?]
    }

    /// The grid geometry options of one table.
    struct TableGeometry {
        var collapse: Bool
        var spacing: Double
        /// Resolved collapsed borders per row and cell (empty in separate mode).
        var collapsed: [[Edges<ComputedStyle.BorderSide>]]
        var border: Edges<ComputedStyle.BorderSide>
        var padding: Edges<Double>
        /// Half of the outer grid lines (collapse mode).
        var outer: Edges<Double>
    }

    // MARK: Layout

    /// Lays out a table (with its captions) as a block-level box.
    func layoutTable(_ box: LayoutBox, table: TableBox, containingWidth: Double, containingHeight: Double?,
                     forcedWidth: Double?) throws -> BlockResult {
        let style = box.style
        let geometry = tableGeometry(style: style, table: table, base: containingWidth)
        let columns = table.columnCount
        let metrics = try columnMetrics(table, geometry: geometry)
        let spacingTotal = columns > 0 ? Double(columns + 1) * geometry.spacing : 2 * geometry.spacing
        let extras = geometry.border.left.width + geometry.border.right.width + geometry.padding.left
            + geometry.padding.right + geometry.outer.left + geometry.outer.right
        var marginLeft = LayoutContext.resolve(style.margin.left, base: containingWidth)
        var marginRight = LayoutContext.resolve(style.margin.right, base: containingWidth)
        let autoLeft = style.margin.left == .auto
        let autoRight = style.margin.right == .auto
        if autoLeft { marginLeft = 0 }
        if autoRight { marginRight = 0 }
        let sumMinimum = metrics.minimum.reduce(0, +)
        let sumMaximum = metrics.maximum.reduce(0, +)
        let available = max(0, containingWidth - marginLeft - marginRight - extras - spacingTotal)
        var gridWidth: Double
        if let forcedWidth {
            gridWidth = forcedWidth - extras - spacingTotal
        } else if let specified = LayoutContext.resolveOptional(style.width, base: containingWidth) {
            gridWidth = FlowLayout.clampWidth(specified, style: style, base: containingWidth) - spacingTotal
            if sumMinimum > gridWidth { gridWidth = max(gridWidth, min(sumMinimum, available)) }
        } else {
            var captionMinimum = 0.0
            for caption in table.captions {
                captionMinimum = max(captionMinimum, try intrinsicWidths(caption).min + FlowLayout.fixedMargins(caption.style))
            }
            let wanted = max(sumMaximum, sumMinimum, captionMinimum - extras - spacingTotal)
            gridWidth = FlowLayout.clampWidth(min(available, wanted), style: style, base: containingWidth)
        }
        gridWidth = max(0, gridWidth)
        let widths = FlowLayout.distribute(metrics, width: gridWidth)
        let tableWidth = widths.reduce(0, +) + spacingTotal + extras
        let remaining = containingWidth - tableWidth
        if autoLeft && autoRight {
            marginLeft = max(0, remaining / 2)
        } else if autoLeft {
            marginLeft = remaining - marginRight
        }

        let fragment = BoxFragment(width: tableWidth, height: 0)
        fragment.kind = .table
        fragment.background = style.backgroundColor
        fragment.border = geometry.collapse ? Edges(ComputedStyle.BorderSide()) : geometry.border
        fragment.headerRowCount = table.headerRowCount
        try layoutRows(table, geometry: geometry, widths: widths, into: fragment)

        let top = CollapsedMargin(LayoutContext.resolve(style.margin.top, base: containingWidth))
        let bottom = CollapsedMargin(LayoutContext.resolve(style.margin.bottom, base: containingWidth))
        guard !table.captions.isEmpty else {
            fragment.breakBefore = style.pageBreakBefore
            fragment.breakAfter = style.pageBreakAfter
            fragment.avoidBreakInside = style.pageBreakInside == .avoid
            return BlockResult(fragment: fragment, marginTop: top, marginBottom: bottom, marginLeft: marginLeft,
                               collapsedThrough: false)
        }
        // Captions go above the table, in an anonymous wrapper as wide as the table.
        let wrapper = BoxFragment(width: tableWidth, height: 0)
        wrapper.breakBefore = style.pageBreakBefore
        wrapper.breakAfter = style.pageBreakAfter
        wrapper.avoidBreakInside = style.pageBreakInside == .avoid
        var y = 0.0
        var pending = CollapsedMargin()
        for caption in table.captions {
            let result = try layoutBlock(caption, containingWidth: tableWidth, containingHeight: nil)
            pending.add(result.marginTop)
            result.fragment.x = result.marginLeft
            result.fragment.y = y + pending.value
            wrapper.children.append(.box(result.fragment))
            y = result.fragment.y + result.fragment.height
            pending = result.marginBottom
        }
        fragment.y = y + pending.value
        wrapper.children.append(.box(fragment))
        wrapper.height = fragment.y + fragment.height
        return BlockResult(fragment: wrapper, marginTop: top, marginBottom: bottom, marginLeft: marginLeft,
                           collapsedThrough: false)
    }

    private func tableGeometry(style: ComputedStyle, table: TableBox, base: Double) -> TableGeometry {
        let collapse = style.borderCollapse == .collapse
        let border = FlowLayout.usedBorder(style)
        guard collapse else {
            return TableGeometry(collapse: false, spacing: max(0, LayoutContext.sane(style.borderSpacing, limit: 10_000)),
                                 collapsed: [], border: border, padding: FlowLayout.usedPadding(style, base: base),
                                 outer: Edges(0))
        }
        let collapsed = collapsedBorders(table, tableBorder: border)
        var outer = Edges(0.0)
        for (rowIndex, row) in table.rows.enumerated() {
            for (cellIndex, cell) in row.cells.enumerated() {
                let sides = collapsed[rowIndex][cellIndex]
                if rowIndex == 0 { outer.top = max(outer.top, sides.top.width / 2) }
                if rowIndex == table.rows.count - 1 { outer.bottom = max(outer.bottom, sides.bottom.width / 2) }
                if cell.column == 0 { outer.left = max(outer.left, sides.left.width / 2) }
                if cell.column + cell.colspan >= table.columnCount { outer.right = max(outer.right, sides.right.width / 2) }
            }
        }
        if table.rows.isEmpty { outer = Edges(top: border.top.width, right: border.right.width, bottom: border.bottom.width, left: border.left.width) }
        return TableGeometry(collapse: true, spacing: 0, collapsed: collapsed, border: Edges(ComputedStyle.BorderSide()),
                             padding: Edges(0), outer: outer)
    }

    /// Lays out the rows of a table into `fragment` (whose width is already final).
    private func layoutRows(_ table: TableBox, geometry: TableGeometry, widths: [Double], into fragment: BoxFragment) throws {
        let columns = widths.count
        let spacing = geometry.spacing
        let innerLeft = geometry.border.left.width + geometry.padding.left
        let innerWidth = fragment.width - innerLeft - geometry.border.right.width - geometry.padding.right
        var columnX = [Double](repeating: 0, count: columns + 1)
        columnX[0] = geometry.collapse ? geometry.outer.left : spacing
        for column in 0..<columns { columnX[column + 1] = columnX[column] + widths[column] + spacing }
        var y = geometry.border.top.width + geometry.padding.top + (geometry.collapse ? geometry.outer.top : spacing)
        if table.rows.isEmpty && geometry.collapse { y = geometry.outer.top }
        for (rowIndex, row) in table.rows.enumerated() {
            let rowFragment = BoxFragment(width: innerWidth, height: 0)
            rowFragment.kind = .row
            rowFragment.x = innerLeft
            rowFragment.y = y
            rowFragment.background = row.style.backgroundColor
            rowFragment.breakBefore = row.style.pageBreakBefore
            rowFragment.breakAfter = row.style.pageBreakAfter
            var rowHeight = LayoutContext.resolveOptional(row.style.height, base: nil).map { max(0, $0) } ?? 0
            var cells: [(TableCellBox, BoxFragment, Int)] = []
            cells.reserveCapacity(row.cells.count)
            for (cellIndex, cell) in row.cells.enumerated() {
                guard cell.column < columns else { continue }
                let end = min(cell.column + cell.colspan, columns)
                let cellWidth = max(0, columnX[end] - columnX[cell.column] - spacing)
                var collapsedWidths: Edges<Double>?
                if geometry.collapse {
                    let sides = geometry.collapsed[rowIndex][cellIndex]
                    collapsedWidths = Edges(top: sides.top.width / 2, right: sides.right.width / 2,
                                            bottom: sides.bottom.width / 2, left: sides.left.width / 2)
                }
                let result = try layoutBlock(cell.box, containingWidth: cellWidth, containingHeight: nil,
                                             forcedWidth: cellWidth, collapsedBorder: collapsedWidths)
                let cellFragment = result.fragment
                cellFragment.kind = .cell
                cellFragment.x = columnX[cell.column]
                cellFragment.y = 0
                rowHeight = max(rowHeight, cellFragment.height)
                cells.append((cell, cellFragment, cellIndex))
            }
            rowHeight = LayoutContext.sane(rowHeight)
            rowFragment.height = rowHeight
            if let group = row.groupBackground {
                rowFragment.items.append(.fill(Rect(x: 0, y: 0, width: innerWidth, height: rowHeight), group))
            }
            var inkAbove = 0.0
            var inkBelow = 0.0
            for (cell, cellFragment, cellIndex) in cells {
                let free = rowHeight - cellFragment.height + cellFragment.cellSlack
                if free > 0 {
                    let offset: Double = switch cell.box.style.verticalAlign {
                    case .middle: free / 2
                    case .bottom, .textBottom: free
                    default: 0
                    }
                    if offset > 0 { FlowLayout.shiftContent(of: cellFragment, by: offset) }
                    cellFragment.height = rowHeight
                }
                rowFragment.children.append(.box(cellFragment))
                if geometry.collapse {
                    let sides = geometry.collapsed[rowIndex][cellIndex]
                    let end = min(cell.column + cell.colspan, columns)
                    let rect = Rect(x: columnX[cell.column], y: 0, width: columnX[end] - columnX[cell.column], height: rowHeight)
                    let cellsOfRow = table.rows[rowIndex].cells
                    let nextStartsHere = cellIndex + 1 < cellsOfRow.count && cellsOfRow[cellIndex + 1].column == end
                    appendCollapsedBorders(sides, rect: rect, drawRight: end >= columns || !nextStartsHere,
                                           to: &cellFragment.items, offsetX: -rect.x)
                    inkAbove = max(inkAbove, sides.top.width / 2)
                    inkBelow = max(inkBelow, sides.bottom.width / 2)
                }
            }
            rowFragment.inkAbove = inkAbove
            rowFragment.inkBelow = inkBelow
            fragment.children.append(.box(rowFragment))
            y += rowHeight + spacing
        }
        if geometry.collapse {
            y += table.rows.isEmpty ? 0 : geometry.outer.bottom
        } else if table.rows.isEmpty {
            y += spacing
        }
        fragment.height = y + geometry.padding.bottom + geometry.border.bottom.width
    }

    /// Collapsed borders drawn on the grid lines around one cell (the top and left sides,
    /// the bottom always so rows stand alone on a page, the right one at the row's end).
    private func appendCollapsedBorders(_ sides: Edges<ComputedStyle.BorderSide>, rect: Rect, drawRight: Bool,
                                        to items: inout [DisplayItem], offsetX: Double) {
        let left = rect.x + offsetX
        let right = rect.maxX + offsetX
        func horizontal(_ side: ComputedStyle.BorderSide, y: Double) {
            BorderPainter.appendSide(side, to: &items) { offset in
                let centre = y - side.width / 2 + offset
                return (Point(x: left - sides.left.width / 2, y: centre), Point(x: right + sides.right.width / 2, y: centre))
            }
        }
        func vertical(_ side: ComputedStyle.BorderSide, x: Double) {
            BorderPainter.appendSide(side, to: &items) { offset in
                let centre = x - side.width / 2 + offset
                return (Point(x: centre, y: rect.y), Point(x: centre, y: rect.maxY))
            }
        }
        horizontal(sides.top, y: rect.y)
        horizontal(sides.bottom, y: rect.maxY)
        vertical(sides.left, x: left)
        if drawRight { vertical(sides.right, x: right) }
    }

    /// Moves everything inside a fragment down (cell vertical alignment).
    static func shiftContent(of fragment: BoxFragment, by offset: Double) {
        for child in fragment.children {
            switch child {
            case .line(let line): line.y += offset
            case .box(let box): box.y += offset
            }
        }
        fragment.items = fragment.items.map { $0.offset(0, offset) }
        for index in fragment.absolutes.indices { fragment.absolutes[index].staticY += offset }
        if let baseline = fragment.lastBaseline { fragment.lastBaseline = baseline + offset }
    }

    // MARK: Collapsed borders

    /// For each cell, its four sides after conflict resolution with neighbours, its row and
    /// the table (the wider border wins; ties keep the cell's own).
    private func collapsedBorders(_ table: TableBox, tableBorder: Edges<ComputedStyle.BorderSide>) -> [[Edges<ComputedStyle.BorderSide>]] {
        let columns = table.columnCount
        let rows = table.rows
        var grid = [Int32](repeating: -1, count: rows.count * max(columns, 1))
        var own: [[Edges<ComputedStyle.BorderSide>]] = []
        own.reserveCapacity(rows.count)
        var rowBorders: [Edges<ComputedStyle.BorderSide>] = []
        for (rowIndex, row) in rows.enumerated() {
            rowBorders.append(FlowLayout.usedBorder(row.style))
            var sides: [Edges<ComputedStyle.BorderSide>] = []
            for (cellIndex, cell) in row.cells.enumerated() {
                sides.append(FlowLayout.usedBorder(cell.box.style))
                let end = min(cell.column + cell.colspan, columns)
                if cell.column < end {
                    for column in cell.column..<end { grid[rowIndex * columns + column] = Int32(cellIndex) }
                }
            }
            own.append(sides)
        }
        func wider(_ a: ComputedStyle.BorderSide, _ b: ComputedStyle.BorderSide) -> ComputedStyle.BorderSide {
            b.width > a.width ? b : a
        }
        var result = own
        for (rowIndex, row) in rows.enumerated() {
            for (cellIndex, cell) in row.cells.enumerated() {
                let start = cell.column
                let end = min(cell.column + cell.colspan, columns)
                guard start < end else { continue }
                var sides = own[rowIndex][cellIndex]
                let rowBorder = rowBorders[rowIndex]
                sides.top = wider(sides.top, rowBorder.top)
                sides.bottom = wider(sides.bottom, rowBorder.bottom)
                if rowIndex == 0 {
                    sides.top = wider(sides.top, tableBorder.top)
                } else {
                    sides.top = wider(sides.top, rowBorders[rowIndex - 1].bottom)
                    for column in start..<end {
                        let above = grid[(rowIndex - 1) * columns + column]
                        if above >= 0 { sides.top = wider(sides.top, own[rowIndex - 1][Int(above)].bottom) }
                    }
                }
                if rowIndex == rows.count - 1 {
                    sides.bottom = wider(sides.bottom, tableBorder.bottom)
                } else {
                    sides.bottom = wider(sides.bottom, rowBorders[rowIndex + 1].top)
                    for column in start..<end {
                        let below = grid[(rowIndex + 1) * columns + column]
                        if below >= 0 { sides.bottom = wider(sides.bottom, own[rowIndex + 1][Int(below)].top) }
                    }
                }
                if start == 0 {
                    sides.left = wider(sides.left, wider(rowBorder.left, tableBorder.left))
                } else {
                    let neighbour = grid[rowIndex * columns + start - 1]
                    if neighbour >= 0 { sides.left = wider(sides.left, own[rowIndex][Int(neighbour)].right) }
                }
                if end >= columns {
                    sides.right = wider(sides.right, wider(rowBorder.right, tableBorder.right))
                } else {
                    let neighbour = grid[rowIndex * columns + end]
                    if neighbour >= 0 { sides.right = wider(sides.right, own[rowIndex][Int(neighbour)].left) }
                }
                result[rowIndex][cellIndex] = sides
            }
        }
        return result
    }

    // MARK: Column widths

    /// Min/max-content widths per column from single-column cells, then spanning cells, then
    /// `<col>` widths.
    func columnMetrics(_ table: TableBox, geometry: TableGeometry) throws -> ColumnMetrics {
        let columns = table.columnCount
        var metrics = ColumnMetrics(minimum: [Double](repeating: 0, count: columns),
                                    maximum: [Double](repeating: 0, count: columns),
                                    fixed: [Double?](repeating: nil, count: columns),
                                    percent: [Double?](repeating: nil, count: columns))
        for (column, width) in table.columnWidths.enumerated() where column < columns {
            switch width {
            case .points(let value): metrics.fixed[column] = max(0, LayoutContext.sane(value))
            case .percent(let value): metrics.percent[column] = max(0, LayoutContext.sane(value))
            default: break
            }
        }
        var spanning: [(TableCellBox, Double, Double)] = []
        for row in table.rows {
            for cell in row.cells where cell.column < columns {
                var widths = try intrinsicWidths(cell.box)
                if geometry.collapse {
                    // Collapsed cells carry half their borders; the intrinsic sizes counted them whole.
                    let own = FlowLayout.usedBorder(cell.box.style)
                    let half = (own.left.width + own.right.width) / 2
                    widths = (max(0, widths.min - half), max(0, widths.max - half))
                }
                let span = min(cell.colspan, columns - cell.column)
                if span > 1 {
                    spanning.append((cell, widths.min, widths.max))
                    continue
                }
                let column = cell.column
                metrics.minimum[column] = max(metrics.minimum[column], widths.min)
                metrics.maximum[column] = max(metrics.maximum[column], widths.max)
                switch cell.box.style.width {
                case .points:
                    metrics.fixed[column] = max(metrics.fixed[column] ?? 0, widths.max)
                case .percent(let value):
                    metrics.percent[column] = max(metrics.percent[column] ?? 0, LayoutContext.sane(value))
                default:
                    break
                }
            }
        }
        for column in 0..<columns {
            if let fixed = metrics.fixed[column] {
                metrics.maximum[column] = max(metrics.minimum[column], fixed)
            }
            metrics.maximum[column] = max(metrics.maximum[column], metrics.minimum[column])
        }
        for (cell, minimum, maximum) in spanning {
            let start = cell.column
            let end = min(cell.column + cell.colspan, columns)
            let inner = Double(end - start - 1) * geometry.spacing
            FlowLayout.spread(minimum - inner, over: start..<end, values: &metrics.minimum, weights: metrics.maximum)
            FlowLayout.spread(maximum - inner, over: start..<end, values: &metrics.maximum, weights: metrics.maximum)
            for column in start..<end { metrics.maximum[column] = max(metrics.maximum[column], metrics.minimum[column]) }
        }
        return metrics
    }

    /// Grows `values[range]` so they sum to at least `total`, in proportion to `weights`.
    private static func spread(_ total: Double, over range: Range<Int>, values: inout [Double], weights: [Double]) {
        let current = range.reduce(0) { $0 + values[$1] }
        let excess = total - current
        guard excess > 0 else { return }
        let weightSum = range.reduce(0) { $0 + weights[$1] }
        for column in range {
            let share = weightSum > 0 ? weights[column] / weightSum : 1 / Double(range.count)
            values[column] += excess * share
        }
    }

    /// Column widths summing to `width`: every column gets its minimum, then percentage
    /// columns, fixed columns and auto columns grow toward their targets, and what is left
    /// goes to auto columns in proportion to their max-content width. When even the minimums
    /// do not fit, they are scaled down (text then breaks inside words).
    static func distribute(_ metrics: ColumnMetrics, width: Double) -> [Double] {
        let count = metrics.minimum.count
        guard count > 0 else { return [] }
        var widths = metrics.minimum
        let sumMinimum = widths.reduce(0, +)
        if sumMinimum >= width {
            guard sumMinimum > 0 else { return widths }
            // Too narrow for every column's minimum: cap the widest columns (their over-long
            // words break anywhere) and leave the narrow ones whole, rather than squeezing all.
            var room = max(0, width)
            var left = Double(count)
            var cap = Double.infinity
            for minimum in widths.sorted() {
                if minimum * left <= room {
                    room -= minimum
                    left -= 1
                } else {
                    cap = room / left
                    break
                }
            }
            return widths.map { min($0, cap) }
        }
        var remaining = width - sumMinimum
        func grow(_ targets: [(Int, Double)]) {
            guard remaining > 0 else { return }
            var wants: [(Int, Double)] = []
            var total = 0.0
            for (column, target) in targets {
                let want = target - widths[column]
                if want > 0 {
                    wants.append((column, want))
                    total += want
                }
            }
            guard total > 0 else { return }
            let granted = min(remaining, total)
            for (column, want) in wants { widths[column] += granted * want / total }
            remaining -= granted
        }
        var percentTargets: [(Int, Double)] = []
        var fixedTargets: [(Int, Double)] = []
        var autoTargets: [(Int, Double)] = []
        var autoColumns: [Int] = []
        for column in 0..<count {
            if let percent = metrics.percent[column] {
                percentTargets.append((column, percent / 100 * width))
            } else if let fixed = metrics.fixed[column] {
                fixedTargets.append((column, fixed))
            } else {
                autoTargets.append((column, metrics.maximum[column]))
                autoColumns.append(column)
            }
        }
        grow(percentTargets)
        grow(fixedTargets)
        grow(autoTargets)
        if remaining > 1e-9 {
            let receivers = !autoColumns.isEmpty ? autoColumns
                : (fixedTargets.isEmpty ? Array(0..<count) : fixedTargets.map(\.0))
            let weightSum = receivers.reduce(0) { $0 + widths[$1] }
            for column in receivers {
                let share = weightSum > 0 ? widths[column] / weightSum : 1 / Double(receivers.count)
                widths[column] += remaining * share
            }
        }
        return widths
    }

    /// Min/max-content border-box widths of a table.
    func tableIntrinsicWidths(_ box: LayoutBox, table: TableBox) throws -> (min: Double, max: Double) {
        let style = box.style
        let geometry = tableGeometry(style: style, table: table, base: 0)
        let metrics = try columnMetrics(table, geometry: geometry)
        let columns = table.columnCount
        let spacing = columns > 0 ? Double(columns + 1) * geometry.spacing : 2 * geometry.spacing
        let extras = geometry.border.left.width + geometry.border.right.width + geometry.padding.left
            + geometry.padding.right + geometry.outer.left + geometry.outer.right + spacing
        var minimum = metrics.minimum.reduce(0, +)
        var maximum = max(minimum, metrics.maximum.reduce(0, +))
        if case .points(let width) = style.width {
            let value = max(minimum, LayoutContext.sane(width) - spacing)
            minimum = value
            maximum = value
        }
        for caption in table.captions {
            let widths = try intrinsicWidths(caption)
            minimum = max(minimum, widths.min - extras)
        }
        return (minimum + extras, max(maximum, minimum) + extras)
    }
}
