import StyledHTML

extension FlowLayout {
    /// Min-content and max-content border-box widths of a box (margins excluded),
    /// percentages treated as auto. Cached per box.
    func intrinsicWidths(_ box: LayoutBox) throws -> (min: Double, max: Double) {
        if let cached = box.intrinsic { return cached }
        let style = box.style
        var result: (min: Double, max: Double)
        if case .table(let table) = box.content {
            result = try tableIntrinsicWidths(box, table: table)
            box.intrinsic = result
            return result
        }
        let extras = FlowLayout.horizontalExtras(style, base: 0)
        if case .points(let width) = style.width {
            let value = FlowLayout.clampWidth(LayoutContext.sane(width), style: style, base: nil)
            result = (value, value)
        } else {
            switch box.content {
            case .empty, .table:
                result = (0, 0)
            case .image(let image):
                let size = try replacedSize(style: style, image: image, containingWidth: nil)
                result = (size.width, size.width)
            case .inline(let content):
                result = try inlineIntrinsicWidths(content)
            case .blocks(let children):
                result = (0, 0)
                for child in children where !child.isOutOfFlow {
                    let widths = try intrinsicWidths(child)
                    let margins = FlowLayout.fixedMargins(child.style)
                    result.min = max(result.min, widths.min + margins)
                    result.max = max(result.max, widths.max + margins)
                }
            }
            result.min = FlowLayout.clampWidth(result.min, style: style, base: nil)
            result.max = FlowLayout.clampWidth(result.max, style: style, base: nil)
        }
        result.max = max(result.max, result.min)
        result = (result.min + extras, result.max + extras)
        box.intrinsic = result
        return result
    }

    /// Left plus right margin where they are in points (auto and percentages count as 0).
    static func fixedMargins(_ style: ComputedStyle) -> Double {
        var total = 0.0
        if case .points(let value) = style.margin.left { total += LayoutContext.sane(value) }
        if case .points(let value) = style.margin.right { total += LayoutContext.sane(value) }
        return total
    }

    /// Min-content (widest unbreakable piece) and max-content (widest forced line) widths
    /// of inline content.
    func inlineIntrinsicWidths(_ content: InlineContent) throws -> (min: Double, max: Double) {
        var atomicWidths: [(min: Double, max: Double)] = []
        atomicWidths.reserveCapacity(content.atomics.count)
        for atomic in content.atomics {
            let style = atomic.style
            let margins = FlowLayout.fixedMargins(style)
            switch atomic.kind {
            case .image(let image):
                let size = try replacedSize(style: style, image: image, containingWidth: nil)
                let width = size.width + FlowLayout.horizontalExtras(style, base: 0) + margins
                let minimum = style.width.isPercent || style.maxWidth.isPercent ? 0 : width
                atomicWidths.append((minimum, width))
            case .block(let box):
                let widths = try intrinsicWidths(box)
                atomicWidths.append((widths.min + margins, widths.max + margins))
            }
        }
        var minimum = 0.0
        var maximum = 0.0
        var segment = 0.0
        var line = 0.0
        var lineAtContent = 0.0
        var hasContent = false
        for entry in content.entries {
            switch entry.kind {
            case .forcedBreak:
                maximum = max(maximum, lineAtContent)
                minimum = max(minimum, segment)
                segment = 0
                line = 0
                lineAtContent = 0
                hasContent = false
            case .space:
                if hasContent || entry.isPreserved { line += entry.advance }
                if entry.canBreakAfter {
                    minimum = max(minimum, segment)
                    segment = 0
                } else if hasContent {
                    segment += entry.advance
                }
            case .glyph:
                segment += entry.advance
                line += entry.advance
                lineAtContent = line
                hasContent = true
                if entry.canBreakAfter {
                    minimum = max(minimum, segment)
                    segment = 0
                }
            case .atomic:
                let widths = atomicWidths[Int(entry.index)]
                segment += widths.min
                line += widths.max
                lineAtContent = line
                hasContent = true
                if entry.canBreakAfter {
                    minimum = max(minimum, segment)
                    segment = 0
                }
            case .open, .close:
                segment += entry.advance
                line += entry.advance
            case .softHyphen:
                minimum = max(minimum, segment + content.styles[Int(entry.index)].hyphenAdvance)
                segment = 0
            case .zeroWidthBreak:
                minimum = max(minimum, segment)
                segment = 0
            }
        }
        minimum = max(minimum, segment)
        maximum = max(maximum, lineAtContent)
        return (minimum, max(maximum, minimum))
    }
}

extension ComputedStyle.Length {
    var isPercent: Bool {
        if case .percent = self { return true }
        return false
    }
}
