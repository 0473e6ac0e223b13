/// Named and numeric character references.
enum HTMLEntities {
    /// The Latin-1 entities U+00A0…U+00FF, in code point order. These may also appear without
    /// the closing semicolon (legacy HTML).
    private static let latin1Names: [String] = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
        "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para",
        "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave",
        "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc",
        "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc",
        "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
        "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
        "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve",
        "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml",
        "yacute", "thorn", "yuml",
    ]

    /// The rest of the HTML 4 set plus a few common HTML 5 additions.
    private static let otherEntities: [(String, UInt32)] = [
        ("quot", 34), ("amp", 38), ("apos", 39), ("lt", 60), ("gt", 62),
        ("OElig", 338), ("oelig", 339), ("Scaron", 352), ("scaron", 353), ("Yuml", 376), ("fnof", 402),
        ("circ", 710), ("tilde", 732),
        ("Alpha", 913), ("Beta", 914), ("Gamma", 915), ("Delta", 916), ("Epsilon", 917), ("Zeta", 918),
        ("Eta", 919), ("Theta", 920), ("Iota", 921), ("Kappa", 922), ("Lambda", 923), ("Mu", 924),
        ("Nu", 925), ("Xi", 926), ("Omicron", 927), ("Pi", 928), ("Rho", 929), ("Sigma", 931),
        ("Tau", 932), ("Upsilon", 933), ("Phi", 934), ("Chi", 935), ("Psi", 936), ("Omega", 937),
        ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948), ("epsilon", 949), ("zeta", 950),
        ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955), ("mu", 956),
        ("nu", 957), ("xi", 958), ("omicron", 959), ("pi", 960), ("rho", 961), ("sigmaf", 962),
        ("sigma", 963), ("tau", 964), ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968),
        ("omega", 969), ("thetasym", 977), ("upsih", 978), ("piv", 982),
        ("ensp", 8194), ("emsp", 8195), ("thinsp", 8201), ("zwnj", 8204), ("zwj", 8205), ("lrm", 8206),
        ("rlm", 8207), ("hyphen", 8208), ("dash", 8208), ("ndash", 8211), ("mdash", 8212),
        ("lsquo", 8216), ("rsquo", 8217), ("sbquo", 8218), ("ldquo", 8220), ("rdquo", 8221),
        ("bdquo", 8222), ("dagger", 8224), ("Dagger", 8225), ("bull", 8226), ("hellip", 8230),
        ("permil", 8240), ("prime", 8242), ("Prime", 8243), ("lsaquo", 8249), ("rsaquo", 8250),
        ("oline", 8254), ("frasl", 8260), ("euro", 8364), ("image", 8465), ("weierp", 8472),
        ("numero", 8470), ("real", 8476), ("trade", 8482), ("alefsym", 8501), ("larr", 8592),
        ("uarr", 8593), ("rarr", 8594), ("darr", 8595), ("harr", 8596), ("crarr", 8629), ("lArr", 8656),
        ("uArr", 8657), ("rArr", 8658), ("dArr", 8659), ("hArr", 8660), ("forall", 8704), ("part", 8706),
        ("exist", 8707), ("empty", 8709), ("nabla", 8711), ("isin", 8712), ("notin", 8713), ("ni", 8715),
        ("prod", 8719), ("sum", 8721), ("minus", 8722), ("lowast", 8727), ("radic", 8730), ("prop", 8733),
        ("infin", 8734), ("ang", 8736), ("and", 8743), ("or", 8744), ("cap", 8745), ("cup", 8746),
        ("int", 8747), ("there4", 8756), ("sim", 8764), ("cong", 8773), ("asymp", 8776), ("ne", 8800),
        ("equiv", 8801), ("le", 8804), ("ge", 8805), ("sub", 8834), ("sup", 8835), ("nsub", 8836),
        ("sube", 8838), ("supe", 8839), ("oplus", 8853), ("otimes", 8855), ("perp", 8869), ("sdot", 8901),
        ("lceil", 8968), ("rceil", 8969), ("lfloor", 8970), ("rfloor", 8971), ("lang", 10216),
        ("rang", 10217), ("loz", 9674), ("spades", 9824), ("clubs", 9827), ("hearts", 9829),
        ("diams", 9830), ("check", 10003), ("cross", 10007), ("starf", 9733), ("star", 9734),
        ("phone", 9742), ("female", 9792), ("male", 9794), ("Tab", 9), ("NewLine", 10),
        ("half", 189), ("centerdot", 183), ("nbsp", 160),
    ]

    /// Name (case-sensitive, without `&` and `;`) to code point.
    static let table: [String: UInt32] = {
        var map: [String: UInt32] = [:]
        map.reserveCapacity(latin1Names.count + otherEntities.count)
        for (offset, name) in latin1Names.enumerated() {
            map[name] = UInt32(160 + offset)
        }
        for (name, value) in otherEntities {
            map[name] = value
        }
        return map
    }()

    /// Names that browsers also decode without the closing semicolon.
    static let legacy: [String: UInt32] = {
        var map: [String: UInt32] = ["amp": 38, "lt": 60, "gt": 62, "quot": 34]
        for (offset, name) in latin1Names.enumerated() {
            map[name] = UInt32(160 + offset)
        }
        return map
    }()

    /// The longest legacy name, in bytes.
    static let longestLegacyName = 6

    /// What `&#128;`…`&#159;` mean: browsers read them as Windows-1252.
    static func windows1252(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x80: return 0x20AC
        case 0x82: return 0x201A
        case 0x83: return 0x0192
        case 0x84: return 0x201E
        case 0x85: return 0x2026
        case 0x86: return 0x2020
        case 0x87: return 0x2021
        case 0x88: return 0x02C6
        case 0x89: return 0x2030
        case 0x8A: return 0x0160
        case 0x8B: return 0x2039
        case 0x8C: return 0x0152
        case 0x8E: return 0x017D
        case 0x91: return 0x2018
        case 0x92: return 0x2019
        case 0x93: return 0x201C
        case 0x94: return 0x201D
        case 0x95: return 0x2022
        case 0x96: return 0x2013
        case 0x97: return 0x2014
        case 0x98: return 0x02DC
        case 0x99: return 0x2122
        case 0x9A: return 0x0161
        case 0x9B: return 0x203A
        case 0x9C: return 0x0153
        case 0x9E: return 0x017E
        case 0x9F: return 0x0178
        default: return value
        }
    }

    /// Appends the UTF-8 encoding of `value` (replacement character for surrogates and
    /// out-of-range values).
    static func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
        var v = value
        if v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { v = 0xFFFD }
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Decodes the character reference starting at `bytes[start]` (which is `&`).
    /// Appends the decoded text to `out` and returns the index after the reference, or nil
    /// when this `&` is not a reference (the caller then keeps it literally).
    static func decode(_ bytes: [UInt8], at start: Int, inAttribute: Bool, into out: inout [UInt8]) -> Int? {
        let n = bytes.count
        var i = start + 1
        guard i < n else { return nil }
        if bytes[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < n, bytes[i] | 0x20 == UInt8(ascii: "x") {
                hex = true
                i += 1
            }
            let digitsStart = i
            var value: UInt32 = 0
            while i < n {
                let c = bytes[i]
                let digit: UInt32
                if c >= 0x30 && c <= 0x39 {
                    digit = UInt32(c - 0x30)
                } else if hex, (c | 0x20) >= 0x61, (c | 0x20) <= 0x66 {
                    digit = UInt32((c | 0x20) - 0x61 + 10)
                } else {
                    break
                }
                // Saturate rather than overflow: anything above U+10FFFF is invalid anyway.
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit
                i += 1
            }
            guard i > digitsStart else { return nil }
            if i < n, bytes[i] == UInt8(ascii: ";") { i += 1 }
            if value == 0 || value > 0x10FFFF {
                value = 0xFFFD
            } else if value >= 0x80 && value <= 0x9F {
                value = windows1252(value)
            }
            appendUTF8(value, to: &out)
            return i
        }
        // Named reference: an alphanumeric run.
        let nameStart = i
        while i < n, i - nameStart < 32, isAlphanumeric(bytes[i]) { i += 1 }
        let nameEnd = i
        guard nameEnd > nameStart else { return nil }
        if nameEnd < n, bytes[nameEnd] == UInt8(ascii: ";") {
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            if let value = table[name] {
                appendUTF8(value, to: &out)
                return nameEnd + 1
            }
        }
        // Legacy names without a semicolon: the longest prefix that is one.
        var length = min(nameEnd - nameStart, longestLegacyName)
        while length >= 2 {
            let name = String(decoding: bytes[nameStart..<(nameStart + length)], as: UTF8.self)
            if let value = legacy[name] {
                let after = nameStart + length
                let terminated = after < n && bytes[after] == UInt8(ascii: ";")
                if !terminated, inAttribute, after < n,
                   isAlphanumeric(bytes[after]) || bytes[after] == UInt8(ascii: "=") {
                    return nil
                }
                appendUTF8(value, to: &out)
                return terminated ? after + 1 : after
            }
            length -= 1
        }
        return nil
    }

    @inline(__always)
    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
    }
}
