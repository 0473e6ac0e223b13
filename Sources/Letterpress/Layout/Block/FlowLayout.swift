import StyledHTML

/// Lays out the box tree into one continuous column of fragments (no pages yet): block
/// formatting with margin collapsing, inline formatting, tables, absolutely positioned boxes.
final class FlowLayout {
    let context: LayoutContext

    init(context: LayoutContext) {
        self.context = context
    }

    /// Collapsing margins: the largest positive and the most negative margin seen.
    struct CollapsedMargin {
        var positive = 0.0
        var negative = 0.0

        init() {}
        init(_ value: Double) { add(value) }

        mutating func add(_ value: Double) {
            if value > 0 { positive = max(positive, value) } else { negative = min(negative, value) }
        }

        mutating func add(_ other: CollapsedMargin) {
            positive = max(positive, other.positive)
            negative = min(negative, other.negative)
        }

        var value: Double { positive + negative }
    }

    /// A laid-out block and the margins it hands to its parent.
    struct BlockResult {
        var fragment: BoxFragment
        var marginTop: CollapsedMargin
        var marginBottom: CollapsedMargin
        var marginLeft: Double
        /// No border, padding or content: its margins collapse through it.
        var collapsedThrough: Bool
    }

    // MARK: Used values

    /// Border sides with sanitized widths (0 where the style is `none`).
    static func usedBorder(_ style: ComputedStyle) -> Edges<ComputedStyle.BorderSide> {
        func side(_ side: ComputedStyle.BorderSide) -> ComputedStyle.BorderSide {
            guard side.style != .none else { return ComputedStyle.BorderSide() }
            var result = side
            result.width = max(0, LayoutContext.sane(side.width, limit: 10_000))
            if result.width == 0 { result.style = .none }
            return result
        }
        let border = style.border
        return Edges(top: side(border.top), right: side(border.right), bottom: side(border.bottom), left: side(border.left))
    }

    /// Padding in points (percentages of the containing block's width; never negative).
    static func usedPadding(_ style: ComputedStyle, base: Double) -> Edges<Double> {
        let padding = style.padding
        return Edges(top: max(0, LayoutContext.resolve(padding.top, base: base)),
                     right: max(0, LayoutContext.resolve(padding.right, base: base)),
                     bottom: max(0, LayoutContext.resolve(padding.bottom, base: base)),
                     left: max(0, LayoutContext.resolve(padding.left, base: base)))
    }

    /// Border plus padding on the left and right.
    static func horizontalExtras(_ style: ComputedStyle, base: Double) -> Double {
        let border = usedBorder(style)
        let padding = usedPadding(style, base: base)
        return border.left.width + border.right.width + padding.left + padding.right
    }

    /// Applies `min-width` / `max-width` to a content width.
    static func clampWidth(_ width: Double, style: ComputedStyle, base: Double?) -> Double {
        var result = width
        if let maximum = LayoutContext.resolveOptional(style.maxWidth, base: base) { result = min(result, maximum) }
        if let minimum = LayoutContext.resolveOptional(style.minWidth, base: base) { result = max(result, minimum) }
        return max(0, result)
    }

    /// Applies `min-height` / `max-height` to a content height.
    static func clampHeight(_ height: Double, style: ComputedStyle, base: Double?) -> Double {
        var result = height
        if let maximum = LayoutContext.resolveOptional(style.maxHeight, base: base) { result = min(result, maximum) }
        if let minimum = LayoutContext.resolveOptional(style.minHeight, base: base) { result = max(result, minimum) }
        return max(0, result)
    }

    // MARK: Blocks

    /// Lays out a block-level box in a containing block `containingWidth` wide.
    /// `forcedWidth` / `forcedHeight` impose a border-box size (table cells, inline-blocks,
    /// absolutely positioned boxes).
    func layoutBlock(_ box: LayoutBox, containingWidth: Double, containingHeight: Double?,
                     forcedWidth: Double? = nil, forcedHeight: Double? = nil,
                     collapsedBorder: Edges<Double>? = nil) throws -> BlockResult {
        let containingWidth = max(0, containingWidth)
        if case .table(let table) = box.content {
            return try layoutTable(box, table: table, containingWidth: containingWidth,
                                   containingHeight: containingHeight, forcedWidth: forcedWidth)
        }
        let style = box.style
        let drawnBorder = collapsedBorder == nil ? FlowLayout.usedBorder(style) : Edges(ComputedStyle.BorderSide())
        let border = collapsedBorder ?? Edges(top: drawnBorder.top.width, right: drawnBorder.right.width,
                                              bottom: drawnBorder.bottom.width, left: drawnBorder.left.width)
        let padding = FlowLayout.usedPadding(style, base: containingWidth)
        let horizontalExtras = border.left + border.right + padding.left + padding.right
        let verticalExtras = border.top + border.bottom + padding.top + padding.bottom
        var marginLeft = LayoutContext.resolve(style.margin.left, base: containingWidth)
        var marginRight = LayoutContext.resolve(style.margin.right, base: containingWidth)
        let marginTop = LayoutContext.resolve(style.margin.top, base: containingWidth)
        let marginBottom = LayoutContext.resolve(style.margin.bottom, base: containingWidth)
        let autoLeft = style.margin.left == .auto
        let autoRight = style.margin.right == .auto

        var imageSize: (width: Double, height: Double)?
        if case .image(let image) = box.content {
            imageSize = try replacedSize(style: style, image: image, containingWidth: containingWidth)
        }

        var contentWidth: Double
        if let forcedWidth {
            contentWidth = max(0, forcedWidth - horizontalExtras)
        } else {
            var specified = LayoutContext.resolveOptional(style.width, base: containingWidth)
            if specified == nil, let imageSize { specified = imageSize.width }
            if let specified {
                contentWidth = imageSize == nil ? FlowLayout.clampWidth(specified, style: style, base: containingWidth) : specified
            } else {
                let available = containingWidth - (autoLeft ? 0 : marginLeft) - (autoRight ? 0 : marginRight) - horizontalExtras
                contentWidth = FlowLayout.clampWidth(available, style: style, base: containingWidth)
                if contentWidth == available {
                    if autoLeft { marginLeft = 0 }
                    if autoRight { marginRight = 0 }
                }
            }
            let remaining = containingWidth - contentWidth - horizontalExtras
            if autoLeft && autoRight {
                marginLeft = max(0, remaining / 2)
                marginRight = remaining - marginLeft
            } else if autoLeft {
                marginLeft = remaining - marginRight
            } else if autoRight {
                marginRight = remaining - marginLeft
            }
        }
        contentWidth = max(0, contentWidth)
        _ = marginRight

        let fragment = BoxFragment(width: contentWidth + horizontalExtras, height: 0)
        fragment.background = style.backgroundColor
        fragment.link = box.link
        fragment.border = drawnBorder
        fragment.breakBefore = style.pageBreakBefore
        fragment.breakAfter = style.pageBreakAfter
        fragment.avoidBreakInside = style.pageBreakInside == .avoid
        fragment.orphans = max(1, style.orphans)
        fragment.widows = max(1, style.widows)
        if style.display == .tableCell { fragment.kind = .cell }

        let contentX = border.left + padding.left
        let contentY = border.top + padding.top
        let definiteHeight = LayoutContext.resolveOptional(style.height, base: containingHeight).map { max(0, $0) }
        let collapses = !box.isFormattingRoot
        let collapseTop = collapses && border.top == 0 && padding.top == 0
        let collapseBottom = collapses && border.bottom == 0 && padding.bottom == 0 && style.height == .auto
            && LayoutContext.resolveOptional(style.minHeight, base: containingHeight) ?? 0 <= 0
        var top = CollapsedMargin(marginTop)
        var bottom = CollapsedMargin(marginBottom)
        var contentHeight = 0.0
        var hasInFlowContent = false

        switch box.content {
        case .empty, .table:
            break
        case .image(let image):
            if let imageSize {
                let scaleX = imageSize.width > 0 ? contentWidth / imageSize.width : 1
                let height = imageSize.height * scaleX
                if !image.source.isEmpty {
                    fragment.items.append(.image(source: image.source,
                                                 Rect(x: contentX, y: contentY, width: contentWidth, height: height)))
                }
                contentHeight = height
                hasInFlowContent = true
            }
        case .inline(let content):
            let lines = try layoutInline(content, style: style, width: contentWidth, containingHeight: definiteHeight)
            for line in lines.lines {
                line.x += contentX
                line.y += contentY
                fragment.children.append(.line(line))
            }
            if let last = lines.lines.last { fragment.lastBaseline = last.y + last.baseline }
            contentHeight = lines.height
            hasInFlowContent = !lines.lines.isEmpty
        case .blocks(let children):
            var y = 0.0
            var pending = CollapsedMargin()
            for child in children {
                if child.isOutOfFlow {
                    fragment.absolutes.append(try layoutAbsolute(child, staticX: contentX, staticY: contentY + y + pending.value))
                    continue
                }
                let result = try layoutBlock(child, containingWidth: contentWidth, containingHeight: definiteHeight)
                let childFragment = result.fragment
                if result.collapsedThrough {
                    pending.add(result.marginTop)
                    pending.add(result.marginBottom)
                    if !childFragment.absolutes.isEmpty || childFragment.breakBefore != .auto || childFragment.breakAfter != .auto {
                        childFragment.x = contentX + result.marginLeft
                        childFragment.y = contentY + y
                        fragment.children.append(.box(childFragment))
                    }
                    continue
                }
                var childY: Double
                if !hasInFlowContent && collapseTop {
                    top.add(pending)
                    top.add(result.marginTop)
                    childY = 0
                } else {
                    pending.add(result.marginTop)
                    childY = y + pending.value
                }
                hasInFlowContent = true
                childFragment.x = contentX + result.marginLeft
                childFragment.y = contentY + childY
                if child.style.position == .relative {
                    let offset = FlowLayout.relativeOffset(child.style, width: contentWidth, height: definiteHeight)
                    childFragment.x += offset.x
                    childFragment.y += offset.y
                }
                if let baseline = childFragment.lastBaseline { fragment.lastBaseline = childFragment.y + baseline }
                fragment.children.append(.box(childFragment))
                y = childY + childFragment.height
                pending = result.marginBottom
            }
            if hasInFlowContent {
                if collapseBottom {
                    bottom.add(pending)
                    contentHeight = y
                } else {
                    contentHeight = max(y, y + pending.value)
                }
            } else if collapseTop && collapseBottom {
                top.add(pending)
            } else {
                contentHeight = max(0, pending.value)
            }
        }

        let naturalHeight = contentHeight
        if let forcedHeight {
            contentHeight = max(0, forcedHeight - verticalExtras)
        } else if let definiteHeight {
            // Table cells treat `height` as a minimum.
            let height = style.display == .tableCell ? max(definiteHeight, contentHeight) : definiteHeight
            contentHeight = FlowLayout.clampHeight(height, style: style, base: containingHeight)
        } else {
            contentHeight = FlowLayout.clampHeight(contentHeight, style: style, base: containingHeight)
        }
        if style.display == .tableCell, forcedHeight == nil {
            // Room a cell's own `height`/`min-height` adds below its content: `vertical-align` moves the content into it.
            fragment.cellSlack = max(0, contentHeight - naturalHeight)
        }
        fragment.height = contentHeight + verticalExtras

        for hoisted in box.hoisted {
            fragment.absolutes.append(try layoutAbsolute(hoisted, staticX: contentX, staticY: contentY))
        }
        if let marker = box.marker {
            attachMarker(marker, style: style, to: fragment, contentX: contentX, contentY: contentY)
        }

        let collapsedThrough = collapseTop && collapseBottom && !hasInFlowContent && fragment.height == 0
        if collapsedThrough {
            top.add(bottom)
            bottom = top
        }
        return BlockResult(fragment: fragment, marginTop: top, marginBottom: bottom, marginLeft: marginLeft,
                           collapsedThrough: collapsedThrough)
    }

    /// The visual shift of a `position: relative` box (`left` wins over `right`, `top` over `bottom`).
    static func relativeOffset(_ style: ComputedStyle, width: Double, height: Double?) -> (x: Double, y: Double) {
        let x = LayoutContext.resolveOptional(style.left, base: width)
            ?? LayoutContext.resolveOptional(style.right, base: width).map { -$0 } ?? 0
        let y = LayoutContext.resolveOptional(style.top, base: height)
            ?? LayoutContext.resolveOptional(style.bottom, base: height).map { -$0 } ?? 0
        return (x, y)
    }

    // MARK: Absolute positioning

    /// Lays out an absolutely positioned box against the page's content box; it is placed
    /// once pagination knows the page.
    func layoutAbsolute(_ box: LayoutBox, staticX: Double, staticY: Double) throws -> AbsoluteFragment {
        let style = box.style
        let width = context.pageContentWidth
        let height = context.pageContentHeight
        let left = LayoutContext.resolveOptional(style.left, base: width)
        let right = LayoutContext.resolveOptional(style.right, base: width)
        let top = LayoutContext.resolveOptional(style.top, base: height)
        let bottom = LayoutContext.resolveOptional(style.bottom, base: height)
        let marginLeft = LayoutContext.resolve(style.margin.left, base: width)
        let marginRight = LayoutContext.resolve(style.margin.right, base: width)
        let marginTop = LayoutContext.resolve(style.margin.top, base: width)
        let marginBottom = LayoutContext.resolve(style.margin.bottom, base: width)
        let extras = FlowLayout.horizontalExtras(style, base: width)
        var forcedWidth: Double?
        if let specified = LayoutContext.resolveOptional(style.width, base: width) {
            forcedWidth = FlowLayout.clampWidth(specified, style: style, base: width) + extras
        } else if case .image = box.content {
            forcedWidth = nil
        } else if let left, let right {
            forcedWidth = max(0, width - left - right - marginLeft - marginRight)
        } else {
            let available = max(0, width - (left ?? 0) - (right ?? 0) - marginLeft - marginRight)
            let intrinsic = try intrinsicWidths(box)
            forcedWidth = min(max(intrinsic.min, available), intrinsic.max)
        }
        var forcedHeight: Double?
        if style.height == .auto, let top, let bottom {
            let border = FlowLayout.usedBorder(style)
            let padding = FlowLayout.usedPadding(style, base: width)
            let candidate = max(0, height - top - bottom - marginTop - marginBottom)
            let extras = border.top.width + border.bottom.width + padding.top + padding.bottom
            forcedHeight = candidate >= extras ? candidate : nil
        }
        let result = try layoutBlock(box, containingWidth: width, containingHeight: height,
                                     forcedWidth: forcedWidth, forcedHeight: forcedHeight)
        return AbsoluteFragment(fragment: result.fragment, staticX: staticX, staticY: staticY, style: style,
                                fixed: style.position == .fixed)
    }

    // MARK: List markers

    /// Puts a list item's marker outside its content box, on the baseline of its first line.
    private func attachMarker(_ marker: String, style: ComputedStyle, to fragment: BoxFragment,
                              contentX: Double, contentY: Double) {
        var builder = InlineBuilder(context: context, rootStyle: style)
        var markerStyle = style
        markerStyle.underline = false
        markerStyle.lineThrough = false
        markerStyle.textTransform = .none
        markerStyle.letterSpacing = 0
        markerStyle.whiteSpace = .nowrap
        builder.addText(marker, style: markerStyle)
        let content = builder.finish()
        guard content.hasContent, let line = try? layoutInline(content, style: markerStyle, width: 1_000_000,
                                                                  containingHeight: nil).lines.first else { return }
        let gap = 0.5 * max(0, LayoutContext.sane(style.fontSize, fallback: 12, limit: 2000))
        let markerWidth = line.width
        if let (target, originX) = FlowLayout.firstLine(in: fragment, offsetX: 0) {
            let dx = contentX - originX - gap - markerWidth
            let dy = target.baseline - line.baseline
            for item in line.items where FlowLayout.isTextItem(item) {
                target.items.append(item.offset(dx, dy))
            }
        } else {
            for item in line.items where FlowLayout.isTextItem(item) {
                fragment.items.append(item.offset(contentX - gap - markerWidth, contentY))
            }
        }
    }

    private static func isTextItem(_ item: DisplayItem) -> Bool {
        if case .text = item { return true }
        return false
    }

    /// The first line box inside a block fragment (not inside tables) and the x of its
    /// origin relative to the fragment.
    static func firstLine(in fragment: BoxFragment, offsetX: Double) -> (LineFragment, Double)? {
        for child in fragment.children {
            switch child {
            case .line(let line):
                return (line, offsetX + line.x)
            case .box(let box):
                guard box.kind == .block else { return nil }
                if let found = firstLine(in: box, offsetX: offsetX + box.x) { return found }
                if box.height > 0 { return nil }
            }
        }
        return nil
    }
}
