/// Legacy presentational attributes (`width`, `align`, `bgcolor`, `border`, `cellpadding`…)
/// mapped to declarations that rank just above the default style sheet, as browsers do.
enum PresentationalHints {
    /// Appends the hints of an element to `out`.
    static func declarations(for element: Int32, in dom: DOMTree, into out: inout [Declaration]) {
        let node = dom[element]
        func add(_ property: PropertyID, _ value: SpecifiedValue) {
            out.append(Declaration(property: property, value: value, important: false))
        }
        let tag = node.tag
        for attribute in node.attributes {
            switch attribute.name {
            case "align":
                switch tag {
                case .div, .p, .h1, .h2, .h3, .h4, .h5, .h6, .td, .th, .tr, .thead, .tbody, .tfoot, .caption, .section:
                    if let align = textAlign(attribute.value) { add(.textAlign, .textAlign(align)) }
                case .table:
                    if attribute.value.lowercasedASCII == "center" {
                        add(.marginLeft, .length(.auto))
                        add(.marginRight, .length(.auto))
                    }
                default:
                    break
                }
            case "valign":
                guard [.td, .th, .tr, .thead, .tbody, .tfoot].contains(tag) else { break }
                switch attribute.value.lowercasedASCII {
                case "top": add(.verticalAlign, .verticalAlign(.top))
                case "middle", "center": add(.verticalAlign, .verticalAlign(.middle))
                case "bottom": add(.verticalAlign, .verticalAlign(.bottom))
                case "baseline": add(.verticalAlign, .verticalAlign(.baseline))
                default: break
                }
            case "width":
                guard [.table, .td, .th, .col, .colgroup, .img, .hr].contains(tag), let l = dimension(attribute.value) else { break }
                add(.width, .length(l))
            case "height":
                guard [.table, .td, .th, .tr, .img].contains(tag), let l = dimension(attribute.value) else { break }
                add(.height, .length(l))
            case "bgcolor":
                guard [.body, .table, .tr, .td, .th, .thead, .tbody, .tfoot].contains(tag), let c = color(attribute.value) else { break }
                add(.backgroundColor, .color(c))
            case "text":
                if tag == .body, let c = color(attribute.value) { add(.color, .color(c)) }
            case "color":
                if tag == .font, let c = color(attribute.value) { add(.color, .color(c)) }
            case "face":
                if tag == .font {
                    let families = attribute.value.split(separator: ",").map { $0.trimmingSpaces.lowercased() }.filter { !$0.isEmpty }
                    if !families.isEmpty { add(.fontFamily, .fontFamily(families)) }
                }
            case "size":
                if tag == .font, let size = fontSize(attribute.value) { add(.fontSize, .fontSize(.length(.points(size)))) }
            case "border":
                if tag == .table, let width = Double(attribute.value.trimmingSpaces.isEmpty ? "1" : attribute.value.trimmingSpaces),
                   width.isFinite {
                    let w = SpecifiedValue.length(.points(max(0, width) * 0.75))
                    for p in PropertyParser.borderWidths { add(p, w) }
                    for p in PropertyParser.borderStyles { add(p, .borderStyle(width > 0 ? .solid : .none)) }
                    for p in PropertyParser.borderColors { add(p, .color(.rgba(Color(red: 0.5, green: 0.5, blue: 0.5)))) }
                } else if tag == .img, let width = Double(attribute.value.trimmingSpaces), width > 0, width.isFinite {
                    for p in PropertyParser.borderWidths { add(p, .length(.points(width * 0.75))) }
                    for p in PropertyParser.borderStyles { add(p, .borderStyle(.solid)) }
                }
            case "cellspacing":
                if tag == .table, let v = Double(attribute.value.trimmingSpaces), v >= 0, v.isFinite {
                    add(.borderSpacing, .length(.points(v * 0.75)))
                }
            case "nowrap":
                if tag == .td || tag == .th { add(.whiteSpace, .whiteSpace(.nowrap)) }
            case "type":
                if tag == .ol || tag == .ul || tag == .li, let type = listType(attribute.value) {
                    add(.listStyleType, .listStyleType(type))
                }
            default:
                break
            }
        }
        // Cells take `border` and `cellpadding` from their table.
        if tag == .td || tag == .th, let table = enclosingTable(of: element, in: dom) {
            if let border = dom.attribute("border", of: table), (Double(border.trimmingSpaces.isEmpty ? "1" : border.trimmingSpaces) ?? 0) > 0 {
                for p in PropertyParser.borderWidths { add(p, .length(.points(0.75))) }
                for p in PropertyParser.borderStyles { add(p, .borderStyle(.solid)) }
                for p in PropertyParser.borderColors { add(p, .color(.rgba(Color(red: 0.5, green: 0.5, blue: 0.5)))) }
            }
            if let padding = dom.attribute("cellpadding", of: table), let v = Double(padding.trimmingSpaces), v >= 0, v.isFinite {
                for p in PropertyParser.paddings { add(p, .length(.points(v * 0.75))) }
            }
        }
    }

    /// Whether an element can have hints at all (cheap pre-check).
    static func mayHaveHints(_ element: Int32, in dom: DOMTree) -> Bool {
        guard !dom[element].attributes.isEmpty || dom[element].tag == .td || dom[element].tag == .th else { return false }
        // Only attributes that are hints (or cells, which take hints from their table).
        if dom[element].tag == .td || dom[element].tag == .th { return true }
        for attribute in dom[element].attributes {
            switch attribute.name {
            case "align", "valign", "width", "height", "bgcolor", "text", "color", "face", "size", "border",
                 "cellspacing", "nowrap", "type":
                return true
            default:
                continue
            }
        }
        return false
    }

    private static func enclosingTable(of cell: Int32, in dom: DOMTree) -> Int32? {
        var node = dom[cell].parent
        var steps = 0
        while node >= 0, steps < 3 {
            if dom[node].tag == .table { return node }
            node = dom[node].parent
            steps += 1
        }
        return nil
    }

    private static func textAlign(_ value: String) -> ComputedStyle.TextAlign? {
        switch value.lowercasedASCII {
        case "left": return .left
        case "right": return .right
        case "center", "middle": return .center
        case "justify": return .justify
        default: return nil
        }
    }

    /// HTML dimension values: `120`, `120px`, `50%`.
    static func dimension(_ value: String) -> CSSLength? {
        var number = 0.0
        var seenDigit = false
        var fraction = 0.0
        var inFraction = false
        var percent = false
        for c in value.utf8.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) {
            if c >= 0x30, c <= 0x39 {
                seenDigit = true
                if inFraction {
                    fraction /= 10
                    number += Double(c - 0x30) * fraction
                } else {
                    number = number * 10 + Double(c - 0x30)
                }
            } else if c == 0x2E, !inFraction {
                inFraction = true
                fraction = 1
            } else {
                percent = c == 0x25
                break
            }
        }
        guard seenDigit, number.isFinite else { return nil }
        return percent ? .percent(number) : .points(number * 0.75)
    }

    private static func color(_ value: String) -> CSSColor? {
        let v = value.trimmingSpaces
        let tokens = CSSTokenizer.tokenize(v)
        if tokens.count == 1, let c = CSSValues.color(CSSComponent(token: tokens[0])) { return c }
        // Legacy: hex digits without '#'.
        if v.utf8.count == 6 || v.utf8.count == 3, let c = CSSValues.hexColor(v) { return .rgba(c) }
        return nil
    }

    private static func fontSize(_ value: String) -> Double? {
        let v = value.trimmingSpaces
        guard let first = v.first, v.count < 6 else { return nil }
        var n: Int
        if first == "+" || first == "-" {
            guard let delta = Int(v.dropFirst()) else { return nil }
            n = 3 + (first == "+" ? delta : -delta)
        } else {
            guard let absolute = Int(v) else { return nil }
            n = absolute
        }
        n = min(max(n, 1), 7)
        let sizes: [Double] = [7.5, 10, 12, 13.5, 18, 24, 36]
        return sizes[n - 1]
    }

    private static func listType(_ value: String) -> ComputedStyle.ListStyleType? {
        switch value {
        case "1": return .decimal
        case "a": return .lowerAlpha
        case "A": return .upperAlpha
        case "i": return .lowerRoman
        case "I": return .upperRoman
        default:
            switch value.lowercasedASCII {
            case "disc": return .disc
            case "circle": return .circle
            case "square": return .square
            case "none": return ComputedStyle.ListStyleType.none
            default: return nil
            }
        }
    }
}
