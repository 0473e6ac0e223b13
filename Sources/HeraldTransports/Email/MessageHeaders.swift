import Foundation

/// The header section of an RFC 5322 message, unfolded: the first value of each field by
/// lower-cased name. Enough to read `From`, `Message-ID` and the DSN fields; not a MIME parser.
struct MessageHeaders {
    private(set) var fields: [(name: String, value: String)] = []

    /// Reads the header fields up to the first empty line (CRLF or LF line ends).
    init(_ bytes: some Collection<UInt8>) {
        var current: (name: String, value: String)?
        var line: [UInt8] = []
        func finish(_ raw: [UInt8]) -> Bool {
            var raw = raw
            if raw.last == 13 { raw.removeLast() }
            if raw.isEmpty { return false }
            let text = String(decoding: raw, as: UTF8.self)
            if raw.first == 32 || raw.first == 9 {
                current?.value += " " + text.trimmingBlanks
                return true
            }
            if let c = current { fields.append(c) }
            if let colon = text.firstIndex(of: ":") {
                current = (text[..<colon].trimmingBlanks.lowercased(),
                           text[text.index(after: colon)...].trimmingBlanks)
            } else {
                current = nil
            }
            return true
        }
        var ended = false
        for byte in bytes {
            if byte == 10 {
                if !finish(line) { ended = true; break }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        if !ended && !line.isEmpty { _ = finish(line) }
        if let c = current { fields.append(c) }
    }

    /// The first value of the field `name` (case-insensitive).
    subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name == key }?.value
    }
}
