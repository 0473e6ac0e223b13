/// The parsed document as an arena of nodes linked by index (no per-node allocations for
/// child lists, cheap re-parenting for the tree builder's repairs).
struct DOMTree: Sendable {
    struct Node: Sendable {
        var isText: Bool
        var tag: HTMLTag
        /// Lower-cased tag name; empty for text.
        var name: String
        var attributes: [HTMLAttribute]
        var text: String
        var textIsWhitespace: Bool
        /// Byte offset in the source where the node started (for line numbers in warnings).
        var position: Int32
        var parent: Int32 = -1
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var previous: Int32 = -1
        var next: Int32 = -1

        // Filled in by `finalize()`.
        var id: String? = nil
        var classes: [String] = []
        /// 1-based position among the parent's element children.
        var elementIndex: Int32 = 0
        /// Number of element children.
        var elementChildCount: Int32 = 0
        var previousElement: Int32 = -1
        var nextElement: Int32 = -1
    }

    private(set) var nodes: [Node] = []
    /// Flat matching data per node (filled by `finalize()`).
    private(set) var info: [ElementInfo] = []
    /// Class atoms referenced by `info`.
    private(set) var classAtoms: [UInt64] = []

    init() {
        nodes.reserveCapacity(256)
    }

    /// Borrowing access: reading one field does not copy the node.
    subscript(index: Int32) -> Node {
        _read { yield nodes[Int(index)] }
    }

    // MARK: Creation

    mutating func makeElement(tag: HTMLTag, name: String, attributes: [HTMLAttribute], position: Int) -> Int32 {
        nodes.append(Node(isText: false, tag: tag, name: name, attributes: attributes, text: "",
                          textIsWhitespace: false, position: Int32(clamping: position)))
        return Int32(nodes.count - 1)
    }

    mutating func makeText(_ text: String, isWhitespace: Bool, position: Int) -> Int32 {
        nodes.append(Node(isText: true, tag: .other, name: "", attributes: [], text: text,
                          textIsWhitespace: isWhitespace, position: Int32(clamping: position)))
        return Int32(nodes.count - 1)
    }

    /// A new element with the same tag and attributes as `original` (for re-opened formatting).
    mutating func clone(_ original: Int32, position: Int) -> Int32 {
        let o = nodes[Int(original)]
        return makeElement(tag: o.tag, name: o.name, attributes: o.attributes, position: position)
    }

    // MARK: Linking

    mutating func append(_ child: Int32, to parent: Int32) {
        insert(child, into: parent, before: -1)
    }

    /// Inserts `child` into `parent` before `reference` (-1: at the end). Detaches it first.
    mutating func insert(_ child: Int32, into parent: Int32, before reference: Int32) {
        detach(child)
        let c = Int(child), p = Int(parent)
        nodes[c].parent = parent
        if reference < 0 {
            let last = nodes[p].lastChild
            nodes[c].previous = last
            nodes[c].next = -1
            if last >= 0 { nodes[Int(last)].next = child } else { nodes[p].firstChild = child }
            nodes[p].lastChild = child
        } else {
            let r = Int(reference)
            let before = nodes[r].previous
            nodes[c].previous = before
            nodes[c].next = reference
            nodes[r].previous = child
            if before >= 0 { nodes[Int(before)].next = child } else { nodes[p].firstChild = child }
        }
    }

    mutating func detach(_ child: Int32) {
        let c = Int(child)
        let parent = nodes[c].parent
        guard parent >= 0 else { return }
        let p = Int(parent)
        let previous = nodes[c].previous, next = nodes[c].next
        if previous >= 0 { nodes[Int(previous)].next = next } else { nodes[p].firstChild = next }
        if next >= 0 { nodes[Int(next)].previous = previous } else { nodes[p].lastChild = previous }
        nodes[c].parent = -1
        nodes[c].previous = -1
        nodes[c].next = -1
    }

    /// Moves every child of `from` to the end of `to`.
    mutating func moveChildren(from: Int32, to: Int32) {
        var child = nodes[Int(from)].firstChild
        while child >= 0 {
            let next = nodes[Int(child)].next
            append(child, to: to)
            child = next
        }
    }

    /// Appends text to `parent`, merging with a text node already at the insertion point.
    mutating func insertText(_ bytes: [UInt8], isWhitespace: Bool, into parent: Int32, before reference: Int32, position: Int) {
        let adjacent = reference < 0 ? nodes[Int(parent)].lastChild : nodes[Int(reference)].previous
        if adjacent >= 0, nodes[Int(adjacent)].isText {
            nodes[Int(adjacent)].text.append(String(decoding: bytes, as: UTF8.self))
            nodes[Int(adjacent)].textIsWhitespace = nodes[Int(adjacent)].textIsWhitespace && isWhitespace
            return
        }
        let node = makeText(String(decoding: bytes, as: UTF8.self), isWhitespace: isWhitespace, position: position)
        insert(node, into: parent, before: reference)
    }

    mutating func addMissingAttributes(_ attributes: [HTMLAttribute], to element: Int32) {
        for attribute in attributes where !nodes[Int(element)].attributes.contains(where: { $0.name == attribute.name }) {
            nodes[Int(element)].attributes.append(attribute)
        }
    }

    // MARK: Queries

    func attribute(_ name: String, of element: Int32) -> String? {
        for attribute in nodes[Int(element)].attributes where attribute.name == name {
            return attribute.value
        }
        return nil
    }

    /// The concatenated text of the direct text children.
    func textContent(of element: Int32) -> String {
        var result = ""
        var child = nodes[Int(element)].firstChild
        while child >= 0 {
            if nodes[Int(child)].isText { result += nodes[Int(child)].text }
            child = nodes[Int(child)].next
        }
        return result
    }

    /// Fills in ids, class lists and sibling positions used by selector matching.
    mutating func finalize() {
        for index in nodes.indices where !nodes[index].isText {
            var id: String?
            var classes: [String] = []
            for attribute in nodes[index].attributes {
                if attribute.name == "id", !attribute.value.isEmpty {
                    id = attribute.value
                } else if attribute.name == "class" {
                    classes = DOMTree.splitClasses(attribute.value)
                }
            }
            nodes[index].id = id
            nodes[index].classes = classes
            var count: Int32 = 0
            var previous: Int32 = -1
            var child = nodes[index].firstChild
            while child >= 0 {
                let c = Int(child)
                if !nodes[c].isText {
                    count += 1
                    nodes[c].elementIndex = count
                    nodes[c].previousElement = previous
                    if previous >= 0 { nodes[Int(previous)].nextElement = child }
                    previous = child
                }
                child = nodes[c].next
            }
            nodes[index].elementChildCount = count
        }
        info = []
        info.reserveCapacity(nodes.count)
        classAtoms = []
        for node in nodes {
            var e = ElementInfo()
            if !node.isText {
                e.name = Atom.of(node.name)
                e.id = node.id.map(Atom.of) ?? 0
                e.classStart = Int32(classAtoms.count)
                e.classCount = Int32(node.classes.count)
                for c in node.classes { classAtoms.append(Atom.of(c)) }
            }
            e.parent = node.parent
            e.previousElement = node.previousElement
            e.nextElement = node.nextElement
            e.elementIndex = node.elementIndex
            e.elementChildCount = node.elementChildCount
            e.hasChildren = node.firstChild >= 0
            info.append(e)
        }
    }

    static func splitClasses(_ value: String) -> [String] {
        var result: [String] = []
        for part in value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0C || $0 == 0x0D }) {
            let name = String(decoding: part, as: UTF8.self)
            if !result.contains(name) { result.append(name) }
        }
        return result
    }
}
