@testable import StyledHTML

/// Compact serialization of a styled tree for assertions: `tag[attr=value](children)` and
/// quoted text.
func outline(_ node: StyledNode, attributes: Bool = false) -> String {
    switch node.kind {
    case .text(let text):
        return "\"" + text + "\""
    case .element(let tag, let attrs):
        var result = tag
        if attributes, !attrs.isEmpty {
            result += "[" + attrs.keys.sorted().map { "\($0)=\(attrs[$0] ?? "")" }.joined(separator: ",") + "]"
        }
        if !node.children.isEmpty {
            result += "(" + node.children.map { outline($0, attributes: attributes) }.joined(separator: ",") + ")"
        }
        return result
    }
}

/// The outline of `<body>`.
func bodyOutline(_ html: String, attributes: Bool = false) -> String {
    let document = StyledDocument(html: html)
    guard let body = document.root.children.first(where: { $0.tag == "body" }) else { return "<no body>" }
    return outline(body, attributes: attributes)
}

extension StyledNode {
    /// First element with the tag, depth-first.
    func first(_ tag: String) -> StyledNode? {
        if self.tag == tag { return self }
        for child in children {
            if let found = child.first(tag) { return found }
        }
        return nil
    }

    /// All elements with the tag, in document order.
    func all(_ tag: String) -> [StyledNode] {
        var result: [StyledNode] = []
        var stack: [StyledNode] = [self]
        while let node = stack.popLast() {
            if node.tag == tag { result.append(node) }
            stack.append(contentsOf: node.children.reversed())
        }
        return result
    }

    /// The element with this `id`.
    func element(id: String) -> StyledNode? {
        var stack: [StyledNode] = [self]
        while let node = stack.popLast() {
            if node.attribute("id") == id { return node }
            stack.append(contentsOf: node.children.reversed())
        }
        return nil
    }

    /// The concatenated text of all descendants.
    var textContent: String {
        if case .text(let t) = kind { return t }
        return children.map(\.textContent).joined()
    }

    /// Maximum element depth below this node (iterative).
    var depth: Int {
        var best = 0
        var stack: [(StyledNode, Int)] = [(self, 1)]
        while let (node, d) = stack.popLast() {
            best = max(best, d)
            for child in node.children { stack.append((child, d + 1)) }
        }
        return best
    }
}

func style(_ html: String, id: String) -> ComputedStyle? {
    StyledDocument(html: html).root.element(id: id)?.style
}
