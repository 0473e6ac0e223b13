extension StyledDocument {
    /// Parses an HTML document, runs the cascade (the default style sheet, then the
    /// `<style>` elements in document order, then `style=""` attributes) and builds the
    /// styled tree.
    ///
    /// Never fails: malformed markup is repaired like a browser would and unsupported CSS is
    /// dropped; both are reported in `warnings`.
    public init(html: String) {
        let bytes = Array(html.utf8)
        var builder = HTMLTreeBuilder(bytes: bytes)
        builder.run()
        let dom = builder.dom
        var warnings = builder.warnings
        var lines = builder.lines

        var sheets: [StyleSheet] = [UserAgentStyleSheet.sheet]
        var title: String?
        var meta: [String: String] = [:]
        for index in dom.nodes.indices {
            let node = dom.nodes[index]
            guard !node.isText else { continue }
            let element = Int32(index)
            switch node.tag {
            case .style:
                if let media = dom.attribute("media", of: element), !StyledDocument.mediaIncludesPrint(media) { continue }
                let css = dom.textContent(of: element)
                guard !css.isEmpty else { continue }
                let sheet = StyleSheetCache.sheet(for: css)
                if !sheet.warnings.isEmpty {
                    let firstText = node.firstChild >= 0 ? Int(dom[node.firstChild].position) : Int(node.position)
                    let base = lines.line(at: firstText)
                    for w in sheet.warnings { warnings.add(line: base + w.line - 1, w.message) }
                }
                sheets.append(sheet)
            case .title:
                if title == nil {
                    let text = dom.textContent(of: element)
                    title = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{0C}" })
                        .joined(separator: " ")
                }
            case .meta:
                if let name = dom.attribute("name", of: element), let content = dom.attribute("content", of: element) {
                    let key = name.lowercased()
                    if meta[key] == nil { meta[key] = content }
                }
            case .link:
                if let rel = dom.attribute("rel", of: element), rel.lowercased().contains("stylesheet") {
                    warnings.add(line: lines.line(at: Int(node.position)),
                                 "external style sheet '\(dom.attribute("href", of: element) ?? "")' not loaded")
                }
            default:
                break
            }
        }

        let cascade = StyleCascade(dom: dom, sheets: sheets, warnings: warnings, lines: lines)
        let root = cascade.buildTree()
        let pages = cascade.pageStyles()
        var fontFaces: [FontFace] = []
        for sheet in sheets.dropFirst() { fontFaces.append(contentsOf: sheet.fontFaces) }
        self.init(root: root, title: title, meta: meta, pages: pages, fontFaces: fontFaces,
                  warnings: cascade.warnings.final)
    }

    /// Whether a `media` attribute selects print (`print`, `all`, or a list containing one).
    static func mediaIncludesPrint(_ media: String) -> Bool {
        let queries = media.split(separator: ",")
        if queries.isEmpty { return true }
        for query in queries {
            let words = query.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { $0.lowercased() }
            var k = 0
            var negated = false
            if k < words.count, words[k] == "not" { negated = true; k += 1 }
            else if k < words.count, words[k] == "only" { k += 1 }
            let type = k < words.count && !words[k].hasPrefix("(") ? words[k] : "all"
            if (type == "print" || type == "all") != negated { return true }
        }
        return false
    }
}
