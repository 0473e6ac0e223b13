import StyledHTML

/// An inline element still open at a line's end (its decoration and link continue).
struct OpenInlineBox {
    var index: Int32
    var startX: Double
    var startsHere: Bool
    /// Vertical extent of images and inline-blocks inside it on this line (line coordinates).
    var contentTop = Double.infinity
    var contentBottom = -Double.infinity
}

/// Turns one line span into a positioned line box: alignment, justification, vertical
/// metrics, glyph runs, decorations, links, images and inline-blocks.
struct LineBuilder {
    let context: LayoutContext
    let content: InlineContent

    private var runGlyphs: [PlacedGlyph] = []
    private var runSlot = -1
    private var runStyle = -1
    private var runOriginX = 0.0
    private var texts: [DisplayItem] = []
    private var backgrounds: [DisplayItem] = []
    private var decorations: [DisplayItem] = []
    private var foreground: [DisplayItem] = []
    private var links: [DisplayItem] = []
    private var boxes: [BoxFragment] = []
    private var baseline = 0.0

    init(context: LayoutContext, content: InlineContent) {
        self.context = context
        self.content = content
    }

    mutating func build(span: LineBreaker.Span, width: Double, indent: Double, align: ComputedStyle.TextAlign,
                        justify: Bool, openBoxes: inout [OpenInlineBox]) -> LineFragment {
        let entries = content.entries
        let styles = content.styles
        // Visible range: leading collapsible spaces and trailing hanging spaces are hidden.
        var firstVisible = span.end
        var lastVisible = span.start - 1
        for index in span.start..<span.end {
            let entry = entries[index]
            if entry.kind == .glyph || entry.kind == .atomic || (entry.kind == .space && entry.isPreserved) {
                firstVisible = index
                break
            }
        }
        var index = span.end - 1
        while index >= span.start {
            let entry = entries[index]
            if entry.kind == .glyph || entry.kind == .atomic
                || (entry.kind == .space && entry.isPreserved && !styles[Int(entry.index)].wraps) {
                lastVisible = index
                break
            }
            index -= 1
        }
        @inline(__always) func hidden(_ index: Int, _ entry: InlineEntry) -> Bool {
            entry.kind == .space && (index < firstVisible || index > lastVisible)
        }

        // Width and justification opportunities.
        var lineWidth = 0.0
        var spaces = 0
        for index in span.start..<span.end {
            let entry = entries[index]
            if hidden(index, entry) || entry.kind == .forcedBreak || entry.kind == .softHyphen { continue }
            lineWidth += entry.advance
            if entry.kind == .space && index > firstVisible && index < lastVisible { spaces += 1 }
        }
        if span.hyphenIndex >= 0 { lineWidth += styles[Int(entries[span.hyphenIndex].index)].hyphenAdvance }
        let available = width - indent
        let extra = available - lineWidth
        var startX = indent
        var perSpace = 0.0
        switch align {
        case .left: break
        case .right: startX += max(0, extra)
        case .center: startX += max(0, extra) / 2
        case .justify:
            if justify, extra > 0, spaces > 0 { perSpace = extra / Double(spaces) }
        }

        // Vertical metrics (relative to the baseline, y down).
        let root = styles[content.rootStyle]
        var top = -(root.ascent + (root.lineHeight - root.ascent - root.descent) / 2)
        var bottom = top + root.lineHeight
        var seen: [Int32] = [Int32(content.rootStyle)]
        func include(_ styleIndex: Int32) {
            if seen.contains(styleIndex) { return }
            seen.append(styleIndex)
            let style = styles[Int(styleIndex)]
            let half = (style.lineHeight - style.ascent - style.descent) / 2
            top = min(top, style.baselineShift - style.ascent - half)
            bottom = max(bottom, style.baselineShift + style.descent + half)
        }
        var lineAligned: [(atomic: Int, top: Bool)] = []
        for index in span.start..<span.end {
            let entry = entries[index]
            switch entry.kind {
            case .glyph, .forcedBreak:
                include(entry.index)
            case .space:
                if !hidden(index, entry) { include(entry.index) }
            case .open:
                include(Int32(content.boxes[Int(entry.index)].textStyle))
            case .atomic:
                let atomic = content.atomics[Int(entry.index)]
                switch atomic.style.verticalAlign {
                case .top: lineAligned.append((Int(entry.index), true))
                case .bottom: lineAligned.append((Int(entry.index), false))
                default:
                    let extent = atomicExtent(atomic)
                    top = min(top, extent.top)
                    bottom = max(bottom, extent.bottom)
                }
            default:
                continue
            }
        }
        for (atomicIndex, _) in lineAligned {
            let height = content.atomics[atomicIndex].height
            if bottom - top < height { bottom = top + height }
        }
        baseline = -top
        let lineHeight = bottom - top

        // Emission.
        texts.removeAll(keepingCapacity: true)
        backgrounds.removeAll(keepingCapacity: true)
        decorations.removeAll(keepingCapacity: true)
        foreground.removeAll(keepingCapacity: true)
        links.removeAll(keepingCapacity: true)
        boxes.removeAll()
        runGlyphs.removeAll(keepingCapacity: true)
        runSlot = -1
        for open in openBoxes.indices {
            openBoxes[open].startX = startX
            openBoxes[open].startsHere = false
            openBoxes[open].contentTop = .infinity
            openBoxes[open].contentBottom = -.infinity
        }
        var x = startX
        var underlineStart = 0.0
        var underlineStyle: Int32 = -1
        var underlineEnd = 0.0
        for index in span.start..<span.end {
            let entry = entries[index]
            switch entry.kind {
            case .glyph:
                let style = styles[Int(entry.index)]
                appendGlyph(entry.glyph, slot: Int(entry.slot), style: Int(entry.index), x: x, text: text(of: entry))
                if style.underline || style.lineThrough {
                    if underlineStyle != entry.index || abs(underlineEnd - x) > 0.01 {
                        flushDecoration(underlineStyle, from: underlineStart, to: underlineEnd)
                        underlineStyle = entry.index
                        underlineStart = x
                    }
                    underlineEnd = x + entry.advance
                }
                x += entry.advance
            case .space:
                if hidden(index, entry) { continue }
                let style = styles[Int(entry.index)]
                appendGlyph(entry.glyph, slot: Int(entry.slot), style: Int(entry.index), x: x, text: " ")
                let advance = entry.advance + (index > firstVisible && index < lastVisible ? perSpace : 0)
                if (style.underline || style.lineThrough) && underlineStyle == entry.index && abs(underlineEnd - x) < 0.01 {
                    underlineEnd = x + advance
                }
                x += advance
            case .softHyphen:
                if index == span.hyphenIndex {
                    let style = styles[Int(entry.index)]
                    appendGlyph(style.hyphenGlyph, slot: style.hyphenSlot, style: Int(entry.index), x: x, text: "-")
                    if style.underline || style.lineThrough {
                        if underlineStyle != entry.index || abs(underlineEnd - x) > 0.01 {
                            flushDecoration(underlineStyle, from: underlineStart, to: underlineEnd)
                            underlineStyle = entry.index
                            underlineStart = x
                        }
                        underlineEnd = x + style.hyphenAdvance
                    }
                    x += style.hyphenAdvance
                }
            case .atomic:
                flushRun()
                let atomic = content.atomics[Int(entry.index)]
                var atomTop: Double
                switch atomic.style.verticalAlign {
                case .top: atomTop = top
                case .bottom: atomTop = bottom - atomic.height
                default: atomTop = atomicExtent(atomic).top
                }
                atomTop += baseline
                for open in openBoxes.indices {
                    openBoxes[open].contentTop = min(openBoxes[open].contentTop, atomTop + atomic.marginTop)
                    openBoxes[open].contentBottom = max(openBoxes[open].contentBottom, atomTop + atomic.height)
                }
                switch atomic.kind {
                case .image(let image):
                    if !image.source.isEmpty {
                        let box = atomic.imageBox
                        foreground.append(.image(source: image.source,
                                                 Rect(x: x + box.x, y: atomTop + box.y, width: box.width, height: box.height)))
                    }
                case .block:
                    if let fragment = atomic.fragment {
                        fragment.x = x + atomic.marginLeft
                        fragment.y = atomTop + atomic.marginTop
                        boxes.append(fragment)
                    }
                }
                x += entry.advance
            case .open:
                let info = content.boxes[Int(entry.index)]
                openBoxes.append(OpenInlineBox(index: entry.index, startX: x + info.marginLeft, startsHere: true))
                x += entry.advance
            case .close:
                x += entry.advance
                if let position = openBoxes.lastIndex(where: { $0.index == entry.index }) {
                    let open = openBoxes.remove(at: position)
                    emitBox(open, endX: x - content.boxes[Int(entry.index)].marginRight, endsHere: true)
                }
            case .forcedBreak, .zeroWidthBreak:
                continue
            }
        }
        flushRun()
        flushDecoration(underlineStyle, from: underlineStart, to: underlineEnd)
        for open in openBoxes { emitBox(open, endX: x, endsHere: false) }
        var items = backgrounds
        items.append(contentsOf: texts)
        items.append(contentsOf: decorations)
        items.append(contentsOf: foreground)
        items.append(contentsOf: links)
        return LineFragment(x: 0, y: 0, width: lineWidth, height: max(0, lineHeight), baseline: baseline,
                            items: items, boxes: boxes)
    }

    /// Extent of an atomic inline relative to the baseline for baseline-relative alignments.
    private func atomicExtent(_ atomic: AtomicInline) -> (top: Double, bottom: Double) {
        let parent = content.styles[atomic.parentStyle]
        switch atomic.style.verticalAlign {
        case .middle:
            let center = -parent.xHeight / 2
            return (center - atomic.height / 2, center + atomic.height / 2)
        case .textTop:
            return (-parent.ascent, atomic.height - parent.ascent)
        case .textBottom:
            return (parent.descent - atomic.height, parent.descent)
        case .super:
            let shift = -0.4 * parent.size
            return (shift - atomic.baseline, shift + atomic.height - atomic.baseline)
        case .sub:
            let shift = 0.25 * parent.size
            return (shift - atomic.baseline, shift + atomic.height - atomic.baseline)
        default:
            return (-atomic.baseline, atomic.height - atomic.baseline)
        }
    }

    private func text(of entry: InlineEntry) -> String {
        let count = Int(entry.textCount)
        if count == 0 { return "" }
        let start = Int(entry.textStart)
        if count == 1 { return String(Character(content.scalars[start])) }
        var view = String.UnicodeScalarView()
        for offset in 0..<count where start + offset < content.scalars.count {
            view.append(content.scalars[start + offset])
        }
        return String(view)
    }

    private mutating func appendGlyph(_ glyph: UInt16, slot: Int, style: Int, x: Double, text: String) {
        if slot != runSlot || style != runStyle {
            flushRun()
            runSlot = slot
            runStyle = style
            runOriginX = x
        }
        runGlyphs.append(PlacedGlyph(id: glyph, x: x - runOriginX, text: text))
    }

    private mutating func flushRun() {
        guard !runGlyphs.isEmpty, runSlot >= 0 else { return }
        let style = content.styles[runStyle]
        texts.append(.text(TextRun(font: context.fonts.faces[runSlot].id, size: style.size, color: style.color,
                                   origin: Point(x: runOriginX, y: baseline + style.baselineShift),
                                   glyphs: runGlyphs)))
        runGlyphs.removeAll(keepingCapacity: true)
        runSlot = -1
    }

    private mutating func flushDecoration(_ styleIndex: Int32, from start: Double, to end: Double) {
        guard styleIndex >= 0, end > start else { return }
        let style = content.styles[Int(styleIndex)]
        let y = baseline + style.baselineShift
        if style.underline {
            decorations.append(.line(from: Point(x: start, y: y + style.underlineOffset),
                                     to: Point(x: end, y: y + style.underlineOffset),
                                     width: style.underlineThickness, color: style.color, style: .solid))
        }
        if style.lineThrough {
            let strike = y - style.xHeight / 2
            decorations.append(.line(from: Point(x: start, y: strike), to: Point(x: end, y: strike),
                                     width: style.underlineThickness, color: style.color, style: .solid))
        }
    }

    /// Link rectangle, background and borders of one fragment of an inline element.
    private mutating func emitBox(_ open: OpenInlineBox, endX: Double, endsHere: Bool) {
        let info = content.boxes[Int(open.index)]
        let style = content.styles[info.textStyle]
        let top = baseline + style.baselineShift - style.ascent
        let bottom = baseline + style.baselineShift + style.descent
        let width = max(0, endX - open.startX)
        if let link = info.link, !link.isEmpty, width > 0 {
            let linkTop = min(top, open.contentTop)
            let linkBottom = max(bottom, open.contentBottom)
            links.append(.link(Rect(x: open.startX, y: linkTop, width: width, height: linkBottom - linkTop), uri: link))
        }
        let border = info.border
        let hasBorder = border.top.style != .none || border.bottom.style != .none
            || (open.startsHere && border.left.style != .none) || (endsHere && border.right.style != .none)
        guard info.background != nil || hasBorder else { return }
        let outerTop = top - info.paddingTop - (border.top.style != .none ? border.top.width : 0)
        let outerBottom = bottom + info.paddingBottom + (border.bottom.style != .none ? border.bottom.width : 0)
        let rect = Rect(x: open.startX, y: outerTop, width: width, height: outerBottom - outerTop)
        if let background = info.background {
            backgrounds.append(.fill(rect, background))
        }
        var sides = Edges(ComputedStyle.BorderSide())
        sides.top = border.top
        sides.bottom = border.bottom
        if open.startsHere { sides.left = border.left }
        if endsHere { sides.right = border.right }
        BorderPainter.appendBorders(sides, rect: rect, to: &backgrounds)
    }
}
