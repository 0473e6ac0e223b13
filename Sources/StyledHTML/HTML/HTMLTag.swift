/// The tags the tree builder treats specially; everything else is `.other` and is told apart
/// by its name.
enum HTMLTag: UInt8, Sendable, CaseIterable {
    case other
    case a, address, applet, area, article, aside, b, base, basefont, bgsound, big, blockquote, body, br
    case button, caption, center, code, col, colgroup, dd, details, dialog, dir, div, dl, dt, em, embed
    case fieldset, figcaption, figure, font, footer, form, frame, frameset, h1, h2, h3, h4, h5, h6
    case head, header, hgroup, hr, html, i, iframe, image, img, input, keygen, li, link, listing, main
    case marquee, menu, meta, nav, nobr, noembed, noframes, noscript, object, ol, optgroup, option, p
    case param, plaintext, pre, rb, rp, rt, rtc, s, script, search, section, select, small, source
    case span, strike, strong, style, summary, table, tbody, td, template, textarea, tfoot, th, thead
    case title, tr, track, tt, u, ul, wbr, xmp

    /// Lower-case tag name to tag.
    static let byName: [String: HTMLTag] = {
        var map: [String: HTMLTag] = [:]
        for tag in HTMLTag.allCases where tag != .other {
            map[String(describing: tag)] = tag
        }
        return map
    }()

    init(name: String) {
        self = HTMLTag.byName[name] ?? .other
    }

    /// Elements that never have content or an end tag.
    var isVoid: Bool {
        switch self {
        case .area, .base, .basefont, .bgsound, .br, .col, .embed, .frame, .hr, .image, .img, .input,
             .keygen, .link, .meta, .param, .source, .track, .wbr:
            return true
        default:
            return false
        }
    }

    /// The HTML "special" category: block-level structure the adoption agency and the
    /// "any other end tag" steps stop at.
    var isSpecial: Bool {
        switch self {
        case .address, .applet, .area, .article, .aside, .base, .basefont, .bgsound, .blockquote, .body,
             .br, .button, .caption, .center, .col, .colgroup, .dd, .details, .dir, .div, .dl, .dt, .embed,
             .fieldset, .figcaption, .figure, .footer, .form, .frame, .frameset, .h1, .h2, .h3, .h4, .h5,
             .h6, .head, .header, .hgroup, .hr, .html, .iframe, .img, .input, .keygen, .li, .link,
             .listing, .main, .marquee, .menu, .meta, .nav, .noembed, .noframes, .noscript, .object, .ol,
             .p, .param, .plaintext, .pre, .script, .search, .section, .select, .source, .style,
             .summary, .table, .tbody, .td, .template, .textarea, .tfoot, .th, .thead, .title, .tr,
             .track, .ul, .wbr, .xmp:
            return true
        default:
            return false
        }
    }

    /// Inline formatting elements that are re-opened after misnesting (the "active formatting
    /// elements" of the HTML standard).
    var isFormatting: Bool {
        switch self {
        case .a, .b, .big, .code, .em, .font, .i, .nobr, .s, .small, .strike, .strong, .tt, .u:
            return true
        default:
            return false
        }
    }

    /// Block starts that implicitly close an open `<p>`.
    var closesParagraph: Bool {
        switch self {
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl,
             .fieldset, .figcaption, .figure, .footer, .header, .hgroup, .main, .menu, .nav, .ol, .p,
             .search, .section, .summary, .ul, .h1, .h2, .h3, .h4, .h5, .h6, .pre, .listing, .form,
             .plaintext, .xmp, .hr, .li, .dd, .dt:
            return true
        default:
            return false
        }
    }

    var isHeading: Bool {
        switch self {
        case .h1, .h2, .h3, .h4, .h5, .h6: return true
        default: return false
        }
    }

    /// Table elements in which stray content is moved in front of the table ("foster parenting").
    var isTableContext: Bool {
        switch self {
        case .table, .tbody, .thead, .tfoot, .tr: return true
        default: return false
        }
    }

    /// Elements closed by "generate implied end tags".
    var hasImpliedEndTag: Bool {
        switch self {
        case .dd, .dt, .li, .optgroup, .option, .p, .rb, .rp, .rt, .rtc: return true
        default: return false
        }
    }

    /// Elements that put a marker on the active formatting list, so formatting does not leak
    /// in or out of them.
    var pushesMarker: Bool {
        switch self {
        case .applet, .caption, .marquee, .object, .td, .th, .template: return true
        default: return false
        }
    }

    /// Elements whose content is raw text (no tags, no entities) or escapable raw text
    /// (no tags, entities decoded).
    var rawTextKind: RawTextKind? {
        switch self {
        case .script, .style, .xmp, .iframe, .noembed, .noframes: return .raw
        case .title, .textarea: return .escapable
        default: return nil
        }
    }

    enum RawTextKind { case raw, escapable }

    /// Elements whose whitespace-only text children are dropped from the styled tree.
    var dropsWhitespaceText: Bool {
        switch self {
        case .table, .thead, .tbody, .tfoot, .tr, .ul, .ol, .html, .head, .colgroup, .select: return true
        default: return false
        }
    }

    /// Elements whose end tag is routinely omitted, so leaving them open at the end of the
    /// document is not worth a warning.
    var endTagOptional: Bool {
        switch self {
        case .html, .head, .body, .p, .li, .dd, .dt, .td, .th, .tr, .tbody, .thead, .tfoot, .option,
             .optgroup, .colgroup, .caption, .rb, .rp, .rt, .rtc:
            return true
        default:
            return false
        }
    }
}
