/// A single-pass tokenizer over the UTF-8 bytes of an HTML document.
///
/// Comments, doctypes and processing instructions are consumed silently. The data of the
/// current token lives in the tokenizer's fields (no per-token enum payloads): `text` for
/// text, `tagName`/`tag`/`attributes`/`selfClosing` for tags.
struct HTMLTokenizer {
    enum TokenKind { case text, startTag, endTag, endOfFile }

    let bytes: [UInt8]
    private(set) var position = 0
    /// Byte offset where the current token starts (for warnings).
    private(set) var tokenStart = 0

    // Current token.
    var text: [UInt8] = []
    var textIsWhitespace = true
    /// The text came from a raw-text element (`<style>`, `<script>`, `<title>`…).
    var textIsRaw = false
    var tagName = ""
    var tag: HTMLTag = .other
    var attributes: [HTMLAttribute] = []
    var selfClosing = false

    /// Whether a `<!DOCTYPE` was seen (documents without one are in quirks mode).
    private(set) var sawDoctype = false

    /// After a raw-text start tag: the element whose end tag ends the raw text.
    private var rawTextEnd: (name: [UInt8], escapable: Bool)?
    /// Skip one newline right after `<pre>`/`<textarea>`/`<listing>`.
    var skipNextNewline = false
    private var scratch: [UInt8] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        text.reserveCapacity(256)
    }

    mutating func next() -> TokenKind {
        let n = bytes.count
        if let raw = rawTextEnd {
            rawTextEnd = nil
            if let kind = readRawText(until: raw.name, escapable: raw.escapable) { return kind }
        }
        while position < n {
            tokenStart = position
            if bytes[position] == UInt8(ascii: "<"), position + 1 < n {
                let c = bytes[position + 1]
                if isASCIILetter(c) {
                    if readStartTag() { return .startTag }
                    continue
                }
                if c == UInt8(ascii: "/") {
                    if position + 2 < n, isASCIILetter(bytes[position + 2]) {
                        if readEndTag() { return .endTag }
                        continue
                    }
                    if position + 2 < n, bytes[position + 2] == UInt8(ascii: ">") {
                        position += 3
                        continue
                    }
                    skipBogusComment(from: position + 2)
                    continue
                }
                if c == UInt8(ascii: "!") {
                    skipMarkupDeclaration()
                    continue
                }
                if c == UInt8(ascii: "?") {
                    skipBogusComment(from: position + 1)
                    continue
                }
            }
            readText()
            if !text.isEmpty { return .text }
        }
        tokenStart = n
        return .endOfFile
    }

    // MARK: Text

    private mutating func readText() {
        text.removeAll(keepingCapacity: true)
        textIsWhitespace = true
        textIsRaw = false
        let n = bytes.count
        var i = position
        if skipNextNewline {
            skipNextNewline = false
            if i < n, bytes[i] == 0x0A { i += 1 }
            else if i < n, bytes[i] == 0x0D { i += 1; if i < n, bytes[i] == 0x0A { i += 1 } }
        }
        var runStart = i
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "<") {
                if i + 1 < n {
                    let d = bytes[i + 1]
                    if isASCIILetter(d) || d == UInt8(ascii: "/") || d == UInt8(ascii: "!") || d == UInt8(ascii: "?") {
                        break
                    }
                }
                textIsWhitespace = false
                i += 1
                continue
            }
            if c == UInt8(ascii: "&") || c == 0x0D || c == 0 {
                if i > runStart { text.append(contentsOf: bytes[runStart..<i]) }
                if c == UInt8(ascii: "&") {
                    textIsWhitespace = false
                    if let after = HTMLEntities.decode(bytes, at: i, inAttribute: false, into: &text) {
                        i = after
                    } else {
                        text.append(c)
                        i += 1
                    }
                } else if c == 0x0D {
                    text.append(0x0A)
                    i += 1
                    if i < n, bytes[i] == 0x0A { i += 1 }
                } else {
                    i += 1 // NUL characters are dropped, as browsers do in text.
                }
                runStart = i
                continue
            }
            if c != 0x20 && c != 0x0A && c != 0x09 && c != 0x0C {
                textIsWhitespace = false
            }
            i += 1
        }
        if i > runStart { text.append(contentsOf: bytes[runStart..<i]) }
        position = i
    }

    /// Reads the content of a raw-text element up to (not including) its end tag.
    private mutating func readRawText(until name: [UInt8], escapable: Bool) -> TokenKind? {
        let n = bytes.count
        let start = position
        var i = position
        var end = n
        while i + 1 < n {
            if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "/"), matchesName(name, at: i + 2) {
                let after = i + 2 + name.count
                if after >= n || isTagNameTerminator(bytes[after]) {
                    end = i
                    break
                }
            }
            i += 1
        }
        position = end
        tokenStart = start
        text.removeAll(keepingCapacity: true)
        textIsRaw = true
        textIsWhitespace = true
        guard end > start else { return nil }
        var j = start
        if skipNextNewline {
            skipNextNewline = false
            if bytes[j] == 0x0A { j += 1 }
        }
        var runStart = j
        while j < end {
            let c = bytes[j]
            if c == 0x0D || c == 0 || (escapable && c == UInt8(ascii: "&")) {
                if j > runStart { text.append(contentsOf: bytes[runStart..<j]) }
                if c == 0x0D {
                    text.append(0x0A)
                    j += 1
                    if j < end, bytes[j] == 0x0A { j += 1 }
                } else if c == 0 {
                    HTMLEntities.appendUTF8(0xFFFD, to: &text)
                    j += 1
                } else if let after = HTMLEntities.decode(bytes, at: j, inAttribute: false, into: &text) {
                    textIsWhitespace = false
                    j = after
                } else {
                    text.append(c)
                    j += 1
                }
                runStart = j
                continue
            }
            if c != 0x20 && c != 0x0A && c != 0x09 && c != 0x0C { textIsWhitespace = false }
            j += 1
        }
        if j > runStart { text.append(contentsOf: bytes[runStart..<j]) }
        return text.isEmpty ? nil : .text
    }

    private func matchesName(_ name: [UInt8], at index: Int) -> Bool {
        guard index + name.count <= bytes.count else { return false }
        for k in 0..<name.count where toLower(bytes[index + k]) != name[k] {
            return false
        }
        return true
    }

    // MARK: Tags

    /// Reads `<name attrs…>` at `position`. Returns false (and consumes the rest of the input)
    /// when the tag is cut off by the end of the input.
    private mutating func readStartTag() -> Bool {
        guard readTag(nameStart: position + 1, keepAttributes: true) else { return false }
        if let kind = tag.rawTextKind {
            rawTextEnd = (Array(tagName.utf8), kind == .escapable)
        }
        if tag == .pre || tag == .textarea || tag == .listing {
            skipNextNewline = true
        }
        return true
    }

    /// Reads `</name …>` at `position` (attributes of end tags are read and dropped).
    private mutating func readEndTag() -> Bool {
        readTag(nameStart: position + 2, keepAttributes: false)
    }

    /// The tag name from `nameStart`, then the attributes up to `>`; false at the end of input.
    private mutating func readTag(nameStart: Int, keepAttributes: Bool) -> Bool {
        let n = bytes.count
        var i = nameStart
        while i < n, !isTagNameTerminator(bytes[i]) { i += 1 }
        tagName = lowercasedString(nameStart, i)
        tag = HTMLTag(name: tagName)
        attributes.removeAll(keepingCapacity: true)
        selfClosing = false
        guard let end = readAttributes(from: i, keep: keepAttributes) else {
            position = n
            return false
        }
        position = end
        return true
    }

    /// Reads attributes up to and including `>`; returns the index after `>`, or nil at EOF.
    private mutating func readAttributes(from start: Int, keep: Bool) -> Int? {
        let n = bytes.count
        var i = start
        while true {
            while i < n, isWhitespace(bytes[i]) || bytes[i] == UInt8(ascii: "/") {
                if bytes[i] == UInt8(ascii: "/"), i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") {
                    selfClosing = true
                    return i + 2
                }
                i += 1
            }
            guard i < n else { return nil }
            if bytes[i] == UInt8(ascii: ">") { return i + 1 }
            // Attribute name (may start with '=').
            let nameStart = i
            i += 1
            while i < n {
                let c = bytes[i]
                if isWhitespace(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: ">") || c == UInt8(ascii: "=") { break }
                i += 1
            }
            let nameEnd = i
            while i < n, isWhitespace(bytes[i]) { i += 1 }
            var value = ""
            if i < n, bytes[i] == UInt8(ascii: "=") {
                i += 1
                while i < n, isWhitespace(bytes[i]) { i += 1 }
                guard i < n else { return nil }
                let q = bytes[i]
                if q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") {
                    i += 1
                    let valueStart = i
                    while i < n, bytes[i] != q { i += 1 }
                    guard i < n else { return nil }
                    if keep { value = attributeValue(valueStart, i) }
                    i += 1
                } else {
                    let valueStart = i
                    while i < n, !isWhitespace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                    if keep { value = attributeValue(valueStart, i) }
                }
            }
            if keep {
                let name = lowercasedString(nameStart, nameEnd)
                if !attributes.contains(where: { $0.name == name }) {
                    attributes.append(HTMLAttribute(name: name, value: value))
                }
            }
        }
    }

    private mutating func attributeValue(_ start: Int, _ end: Int) -> String {
        var needsDecoding = false
        for k in start..<end {
            let c = bytes[k]
            if c == UInt8(ascii: "&") || c == 0x0D || c == 0 { needsDecoding = true; break }
        }
        if !needsDecoding { return String(decoding: bytes[start..<end], as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        var k = start
        while k < end {
            let c = bytes[k]
            if c == UInt8(ascii: "&") {
                // A reference never runs past `end`: the byte there is a quote, space or `>`.
                if let after = HTMLEntities.decode(bytes, at: k, inAttribute: true, into: &scratch) {
                    k = after
                    continue
                }
                scratch.append(c)
            } else if c == 0x0D {
                scratch.append(0x0A)
                if k + 1 < end, bytes[k + 1] == 0x0A { k += 1 }
            } else if c == 0 {
                HTMLEntities.appendUTF8(0xFFFD, to: &scratch)
            } else {
                scratch.append(c)
            }
            k += 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    // MARK: Comments and declarations

    private mutating func skipMarkupDeclaration() {
        let n = bytes.count
        let i = position + 2
        if i + 1 < n, bytes[i] == UInt8(ascii: "-"), bytes[i + 1] == UInt8(ascii: "-") {
            // Comment. `<!-->` and `<!--->` are complete (empty) comments.
            var j = i + 2
            if j < n, bytes[j] == UInt8(ascii: ">") { position = j + 1; return }
            if j + 1 < n, bytes[j] == UInt8(ascii: "-"), bytes[j + 1] == UInt8(ascii: ">") { position = j + 2; return }
            while j + 2 < n {
                if bytes[j] == UInt8(ascii: "-"), bytes[j + 1] == UInt8(ascii: "-") {
                    if bytes[j + 2] == UInt8(ascii: ">") { position = j + 3; return }
                    if bytes[j + 2] == UInt8(ascii: "!"), j + 3 < n, bytes[j + 3] == UInt8(ascii: ">") {
                        position = j + 4
                        return
                    }
                }
                j += 1
            }
            position = n
            return
        }
        if matchesName(Array("doctype".utf8), at: i) { sawDoctype = true }
        skipBogusComment(from: i)
    }

    private mutating func skipBogusComment(from start: Int) {
        var i = start
        let n = bytes.count
        while i < n, bytes[i] != UInt8(ascii: ">") { i += 1 }
        position = min(i + 1, n)
    }

    // MARK: Helpers

    private func lowercasedString(_ start: Int, _ end: Int) -> String {
        var hasUpper = false
        for k in start..<end where bytes[k] >= 0x41 && bytes[k] <= 0x5A {
            hasUpper = true
            break
        }
        if !hasUpper { return String(decoding: bytes[start..<end], as: UTF8.self) }
        return String(decoding: bytes[start..<end].map(toLower), as: UTF8.self)
    }

    @inline(__always) private func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) private func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0C || c == 0x0D }
    @inline(__always) private func isTagNameTerminator(_ c: UInt8) -> Bool { isWhitespace(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: ">") }
    @inline(__always) private func toLower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
}
