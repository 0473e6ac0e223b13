/// Reads typed members out of parsed JSON objects, recording a located issue for each problem.
struct JSONReader {
    /// A value and its line.
    struct Located<Value> {
        var value: Value
        var line: Int
    }

    let file: String
    private(set) var issues: [CatalogIssue] = []

    init(file: String) {
        self.file = file
    }

    mutating func fail(_ line: Int?, _ message: String) {
        issues.append(CatalogIssue(file: file, line: line, message: message, severity: .error))
    }

    mutating func warn(_ line: Int?, _ message: String) {
        issues.append(CatalogIssue(file: file, line: line, message: message, severity: .warning))
    }

    func line(of key: String, in members: [CatalogJSON.Member]) -> Int? {
        members.first { $0.key == key }?.line
    }

    /// Every key not in `allowed` is an error (typo protection).
    mutating func checkKeys(_ members: [CatalogJSON.Member], allowed: [String], in context: String) {
        for m in members where !allowed.contains(m.key) {
            fail(m.line, "unknown key \"\(m.key)\" in \(context) (known: \(allowed.joined(separator: ", ")))")
        }
    }

    private mutating func member(
        _ members: [CatalogJSON.Member], _ key: String, required: Bool, in context: String?, at line: Int?
    ) -> CatalogJSON.Member? {
        if let m = members.first(where: { $0.key == key }) { return m }
        if required {
            fail(line ?? 1, "missing key \"\(context.map { "\($0)." } ?? "")\(key)\"")
        }
        return nil
    }

    private mutating func typeError(_ m: CatalogJSON.Member, _ expected: String, in context: String?) {
        fail(m.node.line, "\(context.map { "\($0)." } ?? "")\(m.key) must be \(expected), found \(m.node.value.typeName)")
    }

    mutating func string(
        _ members: [CatalogJSON.Member], _ key: String, required: Bool = false, in context: String? = nil, at line: Int? = nil
    ) -> Located<String>? {
        guard let m = member(members, key, required: required, in: context, at: line) else { return nil }
        guard case .string(let s) = m.node.value else {
            typeError(m, "a string", in: context)
            return nil
        }
        return Located(value: s, line: m.node.line)
    }

    mutating func integer(_ members: [CatalogJSON.Member], _ key: String) -> Located<Int>? {
        guard let m = member(members, key, required: false, in: nil, at: nil) else { return nil }
        guard case .number(let text) = m.node.value, let n = Int(text) else {
            typeError(m, "an integer", in: nil)
            return nil
        }
        return Located(value: n, line: m.node.line)
    }

    mutating func bool(_ members: [CatalogJSON.Member], _ key: String) -> Located<Bool>? {
        guard let m = member(members, key, required: false, in: nil, at: nil) else { return nil }
        guard case .bool(let b) = m.node.value else {
            typeError(m, "true or false", in: nil)
            return nil
        }
        return Located(value: b, line: m.node.line)
    }

    mutating func array(_ members: [CatalogJSON.Member], _ key: String, required: Bool = false) -> [CatalogJSON.Node]? {
        guard let m = member(members, key, required: required, in: nil, at: nil) else { return nil }
        guard case .array(let items) = m.node.value else {
            typeError(m, "an array", in: nil)
            return nil
        }
        return items
    }

    mutating func stringArray(_ members: [CatalogJSON.Member], _ key: String, required: Bool = false) -> [Located<String>]? {
        guard let items = array(members, key, required: required) else { return nil }
        var out: [Located<String>] = []
        for (i, node) in items.enumerated() {
            guard case .string(let s) = node.value else {
                fail(node.line, "\(key)[\(i)] must be a string, found \(node.value.typeName)")
                continue
            }
            out.append(Located(value: s, line: node.line))
        }
        return out
    }

    mutating func object(
        _ members: [CatalogJSON.Member], _ key: String, in context: String? = nil
    ) -> (members: [CatalogJSON.Member], line: Int)? {
        guard let m = member(members, key, required: false, in: context, at: nil) else { return nil }
        guard case .object(let inner) = m.node.value else {
            typeError(m, "an object", in: context)
            return nil
        }
        return (inner, m.line)
    }
}
