extension HTMLTreeBuilder {
    /// Inserts the current (formatting) start tag and records it as an active formatting
    /// element, keeping at most three identical entries ("Noah's Ark").
    mutating func insertFormattingElement() {
        let (node, pushed) = insertCurrentTag()
        guard pushed else { return }
        var count = 0
        var earliest = -1
        var k = formatting.count - 1
        while k >= 0 {
            guard case .element(let e) = formatting[k] else { break }
            if dom[e].name == dom[node].name, dom[e].attributes == dom[node].attributes {
                count += 1
                earliest = k
            }
            k -= 1
        }
        if count >= 3, earliest >= 0 { formatting.remove(at: earliest) }
        formatting.append(.element(node))
    }

    mutating func clearFormattingToLastMarker() {
        while let last = formatting.popLast() {
            if last == .marker { return }
        }
    }

    /// The last active formatting element with that name after the last marker.
    func lastFormattingElement(named name: String) -> Int32? {
        var k = formatting.count - 1
        while k >= 0 {
            guard case .element(let e) = formatting[k] else { return nil }
            if dom[e].name == name { return e }
            k -= 1
        }
        return nil
    }

    /// Re-opens formatting elements that were closed implicitly, so that
    /// `<p><b>x<p>y` makes `y` bold too, like browsers do.
    mutating func reconstructFormatting() {
        guard case .element(let last)? = formatting.last, !isOnStack(last) else { return }
        guard stack.count < HTMLTreeBuilder.maximumDepth else { return }
        var i = formatting.count - 1
        while i > 0, case .element(let e) = formatting[i - 1], !isOnStack(e) { i -= 1 }
        for k in i..<formatting.count {
            guard case .element(let old) = formatting[k] else { continue }
            let o = dom[old]
            let (node, pushed) = insertElement(o.tag, name: o.name, attributes: o.attributes)
            guard pushed else {
                dom.detach(node)
                return
            }
            formatting[k] = .element(node)
        }
    }

    /// The adoption agency algorithm of the HTML standard: repairs `<b><i>x</b>y</i>` into
    /// `<b><i>x</i></b><i>y</i>` and `<b>1<p>2</b>3</p>` into `<b>1</b><p><b>2</b>3</p>`.
    mutating func adoptionAgency(name: String) {
        if dom[current].name == name, !formatting.contains(.element(current)) {
            pop()
            return
        }
        var warned = false
        for _ in 0..<8 {
            guard let formattingElement = lastFormattingElement(named: name) else {
                anyOtherEndTag()
                return
            }
            guard let elementIndex = stack.lastIndex(of: formattingElement) else {
                warn("</\(name)> closes an element that was already closed")
                formatting.removeAll { $0 == .element(formattingElement) }
                return
            }
            guard inScope(element: formattingElement) else {
                warnStrayEndTag()
                return
            }
            if formattingElement != current, !warned {
                warned = true
                warn("misnested </\(name)> repaired")
            }
            var furthestBlockIndex: Int?
            for k in (elementIndex + 1)..<stack.count where dom[stack[k]].tag.isSpecial {
                furthestBlockIndex = k
                break
            }
            guard let furthestIndex = furthestBlockIndex else {
                while stack.count > elementIndex, stack.count > 1 { pop() }
                formatting.removeAll { $0 == .element(formattingElement) }
                return
            }
            let furthestBlock = stack[furthestIndex]
            let commonAncestor = stack[elementIndex - 1]
            guard var bookmark = formatting.firstIndex(of: .element(formattingElement)) else { return }
            var lastNode = furthestBlock
            var nodeIndex = furthestIndex
            var inner = 0
            while true {
                inner += 1
                nodeIndex -= 1
                guard nodeIndex >= 0 else { break }
                let node = stack[nodeIndex]
                if node == formattingElement { break }
                var entry = formatting.firstIndex(of: .element(node))
                if inner > 3, let position = entry {
                    formatting.remove(at: position)
                    if position < bookmark { bookmark -= 1 }
                    entry = nil
                }
                guard let position = entry else {
                    removeFromStack(at: nodeIndex)
                    continue
                }
                let replacement = dom.clone(node, position: tokenizer.tokenStart)
                formatting[position] = .element(replacement)
                setOnStack(node, false)
                stack[nodeIndex] = replacement
                setOnStack(replacement, true)
                if lastNode == furthestBlock { bookmark = position + 1 }
                dom.append(lastNode, to: replacement)
                lastNode = replacement
            }
            let place = appropriatePlace(target: commonAncestor, foster: true)
            dom.insert(lastNode, into: place.parent, before: place.before)
            let newElement = dom.clone(formattingElement, position: tokenizer.tokenStart)
            dom.moveChildren(from: furthestBlock, to: newElement)
            dom.append(newElement, to: furthestBlock)
            if let old = formatting.firstIndex(of: .element(formattingElement)) {
                formatting.remove(at: old)
                if old < bookmark { bookmark -= 1 }
            }
            formatting.insert(.element(newElement), at: max(0, min(bookmark, formatting.count)))
            if let old = stack.firstIndex(of: formattingElement) { removeFromStack(at: old) }
            if let blockIndex = stack.firstIndex(of: furthestBlock) {
                stack.insert(newElement, at: blockIndex + 1)
                setOnStack(newElement, true)
            }
        }
    }
}
