/// Finds the merge fields a Mustache template reads, with the line of each tag.
///
/// It reads the tags the catalog cares about: variables `{{X}}`, `{{{X}}}`, `{{&X}}` and
/// section openings `{{#X}}`, `{{^X}}`. Comments `{{! }}`, closings, partials `{{> }}`,
/// blocks, pragmas `{{% }}` are skipped; a delimiter change `{{=<% %>=}}` is followed. Dotted
/// names count by their first part, transforms (`{{uppercased(X)}}`) by their argument, and the
/// implicit iterator `{{.}}` not at all. Syntax errors are left to the Mustache parser.
enum MergeFieldScanner {
    /// A merge field used by a template, and the line (1-based) of the tag using it.
    struct Use: Hashable {
        var field: String
        var line: Int
    }

    /// Every field use, in order of appearance.
    static func uses(in text: String) -> [Use] {
        let chars = Array(text.unicodeScalars)
        var start: [Unicode.Scalar] = Array("{{".unicodeScalars)
        var end: [Unicode.Scalar] = Array("}}".unicodeScalars)
        var out: [Use] = []
        var line = 1
        var i = 0

        func matches(_ pattern: [Unicode.Scalar], at position: Int) -> Bool {
            guard position + pattern.count <= chars.count else { return false }
            for k in 0..<pattern.count where chars[position + k] != pattern[k] { return false }
            return true
        }
        func find(_ pattern: [Unicode.Scalar], from position: Int) -> Int? {
            var p = position
            while p + pattern.count <= chars.count {
                if matches(pattern, at: p) { return p }
                p += 1
            }
            return nil
        }
        func newlines(_ range: Range<Int>) -> Int {
            chars[range].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        }

        while let open = find(start, from: i) {
            line += newlines(i..<open)
            let tagLine = line
            var contentStart = open + start.count
            var closing = end
            // `{{{X}}}` is only a triple mustache with the default delimiters.
            let isTriple = start == Array("{{".unicodeScalars) && contentStart < chars.count && chars[contentStart] == "{"
            if isTriple {
                contentStart += 1
                closing = Array("}}}".unicodeScalars)
            }
            guard let close = find(closing, from: contentStart) else { break }
            let content = String(String.UnicodeScalarView(chars[contentStart..<close]))
            line += newlines(open..<close)
            i = close + closing.count

            if isTriple {
                if let name = fieldName(content) { out.append(Use(field: name, line: tagLine)) }
                continue
            }
            let trimmed = content.drop { $0 == " " || $0 == "\t" }
            guard let sigil = trimmed.first else { continue }
            switch sigil {
            case "#", "^", "&":
                if let name = fieldName(String(trimmed.dropFirst())) { out.append(Use(field: name, line: tagLine)) }
            case "!", "/", ">", "<", "$", "%":
                continue
            case "=":
                // `{{=<% %>=}}`: the new delimiters, separated by white space.
                var inner = trimmed.dropFirst()
                if inner.last == "=" { inner = inner.dropLast() }
                let parts = inner.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if parts.count == 2 {
                    start = Array(parts[0].unicodeScalars)
                    end = Array(parts[1].unicodeScalars)
                }
            default:
                if let name = fieldName(content) { out.append(Use(field: name, line: tagLine)) }
            }
        }
        return out
    }

    /// The field a tag's name refers to: `X`, `X.Y` → `X`, `lowercased(X)` → `X`, `.` → nil.
    static func fieldName(_ raw: String) -> String? {
        var name = Substring(raw.trimmingWhitespace())
        if let open = name.lastIndex(of: "(") {
            name = name[name.index(after: open)...]
            if let close = name.firstIndex(of: ")") { name = name[..<close] }
        }
        while name.first == "." { name = name.dropFirst() }
        guard let first = name.split(separator: ".").first, !first.isEmpty else { return nil }
        return String(first)
    }
}
