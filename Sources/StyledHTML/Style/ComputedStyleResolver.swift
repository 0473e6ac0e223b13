/// Collects the winning declaration per property for one element (or page context, or margin
/// box), then computes its `ComputedStyle` from its parent's: inheritance, `inherit`/
/// `initial`/`unset`, units to points, `currentColor`, bolder/lighter, decoration propagation
/// and blockification. The buffers are reused from element to element.
struct ComputedStyleResolver {
    private var slots: [SpecifiedValue?] = Array(repeating: nil, count: PropertyID.count)
    private var touched: [PropertyID] = []

    static let initial = ComputedStyle()

    /// Sets a declaration; later calls win (the caller applies them in cascade order).
    @inline(__always)
    mutating func set(_ declaration: Declaration) {
        let k = Int(declaration.property.rawValue)
        if slots[k] == nil { touched.append(declaration.property) }
        slots[k] = declaration.value
    }

    mutating func apply(_ declarations: [Declaration], important: Bool) {
        for d in declarations where d.important == important { set(d) }
    }

    func value(of property: PropertyID) -> SpecifiedValue? {
        slots[Int(property.rawValue)]
    }

    /// Forgets everything set so far.
    mutating func clear() {
        for p in touched { slots[Int(p.rawValue)] = nil }
        touched.removeAll(keepingCapacity: true)
    }

    static func roundWeight(_ weight: Int) -> Int {
        min(900, max(100, Int((Double(weight) / 100).rounded()) * 100))
    }

    /// Computes the style and clears the collected declarations.
    mutating func resolve(parent: ComputedStyle, rootFontSize: Double, isRoot: Bool) -> ComputedStyle {
        var s = ComputedStyleResolver.initial
        s.color = parent.color
        s.fontFamily = parent.fontFamily
        s.fontSize = parent.fontSize
        s.fontWeight = parent.fontWeight
        s.fontStyle = parent.fontStyle
        s.lineHeight = parent.lineHeight
        s.textAlign = parent.textAlign
        s.whiteSpace = parent.whiteSpace
        s.textTransform = parent.textTransform
        s.letterSpacing = parent.letterSpacing
        s.textIndent = parent.textIndent
        s.listStyleType = parent.listStyleType
        s.orphans = parent.orphans
        s.widows = parent.widows
        s.borderCollapse = parent.borderCollapse
        s.borderSpacing = parent.borderSpacing
        guard !touched.isEmpty else {
            finish(&s, parent: parent, isRoot: isRoot, context: Context())
            return s
        }
        var context = Context()
        // Border widths start at `medium`; they drop to 0 below when the style is none.
        s.border.top.width = ComputedStyleResolver.mediumBorder
        s.border.right.width = ComputedStyleResolver.mediumBorder
        s.border.bottom.width = ComputedStyleResolver.mediumBorder
        s.border.left.width = ComputedStyleResolver.mediumBorder
        touched.sort()
        for p in touched {
            let k = Int(p.rawValue)
            guard let value = slots[k] else { continue }
            slots[k] = nil
            switch value {
            case .inherit:
                copy(p, from: parent, to: &s, context: &context, inherited: true)
            case .initial:
                copy(p, from: ComputedStyleResolver.initial, to: &s, context: &context, inherited: false)
            case .unset:
                copy(p, from: p.isInherited ? parent : ComputedStyleResolver.initial, to: &s, context: &context,
                     inherited: p.isInherited)
            default:
                apply(p, value, to: &s, parent: parent, rootFontSize: rootFontSize, context: &context)
            }
        }
        touched.removeAll(keepingCapacity: true)
        finish(&s, parent: parent, isRoot: isRoot, context: context)
        return s
    }

    static let mediumBorder = 2.25

    private struct Context {
        var borderColorSet = [false, false, false, false]
        var underline = false
        var lineThrough = false
        var touchedBorder = false
    }

    private func finish(_ s: inout ComputedStyle, parent: ComputedStyle, isRoot: Bool, context: Context) {
        // currentColor borders and `none` widths.
        func side(_ b: inout ComputedStyle.BorderSide, _ k: Int) {
            if !context.borderColorSet[k] { b.color = s.color }
            if b.style == .none { b.width = 0 }
        }
        side(&s.border.top, 0)
        side(&s.border.right, 1)
        side(&s.border.bottom, 2)
        side(&s.border.left, 3)
        // Decorations propagate to in-flow descendants, not into inline-blocks or
        // absolutely positioned boxes.
        let propagates = !isRoot && s.display != .inlineBlock && s.position != .absolute && s.position != .fixed
        s.underline = (propagates && parent.underline) || context.underline
        s.lineThrough = (propagates && parent.lineThrough) || context.lineThrough
        // Absolutely positioned boxes and the root are block-level.
        if isRoot || s.position == .absolute || s.position == .fixed {
            switch s.display {
            case .inline, .inlineBlock, .tableRowGroup, .tableHeaderGroup, .tableFooterGroup, .tableRow,
                 .tableCell, .tableCaption, .tableColumn, .tableColumnGroup:
                s.display = .block
            case .block, .listItem, .table, .none:
                break
            }
        }
    }

    // MARK: Values

    @inline(__always)
    private func length(_ l: CSSLength, _ s: ComputedStyle, _ rootFontSize: Double) -> ComputedStyle.Length {
        switch l {
        case .auto: return .auto
        case .none: return .none
        case .points(let p): return .points(p)
        case .em(let n): return .points(n * s.fontSize)
        case .rem(let n): return .points(n * rootFontSize)
        case .percent(let p): return .percent(p)
        }
    }

    /// Points for lengths that cannot be percentages.
    private func points(_ l: CSSLength, _ s: ComputedStyle, _ rootFontSize: Double) -> Double? {
        if case .points(let p) = length(l, s, rootFontSize) { return p }
        return nil
    }

    private func apply(_ p: PropertyID, _ value: SpecifiedValue, to s: inout ComputedStyle, parent: ComputedStyle,
                       rootFontSize: Double, context: inout Context) {
        switch (p, value) {
        case (.fontSize, .fontSize(let size)):
            switch size {
            case .larger: s.fontSize = parent.fontSize * 1.2
            case .smaller: s.fontSize = parent.fontSize / 1.2
            case .length(let l):
                switch l {
                case .points(let v): s.fontSize = v
                case .em(let n): s.fontSize = n * parent.fontSize
                case .rem(let n): s.fontSize = n * rootFontSize
                case .percent(let v): s.fontSize = v / 100 * parent.fontSize
                case .auto, .none: break
                }
            }
        case (.fontFamily, .fontFamily(let families)):
            s.fontFamily = families
        case (.fontWeight, .fontWeight(let weight)):
            switch weight {
            case .absolute(let w): s.fontWeight = ComputedStyleResolver.roundWeight(w)
            case .bolder:
                let w = parent.fontWeight
                s.fontWeight = w < 350 ? 400 : w < 550 ? 700 : 900
            case .lighter:
                let w = parent.fontWeight
                s.fontWeight = w < 550 ? 100 : w < 750 ? 400 : 700
            }
        case (.fontStyle, .fontStyle(let style)):
            s.fontStyle = style
        case (.lineHeight, .lineHeight(let lh)):
            switch lh {
            case .normal: s.lineHeight = .normal
            case .multiple(let m): s.lineHeight = .multiple(m)
            case .length(let l):
                switch l {
                case .percent(let v): s.lineHeight = .points(v / 100 * s.fontSize)
                default:
                    if let pts = points(l, s, rootFontSize) { s.lineHeight = .points(pts) }
                }
            }
        case (.color, .color(let color)):
            if case .rgba(let c) = color { s.color = c } else { s.color = parent.color }
        case (.display, .display(let d)): s.display = d
        case (.position, .position(let v)): s.position = v
        case (.top, .length(let l)): s.top = length(l, s, rootFontSize)
        case (.right, .length(let l)): s.right = length(l, s, rootFontSize)
        case (.bottom, .length(let l)): s.bottom = length(l, s, rootFontSize)
        case (.left, .length(let l)): s.left = length(l, s, rootFontSize)
        case (.width, .length(let l)): s.width = length(l, s, rootFontSize)
        case (.height, .length(let l)): s.height = length(l, s, rootFontSize)
        case (.minWidth, .length(let l)): s.minWidth = length(l, s, rootFontSize)
        case (.maxWidth, .length(let l)): s.maxWidth = length(l, s, rootFontSize)
        case (.minHeight, .length(let l)): s.minHeight = length(l, s, rootFontSize)
        case (.maxHeight, .length(let l)): s.maxHeight = length(l, s, rootFontSize)
        case (.marginTop, .length(let l)): s.margin.top = length(l, s, rootFontSize)
        case (.marginRight, .length(let l)): s.margin.right = length(l, s, rootFontSize)
        case (.marginBottom, .length(let l)): s.margin.bottom = length(l, s, rootFontSize)
        case (.marginLeft, .length(let l)): s.margin.left = length(l, s, rootFontSize)
        case (.paddingTop, .length(let l)): s.padding.top = length(l, s, rootFontSize)
        case (.paddingRight, .length(let l)): s.padding.right = length(l, s, rootFontSize)
        case (.paddingBottom, .length(let l)): s.padding.bottom = length(l, s, rootFontSize)
        case (.paddingLeft, .length(let l)): s.padding.left = length(l, s, rootFontSize)
        case (.borderTopWidth, .length(let l)): if let w = points(l, s, rootFontSize) { s.border.top.width = w }
        case (.borderRightWidth, .length(let l)): if let w = points(l, s, rootFontSize) { s.border.right.width = w }
        case (.borderBottomWidth, .length(let l)): if let w = points(l, s, rootFontSize) { s.border.bottom.width = w }
        case (.borderLeftWidth, .length(let l)): if let w = points(l, s, rootFontSize) { s.border.left.width = w }
        case (.borderTopStyle, .borderStyle(let v)): s.border.top.style = v
        case (.borderRightStyle, .borderStyle(let v)): s.border.right.style = v
        case (.borderBottomStyle, .borderStyle(let v)): s.border.bottom.style = v
        case (.borderLeftStyle, .borderStyle(let v)): s.border.left.style = v
        case (.borderTopColor, .color(let c)):
            s.border.top.color = resolve(c, s)
            context.borderColorSet[0] = true
        case (.borderRightColor, .color(let c)):
            s.border.right.color = resolve(c, s)
            context.borderColorSet[1] = true
        case (.borderBottomColor, .color(let c)):
            s.border.bottom.color = resolve(c, s)
            context.borderColorSet[2] = true
        case (.borderLeftColor, .color(let c)):
            s.border.left.color = resolve(c, s)
            context.borderColorSet[3] = true
        case (.backgroundColor, .color(let c)):
            let color = resolve(c, s)
            s.backgroundColor = color.alpha > 0 ? color : nil
        case (.borderCollapse, .borderCollapse(let v)): s.borderCollapse = v
        case (.borderSpacing, .length(let l)): if let v = points(l, s, rootFontSize) { s.borderSpacing = v }
        case (.textAlign, .textAlign(let v)): s.textAlign = v
        case (.verticalAlign, .verticalAlign(let v)): s.verticalAlign = v
        case (.textDecoration, .textDecoration(let underline, let lineThrough)):
            context.underline = underline
            context.lineThrough = lineThrough
        case (.whiteSpace, .whiteSpace(let v)): s.whiteSpace = v
        case (.textTransform, .textTransform(let v)): s.textTransform = v
        case (.letterSpacing, .length(let l)): if let v = points(l, s, rootFontSize) { s.letterSpacing = v }
        case (.textIndent, .length(let l)): s.textIndent = length(l, s, rootFontSize)
        case (.listStyleType, .listStyleType(let v)): s.listStyleType = v
        case (.orphans, .integer(let n)): s.orphans = n
        case (.widows, .integer(let n)): s.widows = n
        case (.pageBreakBefore, .pageBreak(let v)): s.pageBreakBefore = v
        case (.pageBreakAfter, .pageBreak(let v)): s.pageBreakAfter = v
        case (.pageBreakInside, .pageBreakInside(let v)): s.pageBreakInside = v
        default:
            break
        }
    }

    @inline(__always)
    private func resolve(_ color: CSSColor, _ s: ComputedStyle) -> Color {
        if case .rgba(let c) = color { return c }
        return s.color
    }

    /// `inherit` (from the parent) or `initial`/`unset` (from `source`).
    private func copy(_ p: PropertyID, from source: ComputedStyle, to s: inout ComputedStyle,
                      context: inout Context, inherited: Bool) {
        switch p {
        case .fontSize: s.fontSize = source.fontSize
        case .fontFamily: s.fontFamily = source.fontFamily
        case .fontWeight: s.fontWeight = source.fontWeight
        case .fontStyle: s.fontStyle = source.fontStyle
        case .lineHeight: s.lineHeight = source.lineHeight
        case .color: s.color = source.color
        case .display: s.display = source.display
        case .position: s.position = source.position
        case .top: s.top = source.top
        case .right: s.right = source.right
        case .bottom: s.bottom = source.bottom
        case .left: s.left = source.left
        case .width: s.width = source.width
        case .height: s.height = source.height
        case .minWidth: s.minWidth = source.minWidth
        case .maxWidth: s.maxWidth = source.maxWidth
        case .minHeight: s.minHeight = source.minHeight
        case .maxHeight: s.maxHeight = source.maxHeight
        case .marginTop: s.margin.top = source.margin.top
        case .marginRight: s.margin.right = source.margin.right
        case .marginBottom: s.margin.bottom = source.margin.bottom
        case .marginLeft: s.margin.left = source.margin.left
        case .paddingTop: s.padding.top = source.padding.top
        case .paddingRight: s.padding.right = source.padding.right
        case .paddingBottom: s.padding.bottom = source.padding.bottom
        case .paddingLeft: s.padding.left = source.padding.left
        case .borderTopWidth: s.border.top.width = inherited ? source.border.top.width : ComputedStyleResolver.mediumBorder
        case .borderRightWidth: s.border.right.width = inherited ? source.border.right.width : ComputedStyleResolver.mediumBorder
        case .borderBottomWidth: s.border.bottom.width = inherited ? source.border.bottom.width : ComputedStyleResolver.mediumBorder
        case .borderLeftWidth: s.border.left.width = inherited ? source.border.left.width : ComputedStyleResolver.mediumBorder
        case .borderTopStyle: s.border.top.style = source.border.top.style
        case .borderRightStyle: s.border.right.style = source.border.right.style
        case .borderBottomStyle: s.border.bottom.style = source.border.bottom.style
        case .borderLeftStyle: s.border.left.style = source.border.left.style
        case .borderTopColor:
            if inherited { s.border.top.color = source.border.top.color }
            context.borderColorSet[0] = inherited
        case .borderRightColor:
            if inherited { s.border.right.color = source.border.right.color }
            context.borderColorSet[1] = inherited
        case .borderBottomColor:
            if inherited { s.border.bottom.color = source.border.bottom.color }
            context.borderColorSet[2] = inherited
        case .borderLeftColor:
            if inherited { s.border.left.color = source.border.left.color }
            context.borderColorSet[3] = inherited
        case .backgroundColor: s.backgroundColor = source.backgroundColor
        case .borderCollapse: s.borderCollapse = source.borderCollapse
        case .borderSpacing: s.borderSpacing = source.borderSpacing
        case .textAlign: s.textAlign = source.textAlign
        case .verticalAlign: s.verticalAlign = source.verticalAlign
        case .textDecoration:
            context.underline = inherited && source.underline
            context.lineThrough = inherited && source.lineThrough
        case .whiteSpace: s.whiteSpace = source.whiteSpace
        case .textTransform: s.textTransform = source.textTransform
        case .letterSpacing: s.letterSpacing = source.letterSpacing
        case .textIndent: s.textIndent = source.textIndent
        case .listStyleType: s.listStyleType = source.listStyleType
        case .orphans: s.orphans = source.orphans
        case .widows: s.widows = source.widows
        case .pageBreakBefore: s.pageBreakBefore = source.pageBreakBefore
        case .pageBreakAfter: s.pageBreakAfter = source.pageBreakAfter
        case .pageBreakInside: s.pageBreakInside = source.pageBreakInside
        case .size, .content: break
        }
    }
}
