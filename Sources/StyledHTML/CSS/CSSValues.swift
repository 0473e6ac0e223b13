/// Parsers for the basic value types: lengths, colours, integers, keywords.
enum CSSValues {
    /// Points per unit for the absolute units.
    static func points(_ value: Double, unit: String) -> CSSLength? {
        switch unit {
        case "px": return .points(value * 0.75)
        case "pt": return .points(value)
        case "pc": return .points(value * 12)
        case "in": return .points(value * 72)
        case "cm": return .points(value * 72 / 2.54)
        case "mm": return .points(value * 72 / 25.4)
        case "q": return .points(value * 18 / 25.4)
        case "em": return .em(value)
        case "rem": return .rem(value)
        case "ex", "ch": return .em(value / 2)
        default: return nil
        }
    }

    /// A length or percentage (`auto`/`none` are left to the caller).
    static func length(_ c: CSSComponent, percent: Bool = true, negative: Bool = true) -> CSSLength? {
        let t = c.token
        switch t.kind {
        case .dimension:
            guard negative || t.number >= 0 else { return nil }
            return points(t.number, unit: t.text.lowercasedASCII)
        case .percentage:
            guard percent, negative || t.number >= 0 else { return nil }
            return .percent(t.number)
        case .number:
            return t.number == 0 ? .points(0) : nil
        default:
            return nil
        }
    }

    /// A non-negative integer or any integer.
    static func integer(_ c: CSSComponent) -> Int? {
        guard c.kind == .number, c.token.isInteger, abs(c.token.number) < 1e9 else { return nil }
        return Int(c.token.number)
    }

    // MARK: Colours

    static func color(_ c: CSSComponent) -> CSSColor? {
        switch c.kind {
        case .hash:
            return hexColor(c.token.text).map { .rgba($0) }
        case .ident:
            let name = c.token.text.lowercasedASCII
            if name == "currentcolor" { return .currentColor }
            if name == "transparent" { return .rgba(.transparent) }
            return NamedColors.color(named: name).map { .rgba($0) }
        case .function:
            switch c.token.text.lowercasedASCII {
            case "rgb", "rgba": return rgbFunction(c.arguments).map { .rgba($0) }
            case "hsl", "hsla": return hslFunction(c.arguments).map { .rgba($0) }
            default: return nil
            }
        default:
            return nil
        }
    }

    static func hexColor(_ text: String) -> Color? {
        var digits: [Double] = []
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x41...0x46: v = c - 0x41 + 10
            case 0x61...0x66: v = c - 0x61 + 10
            default: return nil
            }
            digits.append(Double(v))
        }
        switch digits.count {
        case 3, 4:
            return Color(red: digits[0] * 17 / 255, green: digits[1] * 17 / 255, blue: digits[2] * 17 / 255,
                         alpha: digits.count == 4 ? digits[3] * 17 / 255 : 1)
        case 6, 8:
            func pair(_ k: Int) -> Double { (digits[k] * 16 + digits[k + 1]) / 255 }
            return Color(red: pair(0), green: pair(2), blue: pair(4), alpha: digits.count == 8 ? pair(6) : 1)
        default:
            return nil
        }
    }

    /// Splits colour function arguments (comma or space syntax, optional `/ alpha`).
    private static func colorArguments(_ arguments: [CSSComponent]) -> (values: [CSSComponent], alpha: CSSComponent?)? {
        var values: [CSSComponent] = []
        var alpha: CSSComponent?
        var slash = false
        let commas = arguments.contains { $0.kind == .comma }
        for a in arguments {
            if a.kind == .comma { continue }
            if a.isDelim("/") {
                guard !slash, !commas else { return nil }
                slash = true
                continue
            }
            if slash {
                guard alpha == nil else { return nil }
                alpha = a
            } else {
                values.append(a)
            }
        }
        if slash, alpha == nil { return nil }
        if alpha == nil, values.count == 4 { alpha = values.removeLast() }
        return values.count == 3 ? (values, alpha) : nil
    }

    private static func alphaValue(_ c: CSSComponent?) -> Double? {
        guard let c else { return 1 }
        switch c.kind {
        case .number: return min(max(c.token.number, 0), 1)
        case .percentage: return min(max(c.token.number / 100, 0), 1)
        case .ident: return c.keyword == "none" ? 0 : nil
        default: return nil
        }
    }

    private static func rgbFunction(_ arguments: [CSSComponent]) -> Color? {
        guard let (values, alphaComponent) = colorArguments(arguments), let alpha = alphaValue(alphaComponent) else { return nil }
        var channels: [Double] = []
        for v in values {
            switch v.kind {
            case .number: channels.append(min(max(v.token.number / 255, 0), 1))
            case .percentage: channels.append(min(max(v.token.number / 100, 0), 1))
            case .ident where v.keyword == "none": channels.append(0)
            default: return nil
            }
        }
        return Color(red: channels[0], green: channels[1], blue: channels[2], alpha: alpha)
    }

    private static func hslFunction(_ arguments: [CSSComponent]) -> Color? {
        guard let (values, alphaComponent) = colorArguments(arguments), let alpha = alphaValue(alphaComponent) else { return nil }
        var hue: Double
        switch values[0].kind {
        case .number: hue = values[0].token.number
        case .dimension:
            let n = values[0].token.number
            switch values[0].token.text.lowercasedASCII {
            case "deg": hue = n
            case "rad": hue = n * 180 / Double.pi
            case "grad": hue = n * 0.9
            case "turn": hue = n * 360
            default: return nil
            }
        default: return nil
        }
        func fraction(_ c: CSSComponent) -> Double? {
            switch c.kind {
            case .percentage, .number: return min(max(c.token.number / 100, 0), 1)
            default: return nil
            }
        }
        guard let s = fraction(values[1]), let l = fraction(values[2]) else { return nil }
        hue = hue.truncatingRemainder(dividingBy: 360)
        if hue < 0 { hue += 360 }
        func channel(_ n: Double) -> Double {
            let k = (n + hue / 30).truncatingRemainder(dividingBy: 12)
            let a = s * min(l, 1 - l)
            return l - a * max(-1, min(k - 3, 9 - k, 1))
        }
        return Color(red: channel(0), green: channel(8), blue: channel(4), alpha: alpha)
    }
}
