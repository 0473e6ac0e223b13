import StyledHTML

/// Turns the styled tree into the layout tree: drops `display: none`, wraps inline runs
/// between blocks into anonymous blocks, repairs tables, numbers list items and shapes all
/// text once.
final class BoxTreeBuilder {
    /// Deeper element nesting is flattened into the text of the box at this depth.
    static let maximumDepth = 100

    let context: LayoutContext

    init(context: LayoutContext) {
        self.context = context
    }

    /// The box of the root element.
    func build(root: StyledNode) -> LayoutBox {
        var style = root.style
        if style.display == .none {
            return LayoutBox(style: ComputedStyle.anonymousBlock(inheriting: style), tag: root.tag)
        }
        if case .text = root.kind {
            let box = LayoutBox(style: ComputedStyle.anonymousBlock(inheriting: style), tag: nil)
            box.isFormattingRoot = true
            fillContainer(box, children: [root], parent: nil, depth: 0)
            return box
        }
        style.display = .block
        style.position = .static
        let box = makeBox(root, style: style, depth: 0)
        box.isFormattingRoot = true
        return box
    }

    // MARK: Classification

    private enum Level {
        case inline, block, outOfFlow, skip
    }

    private func level(of node: StyledNode, depth: Int) -> Level {
        guard case .element(let tag, _) = node.kind else { return .inline }
        let style = node.style
        if style.display == .none { return .skip }
        if style.position == .absolute || style.position == .fixed { return .outOfFlow }
        switch style.display {
        case .inline:
            if tag == "img" || tag == "br" { return .inline }
            return containsBlock(node, depth: depth) ? .block : .inline
        case .inlineBlock:
            return .inline
        case .none:
            return .skip
        default:
            return .block
        }
    }

    /// Whether an inline element holds a block-level descendant (it is then laid out as a block).
    private func containsBlock(_ node: StyledNode, depth: Int) -> Bool {
        guard depth < BoxTreeBuilder.maximumDepth else { return false }
        for child in node.children {
            guard case .element(let tag, _) = child.kind else { continue }
            let style = child.style
            if style.display == .none || style.position == .absolute || style.position == .fixed { continue }
            switch style.display {
            case .inline:
                if tag != "img", tag != "br", containsBlock(child, depth: depth + 1) { return true }
            case .inlineBlock, .none:
                continue
            default:
                return true
            }
        }
        return false
    }

    // MARK: Block containers

    /// A block-level box for an element (block, list item, table, image, blockified inline).
    private func makeBox(_ node: StyledNode, style inputStyle: ComputedStyle? = nil, depth: Int) -> LayoutBox {
        var style = inputStyle ?? node.style
        if style.display == .inline || style.display == .inlineBlock { style.display = .block }
        let box = LayoutBox(style: style, tag: node.tag)
        if node.tag == "a" { box.link = linkTarget(node.attribute("href")) }
        if node.tag == "img" {
            box.content = .image(imageBox(node))
            return box
        }
        if style.display == .table {
            box.content = .table(buildTable(node, depth: depth + 1))
            return box
        }
        if style.display == .tableCell || style.display == .tableCaption { box.isFormattingRoot = true }
        fillContainer(box, children: node.children, parent: node, depth: depth + 1)
        return box
    }

    /// Fills a block container from child nodes: all inline (one inline formatting context)
    /// or a list of blocks with anonymous blocks around inline runs.
    func fillContainer(_ box: LayoutBox, children: [StyledNode], parent: StyledNode?, depth: Int) {
        if depth >= BoxTreeBuilder.maximumDepth {
            context.warn("elements nested more than \(BoxTreeBuilder.maximumDepth) deep were flattened into text")
            var builder = InlineBuilder(context: context, rootStyle: box.style)
            for child in children { appendFlattened(child, to: &builder) }
            let content = builder.finish()
            box.content = content.hasContent ? .inline(content) : .empty
            return
        }
        var levels: [Level] = []
        levels.reserveCapacity(children.count)
        var hasBlock = false
        for child in children {
            let childLevel = level(of: child, depth: depth)
            levels.append(childLevel)
            if childLevel == .block { hasBlock = true }
        }
        if !hasBlock {
            var builder = InlineBuilder(context: context, rootStyle: box.style)
            for (child, childLevel) in zip(children, levels) {
                switch childLevel {
                case .inline: appendInline(child, to: &builder, hoistInto: box, depth: depth)
                case .outOfFlow: box.hoisted.append(makeOutOfFlow(child, depth: depth))
                default: continue
                }
            }
            let content = builder.finish()
            box.content = content.hasContent ? .inline(content) : .empty
            return
        }
        var blocks: [LayoutBox] = []
        var pendingInline: [StyledNode] = []
        var ordinal = listStart(parent)
        let reversed = parent?.tag == "ol" && parent?.attribute("reversed") != nil
        func flushInline() {
            guard !pendingInline.isEmpty else { return }
            let anonymous = LayoutBox(style: ComputedStyle.anonymousBlock(inheriting: box.style), tag: nil)
            var builder = InlineBuilder(context: context, rootStyle: anonymous.style)
            for node in pendingInline { appendInline(node, to: &builder, hoistInto: anonymous, depth: depth) }
            let content = builder.finish()
            if content.hasContent {
                anonymous.content = .inline(content)
                blocks.append(anonymous)
            } else if !anonymous.hoisted.isEmpty {
                blocks.append(contentsOf: anonymous.hoisted)
            }
            pendingInline.removeAll()
        }
        for (child, childLevel) in zip(children, levels) {
            switch childLevel {
            case .skip:
                continue
            case .inline:
                pendingInline.append(child)
            case .outOfFlow:
                if pendingInline.isEmpty {
                    blocks.append(makeOutOfFlow(child, depth: depth))
                } else {
                    pendingInline.append(child)
                }
            case .block:
                flushInline()
                let childBox = makeBox(child, depth: depth)
                if child.style.display == .listItem {
                    if let value = child.attribute("value").flatMap({ Int($0.layoutTrimmed()) }) {
                        ordinal = min(max(value, -1_000_000_000), 1_000_000_000)
                    }
                    childBox.marker = BoxTreeBuilder.markerText(child.style.listStyleType, ordinal: ordinal)
                    ordinal = min(max(ordinal + (reversed ? -1 : 1), -1_000_000_000), 1_000_000_000)
                }
                blocks.append(childBox)
            }
        }
        flushInline()
        box.content = blocks.isEmpty ? .empty : .blocks(blocks)
    }

    private func listStart(_ parent: StyledNode?) -> Int {
        guard let parent, parent.tag == "ol" else { return 1 }
        if let start = parent.attribute("start").flatMap({ Int($0.layoutTrimmed()) }) {
            return min(max(start, -1_000_000_000), 1_000_000_000)
        }
        if parent.attribute("reversed") != nil {
            return parent.children.reduce(0) { $0 + ($1.style.display == .listItem ? 1 : 0) }
        }
        return 1
    }

    private func makeOutOfFlow(_ node: StyledNode, depth: Int) -> LayoutBox {
        var style = node.style
        style.display = style.display == .table ? .table : .block
        let box = makeBox(node, style: style, depth: depth)
        box.isFormattingRoot = true
        return box
    }

    // MARK: Inline content

    private func appendInline(_ node: StyledNode, to builder: inout InlineBuilder, hoistInto box: LayoutBox, depth: Int) {
        switch node.kind {
        case .text(let text):
            builder.addText(text, style: node.style)
        case .element(let tag, _):
            let style = node.style
            if style.display == .none { return }
            if style.position == .absolute || style.position == .fixed {
                box.hoisted.append(makeOutOfFlow(node, depth: depth))
                return
            }
            if depth >= BoxTreeBuilder.maximumDepth {
                context.warn("elements nested more than \(BoxTreeBuilder.maximumDepth) deep were flattened into text")
                appendFlattened(node, to: &builder)
                return
            }
            if tag == "br" {
                builder.addBreak(style: style)
                return
            }
            if tag == "img" {
                builder.addAtomic(.image(imageBox(node)), style: style, parentStyle: style)
                return
            }
            switch style.display {
            case .inline:
                builder.openBox(style: style, link: tag == "a" ? linkTarget(node.attribute("href")) : nil)
                for child in node.children { appendInline(child, to: &builder, hoistInto: box, depth: depth + 1) }
                builder.closeBox()
            default:
                var blockStyle = style
                blockStyle.display = style.display == .inlineBlock ? .block : style.display
                let inner = makeBox(node, style: blockStyle, depth: depth)
                inner.isFormattingRoot = true
                builder.addAtomic(.block(inner), style: style, parentStyle: style)
            }
        }
    }

    /// Text of a subtree too deep to lay out as boxes, gathered without recursion.
    private func appendFlattened(_ node: StyledNode, to builder: inout InlineBuilder) {
        var stack: [StyledNode] = [node]
        while let current = stack.popLast() {
            switch current.kind {
            case .text(let text):
                builder.addText(text, style: current.style)
            case .element(let tag, _):
                if current.style.display == .none { continue }
                if tag == "br" {
                    builder.addBreak(style: current.style)
                    continue
                }
                stack.append(contentsOf: current.children.reversed())
            }
        }
    }

    /// The URI an `<a href>` links to: absolute `http`, `https`, `mailto` and `tel` URIs only.
    /// Fragments and relative references have no target in a standalone PDF, and other schemes
    /// (`javascript:`, `file:`, …) are not carried into it; those links are dropped with a warning.
    private func linkTarget(_ href: String?) -> String? {
        guard let href = href?.layoutTrimmed(), !href.isEmpty else { return nil }
        let lowered = href.lowercased()
        for scheme in ["http://", "https://", "mailto:", "tel:"] where lowered.hasPrefix(scheme) { return href }
        context.warn("link to \"\(href.prefix(80))\" ignored: only http, https, mailto and tel links are kept")
        return nil
    }

    private func imageBox(_ node: StyledNode) -> ImageBox {
        let source = node.attribute("src") ?? ""
        if source.isEmpty { context.warn("<img> without src ignored") }
        return ImageBox(source: source,
                        attributeWidth: BoxTreeBuilder.htmlLength(node.attribute("width")),
                        attributeHeight: BoxTreeBuilder.htmlLength(node.attribute("height")))
    }

    /// An HTML dimension attribute ("120", "120px", "50%") as points or percent.
    static func htmlLength(_ value: String?) -> ComputedStyle.Length {
        guard var text = value?.layoutTrimmed(), !text.isEmpty else { return .auto }
        var percent = false
        if text.hasSuffix("%") {
            percent = true
            text.removeLast()
        } else if text.hasSuffix("px") {
            text.removeLast(2)
        }
        guard let number = Double(text.layoutTrimmed()), number.isFinite, number >= 0 else { return .auto }
        return percent ? .percent(number) : .points(number * 0.75)
    }

    // MARK: Tables

    private func buildTable(_ node: StyledNode, depth: Int) -> TableBox {
        let table = TableBox()
        var header: [TableRowBox] = []
        var body: [TableRowBox] = []
        var footer: [TableRowBox] = []
        var sawHeader = false
        var sawFooter = false
        var looseCells: [StyledNode] = []
        let tableStyle = node.style
        func flushLoose() {
            guard !looseCells.isEmpty else { return }
            body.append(makeRow(style: ComputedStyle.anonymousBlock(inheriting: tableStyle), children: looseCells, depth: depth))
            looseCells.removeAll()
        }
        for child in node.children {
            if case .text(let text) = child.kind {
                if !text.isLayoutWhitespace { looseCells.append(child) }
                continue
            }
            let style = child.style
            switch style.display {
            case .none:
                continue
            case .tableCaption:
                flushLoose()
                table.captions.append(makeBox(child, depth: depth))
            case .tableColumnGroup:
                let cols = child.children.filter { $0.style.display == .tableColumn }
                if cols.isEmpty {
                    appendColumns(span: child.attribute("span"), width: columnWidth(child), to: table)
                } else {
                    for col in cols { appendColumns(span: col.attribute("span"), width: columnWidth(col), to: table) }
                }
            case .tableColumn:
                appendColumns(span: child.attribute("span"), width: columnWidth(child), to: table)
            case .tableHeaderGroup:
                flushLoose()
                let rows = groupRows(child, depth: depth)
                if sawHeader { body.append(contentsOf: rows) } else { header = rows }
                sawHeader = true
            case .tableFooterGroup:
                flushLoose()
                let rows = groupRows(child, depth: depth)
                if sawFooter { body.append(contentsOf: rows) } else { footer = rows }
                sawFooter = true
            case .tableRowGroup:
                flushLoose()
                body.append(contentsOf: groupRows(child, depth: depth))
            case .tableRow:
                flushLoose()
                body.append(makeRow(style: style, children: child.children, depth: depth))
            default:
                looseCells.append(child)
            }
        }
        flushLoose()
        table.rows = header + body + footer
        table.headerRowCount = header.count
        table.footerRowCount = footer.count
        // Columns exist up to the last one a cell starts in; spans past it are clamped.
        var columns = 0
        for row in table.rows {
            var column = 0
            var kept: [TableCellBox] = []
            for cell in row.cells {
                if column >= 1000 {
                    context.warn("table cells beyond column 1000 dropped")
                    break
                }
                cell.column = column
                column += min(cell.colspan, 1000 - column)
                kept.append(cell)
            }
            if kept.count != row.cells.count { row.cells = kept }
            if let last = kept.last { columns = max(columns, last.column + 1) }
        }
        columns = max(columns, min(table.columnWidths.count, 1000))
        table.columnCount = columns
        if table.columnWidths.count > columns { table.columnWidths.removeLast(table.columnWidths.count - columns) }
        return table
    }

    private func columnWidth(_ node: StyledNode) -> ComputedStyle.Length {
        let width = node.style.width
        if width != .auto { return width }
        return BoxTreeBuilder.htmlLength(node.attribute("width"))
    }

    private func appendColumns(span: String?, width: ComputedStyle.Length, to table: TableBox) {
        let count = min(max(span.flatMap { Int($0.layoutTrimmed()) } ?? 1, 1), 1000)
        guard table.columnWidths.count + count <= 1000 else { return }
        table.columnWidths.append(contentsOf: repeatElement(width, count: count))
    }

    private func groupRows(_ group: StyledNode, depth: Int) -> [TableRowBox] {
        var rows: [TableRowBox] = []
        var loose: [StyledNode] = []
        func flush() {
            guard !loose.isEmpty else { return }
            let row = makeRow(style: ComputedStyle.anonymousBlock(inheriting: group.style), children: loose, depth: depth)
            row.groupBackground = group.style.backgroundColor
            rows.append(row)
            loose.removeAll()
        }
        for child in group.children {
            if case .text(let text) = child.kind {
                if !text.isLayoutWhitespace { loose.append(child) }
                continue
            }
            if child.style.display == .none { continue }
            if child.style.display == .tableRow {
                flush()
                let row = makeRow(style: child.style, children: child.children, depth: depth)
                row.groupBackground = group.style.backgroundColor
                rows.append(row)
            } else {
                loose.append(child)
            }
        }
        flush()
        return rows
    }

    private func makeRow(style: ComputedStyle, children: [StyledNode], depth: Int) -> TableRowBox {
        let row = TableRowBox(style: style)
        var loose: [StyledNode] = []
        func flush() {
            guard !loose.isEmpty else { return }
            let cellBox = LayoutBox(style: ComputedStyle.anonymousBlock(inheriting: style), tag: nil)
            cellBox.isFormattingRoot = true
            fillContainer(cellBox, children: loose, parent: nil, depth: depth + 1)
            row.cells.append(TableCellBox(box: cellBox, colspan: 1))
            loose.removeAll()
        }
        for child in children {
            if case .text(let text) = child.kind {
                if !text.isLayoutWhitespace { loose.append(child) }
                continue
            }
            if child.style.display == .none { continue }
            if child.style.display == .tableCell {
                flush()
                var cellStyle = child.style
                cellStyle.position = .static
                let cellBox = LayoutBox(style: cellStyle, tag: child.tag)
                cellBox.isFormattingRoot = true
                fillContainer(cellBox, children: child.children, parent: child, depth: depth + 1)
                let colspan = child.attribute("colspan").flatMap { Int($0.layoutTrimmed()) } ?? 1
                if let rowspan = child.attribute("rowspan").flatMap({ Int($0.layoutTrimmed()) }), rowspan > 1 {
                    context.warn("rowspan is not supported; cells span one row")
                }
                row.cells.append(TableCellBox(box: cellBox, colspan: min(max(colspan, 1), 1000)))
            } else {
                loose.append(child)
            }
        }
        flush()
        return row
    }

    // MARK: List markers

    /// The marker text of a list item with `ordinal`, nil for `none`.
    static func markerText(_ type: ComputedStyle.ListStyleType, ordinal: Int) -> String? {
        switch type {
        case .none: return nil
        case .disc: return "\u{2022}"
        case .circle: return "\u{25E6}"
        case .square: return "\u{25AA}"
        case .decimal: return "\(ordinal)."
        case .lowerAlpha: return alphabetic(ordinal, upper: false).map { $0 + "." } ?? "\(ordinal)."
        case .upperAlpha: return alphabetic(ordinal, upper: true).map { $0 + "." } ?? "\(ordinal)."
        case .lowerRoman: return roman(ordinal).map { $0.lowercased() + "." } ?? "\(ordinal)."
        case .upperRoman: return roman(ordinal).map { $0 + "." } ?? "\(ordinal)."
        }
    }

    static func alphabetic(_ value: Int, upper: Bool) -> String? {
        guard value > 0, value < 1_000_000 else { return nil }
        var number = value
        var letters: [Character] = []
        let base = upper ? 65 : 97
        while number > 0 {
            number -= 1
            letters.append(Character(Unicode.Scalar(UInt8(base + number % 26))))
            number /= 26
        }
        return String(letters.reversed())
    }

    static func roman(_ value: Int) -> String? {
        guard value > 0, value < 4000 else { return nil }
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var number = value
        var result = ""
        for (amount, symbol) in table {
            while number >= amount {
                result += symbol
                number -= amount
            }
        }
        return result
    }
}
