extension String {
    /// ASCII lower-casing (CSS keywords are ASCII case-insensitive).
    var lowercasedASCII: String {
        var needs = false
        for c in utf8 where c >= 0x41 && c <= 0x5A {
            needs = true
            break
        }
        guard needs else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII whitespace.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
