extension HTMLTreeBuilder {
    /// A start tag in the body ("in body", with the table modes folded in).
    mutating func bodyStartTag() {
        let tag = tokenizer.tag
        switch tag {
        case .html:
            warn("stray <html> start tag: attributes merged")
            dom.addMissingAttributes(tokenizer.attributes, to: html)
        case .body:
            warn("second <body> start tag: attributes merged")
            if body >= 0 { dom.addMissingAttributes(tokenizer.attributes, to: body) }
        case .head:
            warn("<head> inside the body ignored")
        case .base, .basefont, .bgsound, .link, .meta, .param, .source, .track:
            insertCurrentTag(open: false)
        case .style, .script, .template, .noframes:
            insertCurrentTag(foster: false)
        case .title, .textarea, .iframe, .noembed, .select:
            if tag == .select { reconstructFormatting() }
            insertCurrentTag()
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl,
             .fieldset, .figcaption, .figure, .footer, .header, .hgroup, .main, .menu, .nav, .ol, .p,
             .search, .section, .summary, .ul, .pre, .listing, .form, .plaintext:
            closeParagraphIfInButtonScope()
            insertCurrentTag()
        case .h1, .h2, .h3, .h4, .h5, .h6:
            closeParagraphIfInButtonScope()
            if currentTag.isHeading {
                warn("<\(tokenizer.tagName)> inside <\(dom[current].name)>: the heading was closed")
                pop()
            }
            insertCurrentTag()
        case .li:
            closeListItem(matching: [.li])
            closeParagraphIfInButtonScope()
            insertCurrentTag()
        case .dd, .dt:
            closeListItem(matching: [.dd, .dt])
            closeParagraphIfInButtonScope()
            insertCurrentTag()
        case .button:
            if inScope(.button) {
                warn("<button> inside <button>: the first was closed")
                generateImpliedEndTags()
                pop(throughTag: .button, warnUnclosed: false)
            }
            reconstructFormatting()
            insertCurrentTag()
        case .a:
            if let open = lastFormattingElement(named: "a") {
                warn("<a> inside <a>: the first link was closed")
                adoptionAgency(name: "a")
                formatting.removeAll { $0 == .element(open) }
                if let index = stack.lastIndex(of: open) { removeFromStack(at: index) }
            }
            reconstructFormatting()
            insertFormattingElement()
        case .b, .big, .code, .em, .font, .i, .s, .small, .strike, .strong, .tt, .u:
            reconstructFormatting()
            insertFormattingElement()
        case .nobr:
            reconstructFormatting()
            if inScope(.nobr) {
                adoptionAgency(name: "nobr")
                reconstructFormatting()
            }
            insertFormattingElement()
        case .applet, .marquee, .object, .noscript:
            reconstructFormatting()
            insertCurrentTag()
        case .table:
            if currentTag.isTableContext, inScope(.table, .table) {
                warn("<table> directly inside a table: the open table was closed")
                pop(throughTag: .table, warnUnclosed: false)
            }
            if !quirksMode { closeParagraphIfInButtonScope() }
            insertCurrentTag()
        case .hr:
            closeParagraphIfInButtonScope()
            insertCurrentTag(open: false)
        case .image:
            warn("<image> treated as <img>")
            reconstructFormatting()
            insertElement(.img, name: "img", attributes: tokenizer.attributes, open: false)
        case .xmp:
            closeParagraphIfInButtonScope()
            reconstructFormatting()
            insertCurrentTag()
        case .optgroup, .option:
            if currentTag == .option { pop() }
            reconstructFormatting()
            insertCurrentTag()
        case .caption, .col, .colgroup, .tbody, .td, .tfoot, .th, .thead, .tr:
            tableStructureStartTag()
        case .frame, .frameset:
            warn("<\(tokenizer.tagName)> ignored")
        default:
            reconstructFormatting()
            insertCurrentTag()
        }
    }

    /// An end tag in the body.
    mutating func bodyEndTag() {
        let tag = tokenizer.tag
        switch tag {
        case .body, .html:
            return
        case .head:
            warnStrayEndTag()
        case .address, .article, .aside, .blockquote, .button, .center, .details, .dialog, .dir, .div,
             .dl, .fieldset, .figcaption, .figure, .footer, .header, .hgroup, .listing, .main, .menu, .nav,
             .ol, .pre, .search, .section, .summary, .ul, .form, .applet, .marquee, .object:
            guard inScope(tag) else {
                warnStrayEndTag()
                return
            }
            generateImpliedEndTags()
            pop(throughTag: tag)
        case .p:
            if !inScope(.p, .button) {
                warn("</p> without an open <p>: an empty paragraph was inserted")
                insertElement(.p, name: "p", attributes: [])
            }
            closeParagraph()
        case .li:
            guard inScope(.li, .listItem) else {
                warnStrayEndTag()
                return
            }
            generateImpliedEndTags(except: .li)
            pop(throughTag: .li)
        case .dd, .dt:
            guard inScope(tag) else {
                warnStrayEndTag()
                return
            }
            generateImpliedEndTags(except: tag)
            pop(throughTag: tag)
        case .h1, .h2, .h3, .h4, .h5, .h6:
            guard inScope(.h1) || inScope(.h2) || inScope(.h3) || inScope(.h4) || inScope(.h5) || inScope(.h6) else {
                warnStrayEndTag()
                return
            }
            generateImpliedEndTags()
            if !currentTag.isHeading || currentTag != tag {
                warn("</\(tokenizer.tagName)> closed <\(dom[current].name)>")
            }
            while stack.count > 1 {
                let wasHeading = currentTag.isHeading
                pop()
                if wasHeading { break }
            }
        case .a, .b, .big, .code, .em, .font, .i, .nobr, .s, .small, .strike, .strong, .tt, .u:
            adoptionAgency(name: tokenizer.tagName)
        case .br:
            warn("</br> treated as <br>")
            reconstructFormatting()
            insertElement(.br, name: "br", attributes: [], open: false)
        case .table, .tbody, .thead, .tfoot, .tr, .caption, .colgroup:
            guard inScope(tag, .table) else {
                warnStrayEndTag()
                return
            }
            pop(throughTag: tag)
        case .td, .th:
            guard inScope(tag, .table) else {
                warnStrayEndTag()
                return
            }
            generateImpliedEndTags()
            pop(throughTag: tag)
        case .col, .frame, .frameset:
            return
        default:
            anyOtherEndTag()
        }
    }

    /// The generic end tag: close the nearest open element with that name, unless a block
    /// boundary comes first.
    mutating func anyOtherEndTag() {
        let name = tokenizer.tagName
        var i = stack.count - 1
        while i > 0 {
            let node = stack[i]
            if dom[node].name == name {
                generateImpliedEndTags()
                if current != node {
                    var unclosed: [String] = []
                    for k in stride(from: stack.count - 1, to: i, by: -1) where !dom[stack[k]].tag.endTagOptional {
                        unclosed.append(dom[stack[k]].name)
                    }
                    if !unclosed.isEmpty {
                        warn("</\(name)> also closed unclosed " + unclosed.reversed().map { "<\($0)>" }.joined(separator: ", "))
                    }
                }
                pop(through: node)
                return
            }
            if dom[node].tag.isSpecial {
                warnStrayEndTag()
                return
            }
            i -= 1
        }
        warnStrayEndTag()
    }

    mutating func closeParagraphIfInButtonScope() {
        if inScope(.p, .button) { closeParagraph() }
    }

    mutating func closeParagraph() {
        generateImpliedEndTags(except: .p)
        while stack.count > 1 {
            let wasParagraph = currentTag == .p
            pop()
            if wasParagraph { break }
        }
    }

    /// A new `<li>` (or `<dd>`/`<dt>`) closes the open one in the same list.
    private mutating func closeListItem(matching tags: [HTMLTag]) {
        var i = stack.count - 1
        while i > 0 {
            let node = stack[i]
            let t = dom[node].tag
            if tags.contains(t) {
                generateImpliedEndTags(except: t)
                pop(through: node)
                return
            }
            if t.isSpecial, t != .address, t != .div, t != .p { return }
            i -= 1
        }
    }
}
