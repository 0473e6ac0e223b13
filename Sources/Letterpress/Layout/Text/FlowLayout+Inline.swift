import StyledHTML

extension FlowLayout {
    /// Lines of an inline formatting context laid out `width` wide, and their total height.
    func layoutInline(_ content: InlineContent, style: ComputedStyle, width: Double,
                      containingHeight: Double?) throws -> (lines: [LineFragment], height: Double) {
        try prepareAtomics(content, width: width)
        let indent = LayoutContext.resolve(style.textIndent, base: width)
        let spans = LineBreaker.breakLines(content, width: width, indent: indent)
        var lines: [LineFragment] = []
        lines.reserveCapacity(spans.count)
        var y = 0.0
        var openBoxes: [OpenInlineBox] = []
        var builder = LineBuilder(context: context, content: content)
        for (number, span) in spans.enumerated() {
            let isLast = number == spans.count - 1
            let line = builder.build(span: span, width: width, indent: number == 0 ? indent : 0,
                                     align: style.textAlign, justify: !isLast && !span.forced,
                                     openBoxes: &openBoxes)
            line.y = y
            y += line.height
            lines.append(line)
        }
        return (lines, y)
    }

    /// Sizes images and lays out inline-blocks, then stores their widths in the entries.
    private func prepareAtomics(_ content: InlineContent, width: Double) throws {
        guard !content.atomics.isEmpty else { return }
        for atomic in content.atomics {
            let style = atomic.style
            let marginLeft = LayoutContext.resolve(style.margin.left, base: width)
            let marginRight = LayoutContext.resolve(style.margin.right, base: width)
            let marginTop = LayoutContext.resolve(style.margin.top, base: width)
            let marginBottom = LayoutContext.resolve(style.margin.bottom, base: width)
            atomic.marginLeft = marginLeft
            atomic.marginTop = marginTop
            switch atomic.kind {
            case .image(let image):
                let size = try replacedSize(style: style, image: image, containingWidth: width)
                let border = FlowLayout.usedBorder(style)
                let padding = FlowLayout.usedPadding(style, base: width)
                let boxWidth = size.width + border.left.width + border.right.width + padding.left + padding.right
                let boxHeight = size.height + border.top.width + border.bottom.width + padding.top + padding.bottom
                atomic.imageBox = Rect(x: marginLeft + border.left.width + padding.left,
                                       y: marginTop + border.top.width + padding.top,
                                       width: size.width, height: size.height)
                atomic.width = max(0, marginLeft + boxWidth + marginRight)
                atomic.height = max(0, marginTop + boxHeight + marginBottom)
                atomic.baseline = atomic.height
            case .block(let box):
                let extras = FlowLayout.horizontalExtras(style, base: width)
                let forced: Double
                if let specified = LayoutContext.resolveOptional(style.width, base: width) {
                    forced = FlowLayout.clampWidth(specified, style: style, base: width) + extras
                } else {
                    let intrinsic = try intrinsicWidths(box)
                    let available = max(0, width - marginLeft - marginRight)
                    forced = min(max(intrinsic.min, available), intrinsic.max)
                }
                let result = try layoutBlock(box, containingWidth: width, containingHeight: nil, forcedWidth: forced)
                let fragment = result.fragment
                atomic.fragment = fragment
                atomic.width = max(0, marginLeft + fragment.width + marginRight)
                atomic.height = max(0, marginTop + fragment.height + marginBottom)
                atomic.baseline = fragment.lastBaseline.map { marginTop + $0 } ?? atomic.height
            }
        }
        content.entries.withUnsafeMutableBufferPointer { entries in
            for index in entries.indices where entries[index].kind == .atomic {
                entries[index].advance = content.atomics[Int(entries[index].index)].width
            }
        }
    }
}
