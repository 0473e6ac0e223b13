/// Builds a `DOMTree` from HTML the way browsers do, for the subset of the HTML tree
/// construction algorithm that matters to documents: implied `html`/`head`/`body`, implicit
/// closing of paragraphs, list items, cells and rows, implied `tbody`, foster parenting of
/// stray table content, the adoption agency for misnested formatting, and a depth cap so that
/// pathological nesting cannot exhaust the stack of later recursive passes.
struct HTMLTreeBuilder {
    /// Elements deeper than this are attached to the deepest open element instead of nesting.
    static let maximumDepth = 512

    enum Mode { case beforeHead, inHead, afterHead, inBody }
    enum FormattingEntry: Equatable { case marker, element(Int32) }
    enum Scope { case normal, listItem, button, table }

    var tokenizer: HTMLTokenizer
    var dom = DOMTree()
    var lines: LineCounter
    var warnings = WarningLog()
    var stack: [Int32] = []
    /// `onStack[node]`: whether the node is currently an open element.
    var onStack: [Bool] = []
    /// Open elements per tag, so scope checks for tags that are not open cost nothing.
    var openCount = [Int](repeating: 0, count: HTMLTag.allCases.count)
    var formatting: [FormattingEntry] = []
    var mode: Mode = .beforeHead
    var html: Int32 = 0
    var head: Int32 = -1
    var body: Int32 = -1
    private var depthWarned = false

    init(bytes: [UInt8]) {
        tokenizer = HTMLTokenizer(bytes: bytes)
        lines = LineCounter(bytes: bytes)
        html = dom.makeElement(tag: .html, name: "html", attributes: [], position: 0)
        push(html)
    }

    /// Parses the whole input.
    mutating func run() {
        while true {
            switch tokenizer.next() {
            case .endOfFile:
                finish()
                dom.finalize()
                return
            case .text:
                processText()
            case .startTag:
                processStartTag()
            case .endTag:
                processEndTag()
            }
        }
    }

    var quirksMode: Bool { !tokenizer.sawDoctype }

    // MARK: Stack

    var current: Int32 { stack[stack.count - 1] }
    var currentTag: HTMLTag { dom[current].tag }

    mutating func push(_ node: Int32) {
        stack.append(node)
        setOnStack(node, true)
    }

    mutating func setOnStack(_ node: Int32, _ value: Bool) {
        let index = Int(node)
        if index >= onStack.count {
            onStack.append(contentsOf: repeatElement(false, count: index - onStack.count + 1 + 64))
        }
        guard onStack[index] != value else { return }
        onStack[index] = value
        openCount[Int(dom[node].tag.rawValue)] += value ? 1 : -1
    }

    func isOnStack(_ node: Int32) -> Bool {
        Int(node) < onStack.count && onStack[Int(node)]
    }

    /// Pops the current node (never the root). Leaving a cell, caption or object clears the
    /// formatting elements opened inside it.
    mutating func pop() {
        guard stack.count > 1 else { return }
        let node = stack.removeLast()
        setOnStack(node, false)
        if dom[node].tag.pushesMarker { clearFormattingToLastMarker() }
    }

    mutating func removeFromStack(at index: Int) {
        setOnStack(stack[index], false)
        stack.remove(at: index)
    }

    /// Pops until `node` has been popped.
    mutating func pop(through node: Int32) {
        guard isOnStack(node), node != html else { return }
        while stack.count > 1 {
            let top = current
            pop()
            if top == node { return }
        }
    }

    /// Pops until an element with `tag` has been popped, warning about elements that needed
    /// an end tag of their own.
    mutating func pop(throughTag tag: HTMLTag, warnUnclosed: Bool = true) {
        var unclosed: [String] = []
        while stack.count > 1 {
            let top = current
            let topTag = dom[top].tag
            pop()
            if topTag == tag { break }
            if warnUnclosed, !topTag.endTagOptional { unclosed.append(dom[top].name) }
        }
        if !unclosed.isEmpty {
            warn("</\(tokenizer.tagName)> also closed unclosed " + unclosed.reversed().map { "<\($0)>" }.joined(separator: ", "))
        }
    }

    mutating func generateImpliedEndTags(except: HTMLTag? = nil) {
        while stack.count > 1 {
            let tag = currentTag
            guard tag.hasImpliedEndTag, tag != except else { return }
            pop()
        }
    }

    func inScope(_ tag: HTMLTag, _ scope: Scope = .normal) -> Bool {
        if openCount[Int(tag.rawValue)] == 0 { return false }
        var i = stack.count - 1
        while i >= 0 {
            let t = dom[stack[i]].tag
            if t == tag { return true }
            if isScopeBoundary(t, scope) { return false }
            i -= 1
        }
        return false
    }

    func inScope(element: Int32) -> Bool {
        var i = stack.count - 1
        while i >= 0 {
            if stack[i] == element { return true }
            if isScopeBoundary(dom[stack[i]].tag, .normal) { return false }
            i -= 1
        }
        return false
    }

    private func isScopeBoundary(_ tag: HTMLTag, _ scope: Scope) -> Bool {
        switch tag {
        case .html, .table, .template: return true
        case .applet, .caption, .td, .th, .marquee, .object: return scope != .table
        case .ol, .ul: return scope == .listItem
        case .button: return scope == .button
        default: return false
        }
    }

    // MARK: Insertion

    /// Where a node goes when inserted relative to `target`: inside it, or, for stray content
    /// in table structure, just before the table ("foster parenting").
    func appropriatePlace(target: Int32, foster: Bool) -> (parent: Int32, before: Int32) {
        guard foster, dom[target].tag.isTableContext else { return (target, -1) }
        var i = stack.count - 1
        while i >= 0 {
            let node = stack[i]
            if dom[node].tag == .table {
                let parent = dom[node].parent
                if parent >= 0 { return (parent, node) }
                return (i > 0 ? stack[i - 1] : html, -1)
            }
            i -= 1
        }
        return (target, -1)
    }

    /// Creates an element and inserts it at the appropriate place. Returns the node and whether
    /// it became the current node (false for void elements and beyond the depth cap).
    @discardableResult
    mutating func insertElement(_ tag: HTMLTag, name: String, attributes: [HTMLAttribute],
                                foster: Bool = true, open: Bool = true) -> (node: Int32, pushed: Bool) {
        let node = dom.makeElement(tag: tag, name: name, attributes: attributes, position: tokenizer.tokenStart)
        let place = appropriatePlace(target: current, foster: foster)
        dom.insert(node, into: place.parent, before: place.before)
        guard open, !tag.isVoid else { return (node, false) }
        if stack.count >= HTMLTreeBuilder.maximumDepth {
            if !depthWarned {
                depthWarned = true
                warn("elements nested deeper than \(HTMLTreeBuilder.maximumDepth) levels were flattened")
            }
            return (node, false)
        }
        push(node)
        if tag.pushesMarker { formatting.append(.marker) }
        return (node, true)
    }

    /// Inserts the current start tag token.
    @discardableResult
    mutating func insertCurrentTag(foster: Bool = true, open: Bool = true) -> (node: Int32, pushed: Bool) {
        insertElement(tokenizer.tag, name: tokenizer.tagName, attributes: tokenizer.attributes, foster: foster, open: open)
    }

    mutating func insertText(foster: Bool) {
        let place = appropriatePlace(target: current, foster: foster)
        dom.insertText(tokenizer.text, isWhitespace: tokenizer.textIsWhitespace, into: place.parent,
                       before: place.before, position: tokenizer.tokenStart)
    }

    // MARK: Warnings

    mutating func warn(_ message: String) {
        warnings.add(line: lines.line(at: tokenizer.tokenStart), message)
    }

    mutating func warnStrayEndTag() {
        warn("stray end tag </\(tokenizer.tagName)> ignored")
    }

    // MARK: Document structure

    mutating func ensureHead() {
        if head < 0 {
            head = insertElement(.head, name: "head", attributes: [], foster: false).node
        }
    }

    /// Leaves the head (if open) and opens an implied body.
    mutating func openImpliedBody() {
        ensureHead()
        if isOnStack(head) { pop(through: head) }
        body = insertElement(.body, name: "body", attributes: [], foster: false).node
        mode = .inBody
    }

    private mutating func finish() {
        switch mode {
        case .beforeHead, .inHead, .afterHead:
            openImpliedBody()
        case .inBody:
            break
        }
        var unclosed: [String] = []
        for node in stack.dropFirst() where !dom[node].tag.endTagOptional {
            unclosed.append(dom[node].name)
        }
        if !unclosed.isEmpty {
            let shown = unclosed.prefix(8).map { "<\($0)>" }.joined(separator: ", ")
            let more = unclosed.count > 8 ? " and \(unclosed.count - 8) more" : ""
            warn("end of document closed unclosed \(shown)\(more)")
        }
    }

    // MARK: Tokens

    private mutating func processText() {
        if tokenizer.textIsRaw {
            insertText(foster: false)
            return
        }
        if mode != .inBody {
            if tokenizer.textIsWhitespace { return }
            // Leading whitespace belongs to the head; the rest starts the body.
            var k = 0
            let text = tokenizer.text
            while k < text.count, text[k] == 0x20 || text[k] == 0x0A || text[k] == 0x09 || text[k] == 0x0C { k += 1 }
            tokenizer.text.removeFirst(k)
            openImpliedBody()
        }
        if currentTag.isTableContext {
            if tokenizer.textIsWhitespace {
                insertText(foster: false)
                return
            }
            warn("text directly inside <\(dom[current].name)> moved before the table")
        }
        reconstructFormatting()
        insertText(foster: true)
    }

    private mutating func processStartTag() {
        let tag = tokenizer.tag
        while true {
            switch mode {
            case .beforeHead:
                if tag == .html {
                    dom.addMissingAttributes(tokenizer.attributes, to: html)
                    return
                }
                if tag == .head {
                    head = insertCurrentTag(foster: false).node
                    mode = .inHead
                    return
                }
                ensureHead()
                mode = .inHead
                continue
            case .inHead:
                switch tag {
                case .html:
                    dom.addMissingAttributes(tokenizer.attributes, to: html)
                case .base, .basefont, .bgsound, .link, .meta:
                    insertCurrentTag(foster: false, open: false)
                case .title, .style, .script, .noscript, .noframes, .template:
                    insertCurrentTag(foster: false)
                case .head:
                    warn("second <head> ignored")
                default:
                    if isOnStack(head) { pop(through: head) }
                    mode = .afterHead
                    continue
                }
                return
            case .afterHead:
                switch tag {
                case .html:
                    dom.addMissingAttributes(tokenizer.attributes, to: html)
                case .body:
                    body = insertCurrentTag(foster: false).node
                    mode = .inBody
                case .base, .basefont, .bgsound, .link, .meta, .title, .style, .script, .noframes, .template:
                    // Head content after </head> still belongs to the head.
                    let node = dom.makeElement(tag: tag, name: tokenizer.tagName, attributes: tokenizer.attributes,
                                               position: tokenizer.tokenStart)
                    dom.append(node, to: head)
                    if !tag.isVoid { push(node) }
                case .head:
                    warn("second <head> ignored")
                default:
                    openImpliedBody()
                    continue
                }
                return
            case .inBody:
                bodyStartTag()
                return
            }
        }
    }

    private mutating func processEndTag() {
        let tag = tokenizer.tag
        while true {
            switch mode {
            case .beforeHead:
                guard tag == .head || tag == .body || tag == .html || tag == .br else {
                    warnStrayEndTag()
                    return
                }
                ensureHead()
                mode = .inHead
                continue
            case .inHead:
                if tag == .head {
                    pop(through: head)
                    mode = .afterHead
                    return
                }
                if current != head, current != html, dom[current].name == tokenizer.tagName {
                    pop()
                    return
                }
                guard tag == .body || tag == .html || tag == .br else {
                    warnStrayEndTag()
                    return
                }
                if isOnStack(head) { pop(through: head) }
                mode = .afterHead
                continue
            case .afterHead:
                if current != html, dom[current].name == tokenizer.tagName {
                    pop()
                    return
                }
                guard tag == .body || tag == .html || tag == .br else {
                    if tag != .head { warnStrayEndTag() }
                    return
                }
                openImpliedBody()
                continue
            case .inBody:
                bodyEndTag()
                return
            }
        }
    }
}
