extension HTMLTreeBuilder {
    /// `caption`, `colgroup`, `col`, `tbody`/`thead`/`tfoot`, `tr`, `td`/`th` start tags: close
    /// what they implicitly end and insert the implied `tbody`/`tr`.
    mutating func tableStructureStartTag() {
        let tag = tokenizer.tag
        guard inScope(.table, .table) else {
            warn("<\(tokenizer.tagName)> outside a table ignored")
            return
        }
        switch tag {
        case .caption, .colgroup, .tbody, .thead, .tfoot:
            clearStack { $0 == .table }
            insertCurrentTag(foster: false)
        case .col:
            clearStack { $0 == .colgroup }
            insertCurrentTag(foster: false, open: false)
        case .tr:
            clearStack { $0 == .tbody || $0 == .thead || $0 == .tfoot }
            if currentTag == .table {
                insertElement(.tbody, name: "tbody", attributes: [], foster: false)
            }
            insertCurrentTag(foster: false)
        case .td, .th:
            clearStack { $0 == .tr || $0 == .tbody || $0 == .thead || $0 == .tfoot }
            if currentTag == .table {
                insertElement(.tbody, name: "tbody", attributes: [], foster: false)
            }
            if currentTag != .tr {
                warn("<\(tokenizer.tagName)> outside a row: a row was opened")
                insertElement(.tr, name: "tr", attributes: [], foster: false)
            }
            insertCurrentTag(foster: false)
        default:
            break
        }
    }

    /// Pops until the current node is one `stop` accepts (the innermost table bounds the search).
    private mutating func clearStack(until stop: (HTMLTag) -> Bool) {
        while stack.count > 1 {
            let t = currentTag
            if stop(t) || t == .table || t == .html || t == .template { return }
            pop()
        }
    }
}
