/// Finds the files a letter template references — `src="…"` attributes and CSS `url(…)` —
/// so the loader can check them against the code's `assets/` folder when the catalog loads,
/// instead of failing each letter at render time.
enum LetterAssetScanner {
    struct Reference: Equatable {
        var value: String
        var line: Int
    }

    /// References in `text`, with 1-based line numbers. Values holding Mustache tags (merged
    /// per letter) and `#fragment`s are skipped.
    static func references(in text: String) -> [Reference] {
        let bytes = Array(text.utf8)
        var found: [Reference] = []
        var line = 1
        var index = 0
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        func matches(_ word: String, at position: Int) -> Bool {
            let word = Array(word.utf8)
            guard position + word.count <= bytes.count else { return false }
            for offset in 0..<word.count where lower(bytes[position + offset]) != word[offset] { return false }
            return true
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
        func value(from start: Int, closing: UInt8?) -> (String, Int) {
            var end = start
            if let closing {
                while end < bytes.count, bytes[end] != closing, bytes[end] != 0x0A { end += 1 }
            } else {
                while end < bytes.count, bytes[end] != 0x20, bytes[end] != 0x3E, bytes[end] != 0x0A, bytes[end] != 0x09 { end += 1 }
            }
            return (String(decoding: bytes[start..<end], as: UTF8.self), end)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            var raw: String?
            if matches("src", at: index), index == 0 || !isNameByte(bytes[index - 1]) {
                var cursor = index + 3
                while cursor < bytes.count, bytes[cursor] == 0x20 { cursor += 1 }
                if cursor < bytes.count, bytes[cursor] == 0x3D {  // =
                    cursor += 1
                    while cursor < bytes.count, bytes[cursor] == 0x20 { cursor += 1 }
                    if cursor < bytes.count {
                        let quote: UInt8? = bytes[cursor] == 0x22 || bytes[cursor] == 0x27 ? bytes[cursor] : nil
                        let (text, end) = value(from: quote == nil ? cursor : cursor + 1, closing: quote)
                        raw = text
                        index = end
                    }
                }
            } else if matches("url(", at: index) {
                var cursor = index + 4
                while cursor < bytes.count, bytes[cursor] == 0x20 { cursor += 1 }
                if cursor < bytes.count {
                    let quote: UInt8? = bytes[cursor] == 0x22 || bytes[cursor] == 0x27 ? bytes[cursor] : nil
                    let (text, end) = value(from: quote == nil ? cursor : cursor + 1, closing: quote ?? 0x29)
                    raw = text.trimmingWhitespace()
                    index = end
                }
            }
            if let raw {
                if !raw.isEmpty, !raw.contains("{{"), !raw.hasPrefix("#") { found.append(Reference(value: raw, line: line)) }
                continue
            }
            index += 1
        }
        return found
    }
}
