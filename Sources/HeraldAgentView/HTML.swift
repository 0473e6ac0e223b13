/// HTML text for the pages written without Mustache.
enum HTML {
    /// Appends `text` escaped exactly as Mustache's `{{…}}` escapes: `<` `>` `&` `"` `'`.
    static func escape(_ text: String, into out: inout String) {
        var text = text
        let plain = text.withUTF8 { bytes in
            !bytes.contains { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"")
                || $0 == UInt8(ascii: "'") }
        }
        if plain {
            out += text
            return
        }
        for c in text.unicodeScalars {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
    }
}
