extension StyleCascade {
    /// Resolves `@page` rules of the author sheets into the page styles.
    func pageStyles() -> PageStyles {
        var plain: [StyleSheet.PageRule] = []
        var first: [StyleSheet.PageRule] = []
        for sheet in sheets.dropFirst() {
            for rule in sheet.pageRules {
                if rule.isFirst { first.append(rule) } else { plain.append(rule) }
            }
        }
        return PageStyles(default: pageStyle(plain), first: pageStyle(plain + first))
    }

    private func pageStyle(_ rules: [StyleSheet.PageRule]) -> PageStyle {
        for rule in rules { resolver.apply(rule.declarations, important: false) }
        for rule in rules { resolver.apply(rule.declarations, important: true) }
        let size = resolver.value(of: .size)
        let marginSet = PropertyParser.margins.map { resolver.value(of: $0) != nil }
        resolver.apply([Declaration(property: .display, value: .display(.block), important: false)], important: false)
        let context = resolver.resolve(parent: rootStyle, rootFontSize: rootFontSize, isRoot: false)

        var page = PageStyle()
        if case .pageSize(let value)? = size {
            var width = value.width ?? page.width
            var height = value.height ?? page.height
            if let landscape = value.landscape, landscape != (width > height), width != height {
                swap(&width, &height)
            }
            page.width = width
            page.height = height
        }
        func margin(_ value: ComputedStyle.Length, _ set: Bool, _ fallback: ComputedStyle.Length) -> ComputedStyle.Length {
            guard set, value != .auto else { return fallback }
            return value
        }
        page.margin = Edges(top: margin(context.margin.top, marginSet[0], page.margin.top),
                            right: margin(context.margin.right, marginSet[1], page.margin.right),
                            bottom: margin(context.margin.bottom, marginSet[2], page.margin.bottom),
                            left: margin(context.margin.left, marginSet[3], page.margin.left))

        for position in MarginBoxPosition.allCases {
            var declarations: [[Declaration]] = []
            for rule in rules {
                for box in rule.marginBoxes where box.position == position { declarations.append(box.declarations) }
            }
            guard !declarations.isEmpty else { continue }
            // Margin box defaults (CSS Paged Media): centred vertically, aligned by position.
            let align: ComputedStyle.TextAlign
            switch position {
            case .topLeft, .bottomLeft: align = .left
            case .topCenter, .bottomCenter: align = .center
            case .topRight, .bottomRight: align = .right
            }
            resolver.set(Declaration(property: .display, value: .display(.block), important: false))
            resolver.set(Declaration(property: .textAlign, value: .textAlign(align), important: false))
            resolver.set(Declaration(property: .verticalAlign, value: .verticalAlign(.middle), important: false))
            for list in declarations { resolver.apply(list, important: false) }
            for list in declarations { resolver.apply(list, important: true) }
            let content = resolver.value(of: .content)
            let style = resolver.resolve(parent: context, rootFontSize: rootFontSize, isRoot: false)
            if case .content(let parts)? = content, !parts.isEmpty {
                page.marginBoxes[position] = MarginBox(content: parts, style: style)
            }
        }
        return page
    }
}
