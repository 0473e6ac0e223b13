/// Turns one declaration (`name: value`) into typed longhand declarations, expanding
/// shorthands.
enum PropertyParser {
    enum Context { case style, page, marginBox }

    enum Outcome: Equatable {
        case ok
        /// Applied, but part of the value was ignored.
        case partial(String)
        case invalid
        /// The value is valid CSS but not supported here; ignored.
        case unsupportedValue(String)
        case unknownProperty
        case unsupportedProperty
        /// Valid, but not where it was used (e.g. `size` outside `@page`).
        case misplaced(String)
    }

    static let margins: [PropertyID] = [.marginTop, .marginRight, .marginBottom, .marginLeft]
    static let paddings: [PropertyID] = [.paddingTop, .paddingRight, .paddingBottom, .paddingLeft]
    static let borderWidths: [PropertyID] = [.borderTopWidth, .borderRightWidth, .borderBottomWidth, .borderLeftWidth]
    static let borderStyles: [PropertyID] = [.borderTopStyle, .borderRightStyle, .borderBottomStyle, .borderLeftStyle]
    static let borderColors: [PropertyID] = [.borderTopColor, .borderRightColor, .borderBottomColor, .borderLeftColor]

    /// Properties that are real CSS but that this renderer does not implement.
    static let knownUnsupported: Set<String> = [
        "float", "clear", "overflow", "overflow-x", "overflow-y", "box-sizing", "z-index", "opacity",
        "visibility", "word-spacing", "word-wrap", "overflow-wrap", "word-break", "hyphens", "font-variant",
        "font-stretch", "text-shadow", "box-shadow", "border-radius", "outline", "outline-width",
        "outline-style", "outline-color", "cursor", "transition", "transform", "flex", "flex-direction",
        "flex-wrap", "flex-grow", "flex-shrink", "flex-basis", "justify-content", "align-items",
        "align-self", "align-content", "gap", "grid", "grid-template-columns", "grid-template-rows",
        "direction", "unicode-bidi", "quotes", "counter-reset", "counter-increment", "table-layout",
        "caption-side", "empty-cells", "background-image", "background-repeat", "background-position",
        "background-size", "background-attachment", "background-clip", "background-origin",
        "list-style-position", "list-style-image", "text-overflow", "columns", "column-count",
        "column-gap", "border-image", "clip", "resize", "content", "font-kerning",
        "font-feature-settings", "font-variant-numeric", "text-rendering", "-webkit-print-color-adjust",
        "print-color-adjust", "color-adjust", "page", "marks", "bleed", "src", "unicode-range",
        "font-display", "text-decoration-color", "text-decoration-style", "text-decoration-thickness",
        "text-underline-offset", "tab-size", "object-fit", "vertical-align-last", "float-reference",
    ]

    /// Parses `name: components` and appends the longhands to `out`.
    static func parse(name: String, components: [CSSComponent], important: Bool, context: Context,
                      into out: inout [Declaration]) -> Outcome {
        if name.hasPrefix("--") { return .ok } // custom properties: valid, unused
        guard !components.isEmpty else { return .invalid }
        var emitted: [Declaration] = []
        func emit(_ property: PropertyID, _ value: SpecifiedValue) {
            emitted.append(Declaration(property: property, value: value, important: important))
        }
        // Global keywords apply to every longhand of a shorthand.
        if components.count == 1, let keyword = components[0].keyword,
           keyword == "inherit" || keyword == "initial" || keyword == "unset" || keyword == "revert" {
            guard let longhands = longhands(of: name, context: context) else {
                return knownUnsupported.contains(name) ? .unsupportedProperty : .unknownProperty
            }
            let value: SpecifiedValue = keyword == "inherit" ? .inherit : keyword == "initial" ? .initial : .unset
            for p in longhands { emit(p, value) }
            out.append(contentsOf: emitted)
            return .ok
        }
        if components.contains(where: { $0.kind == .function && ["var", "calc", "env", "attr", "min", "max", "clamp"].contains($0.token.text.lowercasedASCII) }) {
            return .unsupportedValue("functions like var()/calc() are not supported")
        }
        let outcome = parseValue(name: name, components, context: context, emit: emit)
        switch outcome {
        case .ok, .partial:
            out.append(contentsOf: emitted)
        default:
            break
        }
        return outcome
    }

    /// The longhands a property name sets (nil for unknown names).
    static func longhands(of name: String, context: Context) -> [PropertyID]? {
        if let single = singleLonghand[name] { return [single] }
        switch name {
        case "margin": return margins
        case "padding": return paddings
        case "border-width": return borderWidths
        case "border-style": return borderStyles
        case "border-color": return borderColors
        case "border": return borderWidths + borderStyles + borderColors
        case "border-top": return [.borderTopWidth, .borderTopStyle, .borderTopColor]
        case "border-right": return [.borderRightWidth, .borderRightStyle, .borderRightColor]
        case "border-bottom": return [.borderBottomWidth, .borderBottomStyle, .borderBottomColor]
        case "border-left": return [.borderLeftWidth, .borderLeftStyle, .borderLeftColor]
        case "font": return [.fontStyle, .fontWeight, .fontSize, .lineHeight, .fontFamily]
        case "background": return [.backgroundColor]
        case "list-style": return [.listStyleType]
        case "size": return context == .page ? [.size] : nil
        case "content": return context == .marginBox ? [.content] : nil
        default: return nil
        }
    }

    static let singleLonghand: [String: PropertyID] = [
        "display": .display, "position": .position, "top": .top, "right": .right, "bottom": .bottom,
        "left": .left, "width": .width, "height": .height, "min-width": .minWidth, "max-width": .maxWidth,
        "min-height": .minHeight, "max-height": .maxHeight, "margin-top": .marginTop,
        "margin-right": .marginRight, "margin-bottom": .marginBottom, "margin-left": .marginLeft,
        "padding-top": .paddingTop, "padding-right": .paddingRight, "padding-bottom": .paddingBottom,
        "padding-left": .paddingLeft, "border-top-width": .borderTopWidth,
        "border-right-width": .borderRightWidth, "border-bottom-width": .borderBottomWidth,
        "border-left-width": .borderLeftWidth, "border-top-style": .borderTopStyle,
        "border-right-style": .borderRightStyle, "border-bottom-style": .borderBottomStyle,
        "border-left-style": .borderLeftStyle, "border-top-color": .borderTopColor,
        "border-right-color": .borderRightColor, "border-bottom-color": .borderBottomColor,
        "border-left-color": .borderLeftColor, "background-color": .backgroundColor,
        "border-collapse": .borderCollapse, "border-spacing": .borderSpacing, "color": .color,
        "font-family": .fontFamily, "font-size": .fontSize, "font-weight": .fontWeight,
        "font-style": .fontStyle, "line-height": .lineHeight, "text-align": .textAlign,
        "vertical-align": .verticalAlign, "text-decoration": .textDecoration,
        "text-decoration-line": .textDecoration, "white-space": .whiteSpace,
        "text-transform": .textTransform, "letter-spacing": .letterSpacing, "text-indent": .textIndent,
        "list-style-type": .listStyleType, "orphans": .orphans, "widows": .widows,
        "page-break-before": .pageBreakBefore, "page-break-after": .pageBreakAfter,
        "page-break-inside": .pageBreakInside, "break-before": .pageBreakBefore,
        "break-after": .pageBreakAfter, "break-inside": .pageBreakInside,
    ]

    // MARK: Values

    private static func parseValue(name: String, _ c: [CSSComponent], context: Context,
                                   emit: (PropertyID, SpecifiedValue) -> Void) -> Outcome {
        let single = c.count == 1 ? c[0] : nil
        let keyword = single?.keyword
        switch name {
        case "display":
            guard let k = keyword else { return .invalid }
            switch k {
            case "block", "flow-root": emit(.display, .display(.block))
            case "inline": emit(.display, .display(.inline))
            case "inline-block": emit(.display, .display(.inlineBlock))
            case "list-item": emit(.display, .display(.listItem))
            case "none": emit(.display, .display(.none))
            case "table", "inline-table": emit(.display, .display(.table))
            case "table-header-group": emit(.display, .display(.tableHeaderGroup))
            case "table-row-group": emit(.display, .display(.tableRowGroup))
            case "table-footer-group": emit(.display, .display(.tableFooterGroup))
            case "table-row": emit(.display, .display(.tableRow))
            case "table-cell": emit(.display, .display(.tableCell))
            case "table-caption": emit(.display, .display(.tableCaption))
            case "table-column": emit(.display, .display(.tableColumn))
            case "table-column-group": emit(.display, .display(.tableColumnGroup))
            case "flex", "grid", "run-in":
                emit(.display, .display(.block))
                return .partial("display: \(k) is laid out as block")
            case "inline-flex", "inline-grid":
                emit(.display, .display(.inlineBlock))
                return .partial("display: \(k) is laid out as inline-block")
            case "contents": return .unsupportedValue("display: contents is not supported")
            default: return .invalid
            }
        case "position":
            switch keyword {
            case "static": emit(.position, .position(.static))
            case "relative": emit(.position, .position(.relative))
            case "absolute": emit(.position, .position(.absolute))
            case "fixed": emit(.position, .position(.fixed))
            case "sticky": return .unsupportedValue("position: sticky is not supported")
            default: return .invalid
            }
        case "top", "right", "bottom", "left":
            guard let s = single, let l = lengthOrKeyword(s, auto: true) else { return .invalid }
            emit(singleLonghand[name] ?? .top, .length(l))
        case "width", "height":
            guard let s = single, let l = lengthOrKeyword(s, auto: true, negative: false) else { return .invalid }
            emit(name == "width" ? .width : .height, .length(l))
        case "min-width", "min-height":
            guard let s = single else { return .invalid }
            let l: CSSLength? = s.keyword == "auto" ? .points(0) : CSSValues.length(s, negative: false)
            guard let l else { return .invalid }
            emit(name == "min-width" ? .minWidth : .minHeight, .length(l))
        case "max-width", "max-height":
            guard let s = single, let l = lengthOrKeyword(s, none: true, negative: false) else { return .invalid }
            emit(name == "max-width" ? .maxWidth : .maxHeight, .length(l))
        case "margin-top", "margin-right", "margin-bottom", "margin-left":
            guard let s = single, let l = lengthOrKeyword(s, auto: true) else { return .invalid }
            emit(singleLonghand[name] ?? .marginTop, .length(l))
        case "margin":
            return fourSides(c, margins, emit) { lengthOrKeyword($0, auto: true).map { .length($0) } }
        case "padding-top", "padding-right", "padding-bottom", "padding-left":
            guard let s = single, let l = CSSValues.length(s, negative: false) else { return .invalid }
            emit(singleLonghand[name] ?? .paddingTop, .length(l))
        case "padding":
            return fourSides(c, paddings, emit) { CSSValues.length($0, negative: false).map { .length($0) } }
        case "border-top-width", "border-right-width", "border-bottom-width", "border-left-width":
            guard let s = single, let w = borderWidth(s) else { return .invalid }
            emit(singleLonghand[name] ?? .borderTopWidth, w)
        case "border-width":
            return fourSides(c, borderWidths, emit, borderWidth)
        case "border-top-style", "border-right-style", "border-bottom-style", "border-left-style":
            guard let s = single, let v = borderStyle(s) else { return .invalid }
            emit(singleLonghand[name] ?? .borderTopStyle, v)
        case "border-style":
            return fourSides(c, borderStyles, emit, borderStyle)
        case "border-top-color", "border-right-color", "border-bottom-color", "border-left-color":
            guard let s = single, let color = CSSValues.color(s) else { return .invalid }
            emit(singleLonghand[name] ?? .borderTopColor, .color(color))
        case "border-color":
            return fourSides(c, borderColors, emit) { CSSValues.color($0).map { .color($0) } }
        case "border", "border-top", "border-right", "border-bottom", "border-left":
            guard let parts = borderShorthand(c) else { return .invalid }
            let sides: [Int]
            switch name {
            case "border-top": sides = [0]
            case "border-right": sides = [1]
            case "border-bottom": sides = [2]
            case "border-left": sides = [3]
            default: sides = [0, 1, 2, 3]
            }
            for side in sides {
                emit(borderWidths[side], parts.width)
                emit(borderStyles[side], parts.style)
                emit(borderColors[side], parts.color)
            }
        case "background-color":
            guard let s = single, let color = CSSValues.color(s) else { return .invalid }
            emit(.backgroundColor, .color(color))
        case "background":
            var color: CSSColor?
            var note: String?
            for part in c {
                if let found = CSSValues.color(part) {
                    guard color == nil else { return .invalid }
                    color = found
                } else if part.kind == .url || (part.kind == .function && part.token.text.lowercasedASCII.hasSuffix("url")) ||
                            (part.kind == .function && part.token.text.lowercasedASCII.hasSuffix("gradient")) {
                    note = "background images are not supported; only the colour is used"
                }
            }
            emit(.backgroundColor, .color(color ?? .rgba(.transparent)))
            if let note { return .partial(note) }
        case "border-collapse":
            switch keyword {
            case "collapse": emit(.borderCollapse, .borderCollapse(.collapse))
            case "separate": emit(.borderCollapse, .borderCollapse(.separate))
            default: return .invalid
            }
        case "border-spacing":
            guard c.count <= 2 else { return .invalid }
            var lengths: [CSSLength] = []
            for part in c {
                guard let l = CSSValues.length(part, percent: false, negative: false) else { return .invalid }
                lengths.append(l)
            }
            emit(.borderSpacing, .length(lengths[0]))
        case "color":
            guard let s = single, let color = CSSValues.color(s) else { return .invalid }
            emit(.color, color == .currentColor ? .inherit : .color(color))
        case "font-family":
            guard let families = fontFamilies(c[...]) else { return .invalid }
            emit(.fontFamily, .fontFamily(families))
        case "font-size":
            guard let s = single, let size = fontSize(s) else { return .invalid }
            emit(.fontSize, .fontSize(size))
        case "font-weight":
            guard let s = single, let weight = fontWeight(s) else { return .invalid }
            emit(.fontWeight, .fontWeight(weight))
        case "font-style":
            guard let style = fontStyle(c) else { return .invalid }
            emit(.fontStyle, .fontStyle(style))
        case "font":
            return fontShorthand(c, emit)
        case "line-height":
            guard let s = single, let value = lineHeight(s) else { return .invalid }
            emit(.lineHeight, .lineHeight(value))
        case "text-align":
            switch keyword {
            case "left", "start", "-webkit-left": emit(.textAlign, .textAlign(.left))
            case "right", "end", "-webkit-right": emit(.textAlign, .textAlign(.right))
            case "center", "-webkit-center": emit(.textAlign, .textAlign(.center))
            case "justify", "justify-all": emit(.textAlign, .textAlign(.justify))
            case "match-parent": return .unsupportedValue("text-align: match-parent is not supported")
            default: return .invalid
            }
        case "vertical-align":
            guard let s = single else { return .invalid }
            switch s.keyword {
            case "baseline": emit(.verticalAlign, .verticalAlign(.baseline))
            case "top": emit(.verticalAlign, .verticalAlign(.top))
            case "middle": emit(.verticalAlign, .verticalAlign(.middle))
            case "bottom": emit(.verticalAlign, .verticalAlign(.bottom))
            case "super": emit(.verticalAlign, .verticalAlign(.super))
            case "sub": emit(.verticalAlign, .verticalAlign(.sub))
            case "text-top": emit(.verticalAlign, .verticalAlign(.textTop))
            case "text-bottom": emit(.verticalAlign, .verticalAlign(.textBottom))
            default:
                if CSSValues.length(s) != nil {
                    return .unsupportedValue("vertical-align lengths are not supported")
                }
                return .invalid
            }
        case "text-decoration", "text-decoration-line":
            var underline = false, lineThrough = false, sawNone = false
            var ignoredColor = false
            for part in c {
                switch part.keyword {
                case "none": sawNone = true
                case "underline": underline = true
                case "line-through": lineThrough = true
                case "overline", "blink": break
                case "solid", "double", "dotted", "dashed", "wavy":
                    guard name == "text-decoration" else { return .invalid }
                default:
                    guard name == "text-decoration", CSSValues.color(part) != nil else { return .invalid }
                    ignoredColor = true
                }
            }
            if sawNone, underline || lineThrough { return .invalid }
            emit(.textDecoration, .textDecoration(underline: underline, lineThrough: lineThrough))
            if ignoredColor { return .partial("text-decoration colours are not supported") }
        case "white-space":
            switch keyword {
            case "normal": emit(.whiteSpace, .whiteSpace(.normal))
            case "nowrap": emit(.whiteSpace, .whiteSpace(.nowrap))
            case "pre": emit(.whiteSpace, .whiteSpace(.pre))
            case "pre-line": emit(.whiteSpace, .whiteSpace(.preLine))
            case "pre-wrap", "break-spaces": emit(.whiteSpace, .whiteSpace(.preWrap))
            default: return .invalid
            }
        case "text-transform":
            switch keyword {
            case "none": emit(.textTransform, .textTransform(.none))
            case "uppercase": emit(.textTransform, .textTransform(.uppercase))
            case "lowercase": emit(.textTransform, .textTransform(.lowercase))
            case "capitalize": emit(.textTransform, .textTransform(.capitalize))
            default: return .invalid
            }
        case "letter-spacing":
            guard let s = single else { return .invalid }
            if s.keyword == "normal" {
                emit(.letterSpacing, .length(.points(0)))
            } else {
                guard let l = CSSValues.length(s, percent: false) else { return .invalid }
                emit(.letterSpacing, .length(l))
            }
        case "text-indent":
            guard let s = single, let l = CSSValues.length(s) else { return .invalid }
            emit(.textIndent, .length(l))
        case "list-style-type":
            guard let s = single, let type = listStyleType(s) else { return .invalid }
            emit(.listStyleType, .listStyleType(type))
        case "list-style":
            var type: ComputedStyle.ListStyleType?
            var noneCount = 0
            var note: String?
            for part in c {
                if part.keyword == "none" {
                    noneCount += 1
                } else if part.keyword == "inside" || part.keyword == "outside" {
                    continue
                } else if let t = listStyleType(part) {
                    guard type == nil else { return .invalid }
                    type = t
                } else if part.kind == .url || part.kind == .function {
                    note = "list-style images are not supported"
                } else {
                    return .invalid
                }
            }
            if noneCount > 0, type == nil { type = ComputedStyle.ListStyleType.none }
            emit(.listStyleType, .listStyleType(type ?? .disc))
            if let note { return .partial(note) }
        case "orphans", "widows":
            guard let s = single, let n = CSSValues.integer(s), n >= 1 else { return .invalid }
            emit(name == "orphans" ? .orphans : .widows, .integer(n))
        case "page-break-before", "page-break-after", "break-before", "break-after":
            guard let k = keyword else { return .invalid }
            let value: ComputedStyle.PageBreak
            switch k {
            case "auto": value = .auto
            case "always", "page": value = .always
            case "avoid", "avoid-page": value = .avoid
            case "left", "verso": value = .left
            case "right", "recto": value = .right
            case "column", "avoid-column", "region", "avoid-region":
                guard name.hasPrefix("break") else { return .invalid }
                value = .auto
            default: return .invalid
            }
            emit(name.hasSuffix("before") ? .pageBreakBefore : .pageBreakAfter, .pageBreak(value))
        case "page-break-inside", "break-inside":
            switch keyword {
            case "auto": emit(.pageBreakInside, .pageBreakInside(.auto))
            case "avoid", "avoid-page": emit(.pageBreakInside, .pageBreakInside(.avoid))
            case "avoid-column", "avoid-region":
                guard name == "break-inside" else { return .invalid }
                emit(.pageBreakInside, .pageBreakInside(.auto))
            default: return .invalid
            }
        case "size":
            guard context == .page else { return .misplaced("'size' only applies inside @page") }
            guard let size = pageSize(c) else { return .invalid }
            emit(.size, .pageSize(size))
        case "content":
            guard context == .marginBox else {
                return .misplaced("'content' is only supported in @page margin boxes")
            }
            guard let parts = contentParts(c) else { return .invalid }
            emit(.content, .content(parts))
        default:
            return knownUnsupported.contains(name) ? .unsupportedProperty : .unknownProperty
        }
        return .ok
    }

    // MARK: Helpers

    static func lengthOrKeyword(_ c: CSSComponent, auto: Bool = false, none: Bool = false,
                                negative: Bool = true) -> CSSLength? {
        if let k = c.keyword {
            if auto, k == "auto" { return .auto }
            if none, k == "none" { return CSSLength.none }
            return nil
        }
        return CSSValues.length(c, negative: negative)
    }

    /// 1–4 values for top, right, bottom, left.
    private static func fourSides(_ c: [CSSComponent], _ properties: [PropertyID],
                                  _ emit: (PropertyID, SpecifiedValue) -> Void,
                                  _ parse: (CSSComponent) -> SpecifiedValue?) -> Outcome {
        guard (1...4).contains(c.count) else { return .invalid }
        var values: [SpecifiedValue] = []
        for part in c {
            guard let v = parse(part) else { return .invalid }
            values.append(v)
        }
        let top = values[0]
        let right = values.count > 1 ? values[1] : top
        let bottom = values.count > 2 ? values[2] : top
        let left = values.count > 3 ? values[3] : right
        emit(properties[0], top)
        emit(properties[1], right)
        emit(properties[2], bottom)
        emit(properties[3], left)
        return .ok
    }

    static func borderWidth(_ c: CSSComponent) -> SpecifiedValue? {
        switch c.keyword {
        case "thin": return .length(.points(0.75))
        case "medium": return .length(.points(2.25))
        case "thick": return .length(.points(3.75))
        case nil: return CSSValues.length(c, percent: false, negative: false).map { .length($0) }
        default: return nil
        }
    }

    static func borderStyle(_ c: CSSComponent) -> SpecifiedValue? {
        switch c.keyword {
        case "none", "hidden": return .borderStyle(.none)
        case "solid", "groove", "ridge", "inset", "outset": return .borderStyle(.solid)
        case "dashed": return .borderStyle(.dashed)
        case "dotted": return .borderStyle(.dotted)
        case "double": return .borderStyle(.double)
        default: return nil
        }
    }

    /// `border: <width> || <style> || <color>`, missing parts reset to their initial values.
    private static func borderShorthand(_ c: [CSSComponent]) -> (width: SpecifiedValue, style: SpecifiedValue, color: SpecifiedValue)? {
        guard (1...3).contains(c.count) else { return nil }
        var width: SpecifiedValue?, style: SpecifiedValue?, color: SpecifiedValue?
        for part in c {
            if width == nil, let w = borderWidth(part) {
                width = w
            } else if style == nil, let s = borderStyle(part) {
                style = s
            } else if color == nil, let col = CSSValues.color(part) {
                color = .color(col)
            } else {
                return nil
            }
        }
        return (width ?? .length(.points(2.25)), style ?? .borderStyle(.none), color ?? .color(.currentColor))
    }

    static let genericFamilies: Set<String> = ["serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"]

    /// A comma-separated family list; names lower-cased, quotes removed.
    static func fontFamilies(_ c: ArraySlice<CSSComponent>) -> [String]? {
        var families: [String] = []
        var words: [String] = []
        var quoted: String?
        func flush() -> Bool {
            if let q = quoted {
                guard words.isEmpty else { return false }
                families.append(q.lowercased())
            } else {
                guard !words.isEmpty else { return false }
                families.append(words.joined(separator: " ").lowercased())
            }
            quoted = nil
            words.removeAll()
            return true
        }
        for part in c {
            switch part.kind {
            case .comma:
                guard flush() else { return nil }
            case .string:
                guard quoted == nil, words.isEmpty else { return nil }
                quoted = part.token.text
            case .ident:
                guard quoted == nil else { return nil }
                let k = part.token.text.lowercasedASCII
                if words.isEmpty, ["inherit", "initial", "unset", "default"].contains(k) { return nil }
                words.append(part.token.text)
            default:
                return nil
            }
        }
        guard flush() else { return nil }
        return families
    }

    static func fontSize(_ c: CSSComponent) -> FontSizeValue? {
        if let k = c.keyword {
            switch k {
            case "xx-small": return .length(.points(12 * 3 / 5))
            case "x-small": return .length(.points(12 * 3 / 4))
            case "small": return .length(.points(12 * 8 / 9))
            case "medium": return .length(.points(12))
            case "large": return .length(.points(12 * 6 / 5))
            case "x-large": return .length(.points(12 * 3 / 2))
            case "xx-large": return .length(.points(24))
            case "xxx-large": return .length(.points(36))
            case "larger": return .larger
            case "smaller": return .smaller
            default: return nil
            }
        }
        return CSSValues.length(c, negative: false).map { .length($0) }
    }

    static func fontWeight(_ c: CSSComponent) -> FontWeightValue? {
        switch c.keyword {
        case "normal": return .absolute(400)
        case "bold": return .absolute(700)
        case "bolder": return .bolder
        case "lighter": return .lighter
        case nil:
            guard c.kind == .number, c.token.number >= 1, c.token.number <= 1000 else { return nil }
            return .absolute(Int(c.token.number))
        default: return nil
        }
    }

    private static func fontStyle(_ c: [CSSComponent]) -> ComputedStyle.FontStyle? {
        switch c.first?.keyword {
        case "normal": return c.count == 1 ? .normal : nil
        case "italic": return c.count == 1 ? .italic : nil
        case "oblique": return c.count <= 2 ? .italic : nil
        default: return nil
        }
    }

    static func lineHeight(_ c: CSSComponent) -> LineHeightValue? {
        if c.keyword == "normal" { return .normal }
        if c.kind == .number {
            return c.token.number >= 0 ? .multiple(c.token.number) : nil
        }
        return CSSValues.length(c, negative: false).map { .length($0) }
    }

    /// `font: [style || variant || weight || stretch]? size [/ line-height]? family`.
    private static func fontShorthand(_ c: [CSSComponent], _ emit: (PropertyID, SpecifiedValue) -> Void) -> Outcome {
        if c.count == 1, let k = c[0].keyword,
           ["caption", "icon", "menu", "message-box", "small-caption", "status-bar"].contains(k) {
            return .unsupportedValue("system fonts are not supported")
        }
        var style = ComputedStyle.FontStyle.normal
        var weight = FontWeightValue.absolute(400)
        var i = 0
        var note: String?
        let stretches: Set<String> = ["ultra-condensed", "extra-condensed", "condensed", "semi-condensed",
                                      "semi-expanded", "expanded", "extra-expanded", "ultra-expanded"]
        while i < c.count, i < 4 {
            let part = c[i]
            if let k = part.keyword {
                if k == "normal" {
                } else if k == "italic" || k == "oblique" {
                    style = .italic
                } else if k == "small-caps" {
                    note = "font-variant small-caps is not supported"
                } else if let w = fontWeight(part) {
                    weight = w
                } else if stretches.contains(k) {
                } else {
                    break
                }
            } else if part.kind == .number, i + 1 < c.count, let w = fontWeight(part) {
                weight = w
            } else {
                break
            }
            i += 1
        }
        guard i < c.count, let size = fontSize(c[i]) else { return .invalid }
        i += 1
        var lineHeightValue = LineHeightValue.normal
        if i < c.count, c[i].isDelim("/") {
            guard i + 1 < c.count, let lh = lineHeight(c[i + 1]) else { return .invalid }
            lineHeightValue = lh
            i += 2
        }
        guard i < c.count, let families = fontFamilies(c[i...]) else { return .invalid }
        emit(.fontStyle, .fontStyle(style))
        emit(.fontWeight, .fontWeight(weight))
        emit(.fontSize, .fontSize(size))
        emit(.lineHeight, .lineHeight(lineHeightValue))
        emit(.fontFamily, .fontFamily(families))
        if let note { return .partial(note) }
        return .ok
    }

    static func listStyleType(_ c: CSSComponent) -> ComputedStyle.ListStyleType? {
        switch c.keyword {
        case "disc": return .disc
        case "circle": return .circle
        case "square": return .square
        case "decimal", "decimal-leading-zero": return .decimal
        case "lower-alpha", "lower-latin": return .lowerAlpha
        case "upper-alpha", "upper-latin": return .upperAlpha
        case "lower-roman": return .lowerRoman
        case "upper-roman": return .upperRoman
        case "none": return ComputedStyle.ListStyleType.none
        default: return nil
        }
    }

    /// Named page sizes in points (portrait).
    static let pageSizes: [String: (Double, Double)] = [
        "a3": (841.89, 1190.551), "a4": (595.276, 841.89), "a5": (419.528, 595.276),
        "a6": (297.638, 419.528), "b4": (708.661, 1000.63), "b5": (498.898, 708.661),
        "letter": (612, 792), "legal": (612, 1008), "ledger": (792, 1224),
    ]

    private static func pageSize(_ c: [CSSComponent]) -> PageSizeValue? {
        guard (1...2).contains(c.count) else { return nil }
        var result = PageSizeValue()
        var lengths: [Double] = []
        var named = false
        for part in c {
            if let k = part.keyword {
                if k == "auto" {
                    guard c.count == 1 else { return nil }
                    return PageSizeValue(width: 595.276, height: 841.89, landscape: nil)
                } else if k == "landscape" || k == "portrait" {
                    guard result.landscape == nil else { return nil }
                    result.landscape = k == "landscape"
                } else if let size = pageSizes[k], !named, lengths.isEmpty {
                    named = true
                    result.width = size.0
                    result.height = size.1
                } else {
                    return nil
                }
            } else if case .points(let p)? = CSSValues.length(part, percent: false, negative: false), p > 0, !named {
                lengths.append(p)
            } else {
                return nil
            }
        }
        if !lengths.isEmpty {
            guard result.landscape == nil else { return nil }
            result.width = lengths[0]
            result.height = lengths.count > 1 ? lengths[1] : lengths[0]
        }
        return result
    }

    /// `content:` of a margin box: strings, `counter(page)`, `counter(pages)`.
    private static func contentParts(_ c: [CSSComponent]) -> [ContentPart]? {
        if c.count == 1, let k = c[0].keyword, k == "none" || k == "normal" { return [] }
        var parts: [ContentPart] = []
        for part in c {
            switch part.kind {
            case .string:
                if case .string(let previous)? = parts.last {
                    parts[parts.count - 1] = .string(previous + part.token.text)
                } else {
                    parts.append(.string(part.token.text))
                }
            case .function:
                let fn = part.token.text.lowercasedASCII
                guard fn == "counter", let first = part.arguments.first?.keyword else { return nil }
                if part.arguments.count > 1 {
                    guard part.arguments.count == 3, part.arguments[1].kind == .comma,
                          part.arguments[2].keyword == "decimal" else { return nil }
                }
                switch first {
                case "page": parts.append(.pageNumber)
                case "pages": parts.append(.pageCount)
                default: return nil
                }
            default:
                return nil
            }
        }
        return parts
    }
}
