/// Strings of the `name` table, decoded once at load time.
struct NameTable: Sendable {
    private var strings: [UInt16: String] = [:]

    /// An empty table (fonts without `name`).
    init() {}

    /// Decodes every record, preferring Windows English (3/1/0x409), then any Windows record,
    /// then Unicode platform, then Macintosh Roman.
    init(_ name: ByteReader) throws(OpenTypeError) {
        let count = Int(try name.u16(2))
        let storage = Int(try name.u16(4))
        try name.require(6, count * 12)
        var ranks: [UInt16: Int] = [:]
        for index in 0 ..< count {
            let record = 6 + index * 12
            let platform = name.uncheckedU16(record)
            let encoding = name.uncheckedU16(record + 2)
            let language = name.uncheckedU16(record + 4)
            let nameID = name.uncheckedU16(record + 6)
            let length = Int(name.uncheckedU16(record + 8))
            let offset = storage + Int(name.uncheckedU16(record + 10))
            let rank: Int
            switch (platform, encoding) {
            case (3, 1), (3, 10), (3, 0): rank = language == 0x0409 ? 0 : 1
            case (0, _): rank = 2
            case (1, 0): rank = language == 0 ? 3 : 4
            default: continue
            }
            if let existing = ranks[nameID], existing <= rank { continue }
            guard name.contains(offset, length) else { continue }
            let raw = name.bytes[name.base + offset ..< name.base + offset + length]
            let text: String
            if platform == 1 {
                // Mac Roman: ASCII is exact; other bytes are approximated as Latin-1.
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: raw.map { Unicode.Scalar($0) })
                text = String(scalars)
            } else {
                var units: [UInt16] = []
                units.reserveCapacity(length / 2)
                var position = raw.startIndex
                while position + 1 < raw.endIndex {
                    units.append(UInt16(raw[position]) << 8 | UInt16(raw[position + 1]))
                    position += 2
                }
                text = String(decoding: units, as: UTF16.self)
            }
            ranks[nameID] = rank
            strings[nameID] = text
        }
    }

    /// The string for `nameID`, nil when absent or empty.
    subscript(nameID: UInt16) -> String? {
        guard let value = strings[nameID], !value.isEmpty else { return nil }
        return value
    }

    /// `value` restricted to characters allowed unescaped in a PDF name and a PostScript font
    /// name: printable ASCII without spaces or the delimiters `[](){}<>/%#`, at most 63 characters.
    static func sanitizedPostScriptName(_ value: String) -> String {
        let forbidden: Set<UInt8> = Set("[](){}<>/%#".utf8)
        var bytes: [UInt8] = []
        for byte in value.utf8 where byte > 0x20 && byte < 0x7F && !forbidden.contains(byte) {
            bytes.append(byte)
            if bytes.count == 63 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
