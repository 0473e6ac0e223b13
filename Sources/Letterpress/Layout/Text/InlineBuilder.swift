import OpenType
import StyledHTML

/// Builds one `InlineContent`: applies `white-space` collapsing and `text-transform`, picks
/// fonts (with per-character fallback), and measures every glyph (advance, kerning,
/// letter-spacing).
struct InlineBuilder {
    let context: LayoutContext
    private var entries: [InlineEntry] = []
    private var scalars: [Unicode.Scalar] = []
    private var boxes: [InlineBoxInfo] = []
    private var atomics: [AtomicInline] = []
    private var rootStyle = 0
    private var hasContent = false
    /// True where a collapsible space would be dropped (start of the context, after a space
    /// or a forced break).
    private var dropSpace = true
    private var previousWasLetter = false
    /// Entry index of the last cluster's first glyph (for combining marks), -1 when the last
    /// entry cannot take one.
    private var clusterHead = -1
    private var joinNext = false
    private var openBoxes: [Int32] = []

    init(context: LayoutContext, rootStyle: ComputedStyle) {
        self.context = context
        self.rootStyle = textStyle(for: rootStyle)
    }

    // MARK: Styles

    /// The index of the resolved text style for a computed style (created on first use).
    mutating func textStyle(for style: ComputedStyle) -> Int {
        var size = LayoutContext.sane(style.fontSize, fallback: 12)
        if size > 2000 {
            context.warn("font-size \(size)pt is too large; clamped to 2000pt")
            size = 2000
        }
        size = max(0, size)
        let slot = context.fonts.slot(for: style)
        let (kind, value): (Int, Double) = switch style.lineHeight {
        case .normal: (0, 0)
        case .multiple(let multiple): (1, LayoutContext.sane(multiple, fallback: 1.2, limit: 1000))
        case .points(let points): (2, LayoutContext.sane(points, limit: 100_000))
        }
        let key = TextStyleKey(slot: slot, size: size, color: style.color, underline: style.underline,
                               lineThrough: style.lineThrough, letterSpacing: LayoutContext.sane(style.letterSpacing, limit: 1000),
                               whiteSpace: style.whiteSpace, lineHeightKind: kind, lineHeightValue: value,
                               verticalAlign: style.verticalAlign)
        if let index = context.textStyleIndex[key] { return index }
        let face = context.fonts.faces[slot]
        let font = face.font
        let unit = size * face.scale
        let lineHeight: Double = switch kind {
        case 0: (face.ascent + face.descent + face.lineGap) * unit
        case 1: max(0, value * size)
        default: max(0, value)
        }
        let hyphen = context.fonts.glyph(for: "-", preferring: slot)
        let hyphenFace = context.fonts.faces[hyphen.slot]
        let shift: Double = switch style.verticalAlign {
        case .super: -0.4 * size
        case .sub: 0.25 * size
        default: 0
        }
        let textStyle = TextStyle(
            slot: slot, size: size, color: style.color, underline: style.underline,
            lineThrough: style.lineThrough, letterSpacing: key.letterSpacing,
            wraps: style.whiteSpace == .normal || style.whiteSpace == .preLine || style.whiteSpace == .preWrap,
            ascent: face.ascent * unit, descent: face.descent * unit, lineHeight: lineHeight,
            baselineShift: shift, verticalAlign: style.verticalAlign,
            xHeight: font.xHeight > 0 ? Double(font.xHeight) * unit : 0.5 * size,
            underlineOffset: font.underlinePosition != 0 ? -Double(font.underlinePosition) * unit : 0.1 * size,
            underlineThickness: font.underlineThickness > 0 ? Double(font.underlineThickness) * unit : size / 14,
            hyphenSlot: hyphen.slot, hyphenGlyph: hyphen.glyph,
            hyphenAdvance: Double(hyphenFace.advance(hyphen.glyph)) * size * hyphenFace.scale)
        context.textStyles.append(textStyle)
        context.textStyleIndex[key] = context.textStyles.count - 1
        return context.textStyles.count - 1
    }

    // MARK: Text

    /// Appends the text of a text node styled by `style`.
    mutating func addText(_ text: String, style: ComputedStyle) {
        let styleIndex = textStyle(for: style)
        let whiteSpace = style.whiteSpace
        let collapses = whiteSpace == .normal || whiteSpace == .nowrap || whiteSpace == .preLine
        let keepsNewlines = whiteSpace != .normal && whiteSpace != .nowrap
        let transform = style.textTransform
        let textStyle = context.textStyles[styleIndex]
        let primary = context.fonts.faces[textStyle.slot]
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A:
                if keepsNewlines {
                    addForcedBreak(styleIndex: styleIndex, collapses: collapses)
                } else {
                    addCollapsibleSpace(styleIndex)
                }
            case 0x0D:
                if !keepsNewlines { addCollapsibleSpace(styleIndex) }
            case 0x20, 0x09, 0x0C:
                if collapses {
                    addCollapsibleSpace(styleIndex)
                } else {
                    addSpace(styleIndex, preserved: true, tab: scalar.value == 0x09)
                }
            case 0xAD:
                if context.textStyles[styleIndex].wraps {
                    entries.append(InlineEntry(kind: .softHyphen, flags: InlineEntry.breakAfter,
                                                       index: Int32(styleIndex), advance: 0))
                }
            case 0x200B:
                if context.textStyles[styleIndex].wraps {
                    entries.append(InlineEntry(kind: .zeroWidthBreak, flags: InlineEntry.breakAfter,
                                                       index: Int32(styleIndex), advance: 0))
                }
                dropSpace = false
            case 0x00...0x1F, 0x7F...0x9F:
                continue
            default:
                dropSpace = false
                switch transform {
                case .none:
                    if scalar.value < 0x0300 {
                        addSimpleScalar(scalar, styleIndex: styleIndex, style: textStyle, primary: primary)
                    } else {
                        addScalar(scalar, styleIndex: styleIndex)
                    }
                case .uppercase:
                    addTransformed(scalar, upper: true, styleIndex: styleIndex)
                case .lowercase:
                    addTransformed(scalar, upper: false, styleIndex: styleIndex)
                case .capitalize:
                    if previousWasLetter {
                        addScalar(scalar, styleIndex: styleIndex)
                    } else {
                        addTransformed(scalar, upper: true, styleIndex: styleIndex)
                    }
                }
                if transform == .capitalize {
                    previousWasLetter = scalar.properties.isAlphabetic || scalar == "'" || scalar == "\u{2019}"
                }
                continue
            }
            previousWasLetter = false
        }
    }

    private mutating func addTransformed(_ scalar: Unicode.Scalar, upper: Bool, styleIndex: Int) {
        if scalar.isASCII {
            var value = scalar.value
            if upper, value >= 0x61, value <= 0x7A { value -= 0x20 }
            if !upper, value >= 0x41, value <= 0x5A { value += 0x20 }
            addScalar(Unicode.Scalar(UInt8(value)), styleIndex: styleIndex)
            return
        }
        let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
        for piece in mapped.unicodeScalars { addScalar(piece, styleIndex: styleIndex) }
    }

    private mutating func addCollapsibleSpace(_ styleIndex: Int) {
        if dropSpace { return }
        addSpace(styleIndex, preserved: false, tab: false)
        dropSpace = true
    }

    private mutating func addSpace(_ styleIndex: Int, preserved: Bool, tab: Bool) {
        let style = context.textStyles[styleIndex]
        let resolved = context.fonts.glyph(for: " ", preferring: style.slot)
        let face = context.fonts.faces[resolved.slot]
        var advance = Double(face.advance(resolved.glyph)) * style.size * face.scale + style.letterSpacing
        if tab { advance *= 4 }
        if !preserved { dropSpace = true } else { dropSpace = false }
        scalars.append(" ")
        entries.append(InlineEntry(
            kind: .space, flags: InlineEntry.clusterStart | (preserved ? InlineEntry.preserved : 0),
            glyph: resolved.glyph, slot: Int32(resolved.slot), index: Int32(styleIndex), advance: advance,
            textStart: Int32(scalars.count - 1), textCount: 1))
        clusterHead = -1
        joinNext = false
    }

    /// The common case: a scalar below U+0300 (never a mark or joiner), usually in the
    /// primary face.
    @inline(__always)
    private mutating func addSimpleScalar(_ scalar: Unicode.Scalar, styleIndex: Int, style: TextStyle, primary: FontCache.Face) {
        let glyph = primary.font.glyphID(for: scalar)
        guard glyph != 0 else {
            addScalar(scalar, styleIndex: styleIndex)
            return
        }
        let unit = style.size * primary.scale
        scalars.append(scalar)
        let last = entries.count - 1
        if last >= 0 {
            let previous = entries[last]
            if previous.kind == .glyph, previous.slot == Int32(style.slot), previous.index == Int32(styleIndex) {
                let kern = primary.font.kerning(previous.glyph, glyph)
                if kern != 0 { entries[last].advance += Double(kern) * unit }
            }
        }
        entries.append(InlineEntry(
            kind: .glyph, flags: InlineEntry.clusterStart, glyph: glyph, slot: Int32(style.slot), index: Int32(styleIndex),
            advance: Double(max(0, primary.font.advanceWidth(glyph))) * unit + style.letterSpacing,
            textStart: Int32(scalars.count - 1), textCount: 1))
        clusterHead = entries.count - 1
        joinNext = false
        hasContent = true
    }

    /// Appends one visible scalar: a new cluster, a combining mark or a joiner.
    private mutating func addScalar(_ scalar: Unicode.Scalar, styleIndex: Int) {
        let value = scalar.value
        if InlineBuilder.isJoiner(value) {
            if clusterHead >= 0 {
                scalars.append(scalar)
                entries[clusterHead].textCount += 1
                if value == 0x200D { joinNext = true }
            }
            return
        }
        let style = context.textStyles[styleIndex]
        let isMark = clusterHead >= 0 && (joinNext || InlineBuilder.isMark(scalar))
        joinNext = false
        let preferred = isMark ? Int(entries[clusterHead].slot) : style.slot
        let resolved = context.fonts.glyph(for: scalar, preferring: preferred)
        let face = context.fonts.faces[resolved.slot]
        let unit = style.size * face.scale
        var advance = Double(face.advance(resolved.glyph)) * unit
        scalars.append(scalar)
        let last = entries.count - 1
        if last >= 0 {
            let previous = entries[last]
            if previous.kind == .glyph, previous.slot == Int32(resolved.slot), previous.index == Int32(styleIndex) {
                let kern = face.kern(previous.glyph, resolved.glyph)
                if kern != 0 { entries[last].advance += Double(kern) * unit }
            }
        }
        if isMark {
            entries[clusterHead].textCount += 1
            entries.append(InlineEntry(
                kind: .glyph, flags: 0, glyph: resolved.glyph, slot: Int32(resolved.slot),
                index: Int32(styleIndex), advance: advance, textStart: Int32(scalars.count - 1), textCount: 0))
        } else {
            advance += style.letterSpacing
            entries.append(InlineEntry(
                kind: .glyph, flags: InlineEntry.clusterStart, glyph: resolved.glyph, slot: Int32(resolved.slot),
                index: Int32(styleIndex), advance: advance, textStart: Int32(scalars.count - 1), textCount: 1))
            clusterHead = entries.count - 1
        }
        hasContent = true
    }

    /// Zero-width joiners, variation selectors and similar: they extend the cluster.
    @inline(__always)
    static func isJoiner(_ value: UInt32) -> Bool {
        switch value {
        case 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F:
            return true
        default:
            return false
        }
    }

    /// Combining marks (they join the previous grapheme).
    @inline(__always)
    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x0300 { return false }
        if value <= 0x036F { return true }
        if value < 0x0483 { return false }
        if value <= 0x0489 { return true }
        if value < 0x0591 { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    // MARK: Breaks, boxes, atomics

    /// `<br>` or a preserved newline.
    mutating func addForcedBreak(styleIndex: Int, collapses: Bool) {
        entries.append(InlineEntry(kind: .forcedBreak, flags: 0, index: Int32(styleIndex), advance: 0))
        hasContent = true
        dropSpace = collapses
        clusterHead = -1
        previousWasLetter = false
    }

    /// `<br>` styled by its element.
    mutating func addBreak(style: ComputedStyle) {
        let index = textStyle(for: style)
        addForcedBreak(styleIndex: index, collapses: style.whiteSpace != .pre && style.whiteSpace != .preWrap)
    }

    /// Start of an inline element.
    mutating func openBox(style: ComputedStyle, link: String?) {
        let text = textStyle(for: style)
        func points(_ length: ComputedStyle.Length) -> Double {
            if case .points(let value) = length { return max(0, LayoutContext.sane(value, limit: 10_000)) }
            return 0
        }
        func margin(_ length: ComputedStyle.Length) -> Double {
            if case .points(let value) = length { return LayoutContext.sane(value, limit: 10_000) }
            return 0
        }
        let border = style.border
        func width(_ side: ComputedStyle.BorderSide) -> Double {
            side.style == .none ? 0 : max(0, LayoutContext.sane(side.width, limit: 1000))
        }
        let info = InlineBoxInfo(
            textStyle: text, background: style.backgroundColor, border: border,
            paddingTop: points(style.padding.top), paddingBottom: points(style.padding.bottom),
            startWidth: margin(style.margin.left) + width(border.left) + points(style.padding.left),
            endWidth: points(style.padding.right) + width(border.right) + margin(style.margin.right),
            marginLeft: margin(style.margin.left), marginRight: margin(style.margin.right), link: link)
        boxes.append(info)
        let index = Int32(boxes.count - 1)
        openBoxes.append(index)
        entries.append(InlineEntry(kind: .open, flags: 0, index: index, advance: info.startWidth))
        if info.startWidth > 0 { clusterHead = -1 }
    }

    /// End of the innermost open inline element.
    mutating func closeBox() {
        guard let index = openBoxes.popLast() else { return }
        let width = boxes[Int(index)].endWidth
        entries.append(InlineEntry(kind: .close, flags: 0, index: index, advance: width))
        if width > 0 { clusterHead = -1 }
    }

    /// An image or inline-block.
    mutating func addAtomic(_ kind: AtomicInline.Kind, style: ComputedStyle, parentStyle: ComputedStyle) {
        let parent = textStyle(for: parentStyle)
        atomics.append(AtomicInline(kind: kind, style: style, parentStyle: parent))
        entries.append(InlineEntry(kind: .atomic, flags: InlineEntry.clusterStart,
                                           index: Int32(atomics.count - 1), advance: 0))
        hasContent = true
        dropSpace = false
        clusterHead = -1
        previousWasLetter = false
    }

    // MARK: Finish

    /// Closes open boxes and marks break opportunities.
    mutating func finish() -> InlineContent {
        while !openBoxes.isEmpty { closeBox() }
        markBreakOpportunities()
        let content = InlineContent()
        content.entries = entries
        content.scalars = scalars
        content.styles = context.textStyles
        content.boxes = boxes
        content.atomics = atomics
        content.rootStyle = rootStyle
        content.hasContent = hasContent
        return content
    }

    private mutating func markBreakOpportunities() {
        let count = entries.count
        let styles = context.textStyles
        let scalars = scalars
        let atomics = atomics
        entries.withUnsafeMutableBufferPointer { entries in
            for i in 0..<count {
                let entry = entries[i]
                switch entry.kind {
                case .space:
                    if styles[Int(entry.index)].wraps { entries[i].flags |= InlineEntry.breakAfter }
                case .atomic:
                    let parent = atomics[Int(entry.index)].parentStyle
                    guard styles[parent].wraps else { continue }
                    entries[i].flags |= InlineEntry.breakAfter
                    var j = i - 1
                    while j >= 0, entries[j].kind == .open { j -= 1 }
                    if j >= 0 { entries[j].flags |= InlineEntry.breakAfter }
                case .glyph:
                    guard entry.isClusterStart, styles[Int(entry.index)].wraps else { continue }
                    let scalar = scalars[Int(entry.textStart)].value
                    switch scalar {
                    case 0x2D, 0x2010, 0x2013, 0x2014, 0x2F:
                        var previous = i - 1
                        while previous >= 0, entries[previous].kind == .open || entries[previous].kind == .close { previous -= 1 }
                        var next = i + 1
                        while next < count, entries[next].kind == .open || entries[next].kind == .close { next += 1 }
                        guard previous >= 0, next < count, entries[previous].kind == .glyph, entries[next].kind == .glyph else { continue }
                        if scalar == 0x2D {
                            let following = scalars[Int(entries[next].textStart)].value
                            if following >= 0x30 && following <= 0x39 { continue }
                        }
                        // Break after the whole cluster (marks may follow the dash).
                        var last = i
                        while last + 1 < count, entries[last + 1].kind == .glyph, !entries[last + 1].isClusterStart { last += 1 }
                        entries[last].flags |= InlineEntry.breakAfter
                    case 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3FFFF:
                        if i > 0, entries[i - 1].kind == .glyph { entries[i - 1].flags |= InlineEntry.breakAfter }
                        entries[i].flags |= InlineEntry.breakAfter
                    default:
                        continue
                    }
                default:
                    continue
                }
            }
        }
    }
}
