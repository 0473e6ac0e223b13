/// The sfnt header and table directory: where each table lives in the font file.
struct TableDirectory: Sendable {
    /// Location of one table in the file.
    struct Entry: Sendable {
        let offset: Int
        let length: Int
    }

    /// Tables by four-character tag.
    let entries: [String: Entry]
    /// The font file.
    let bytes: [UInt8]

    /// Reads the sfnt header; throws for anything but a TrueType-outline font.
    init(bytes: [UInt8]) throws(OpenTypeError) {
        self.bytes = bytes
        let header = ByteReader(bytes: bytes, base: 0, count: bytes.count, table: "sfnt")
        let version = try header.u32(0)
        switch version {
        case 0x0001_0000, 0x7472_7565: // 1.0, 'true'
            break
        case 0x4F54_544F: // 'OTTO'
            throw .unsupportedFormat("CFF-based OpenType ('OTTO') fonts are not supported; TrueType outlines (glyf) are required")
        case 0x7474_6366: // 'ttcf'
            throw .unsupportedFormat("font collections ('ttcf') are not supported")
        default:
            throw .unsupportedFormat("not a TrueType font (sfnt version 0x\(String(version, radix: 16)))")
        }
        let numTables = Int(try header.u16(4))
        guard numTables > 0 else {
            throw .invalidValue(table: "sfnt", offset: 4, reason: "the font has no tables")
        }
        try header.require(12, numTables * 16)
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(numTables)
        for index in 0 ..< numTables {
            let record = 12 + index * 16
            let tag = Self.tagString(bytes[record ..< record + 4])
            let offset = Int(try header.u32(record + 8))
            let length = Int(try header.u32(record + 12))
            guard header.contains(offset, length) else {
                throw .truncated(table: tag, offset: length)
            }
            if entries[tag] == nil {
                entries[tag] = Entry(offset: offset, length: length)
            }
        }
        self.entries = entries
    }

    /// A reader for the table `tag`, or nil when the font has no such table.
    func table(_ tag: String) -> ByteReader? {
        guard let entry = entries[tag] else { return nil }
        return ByteReader(bytes: bytes, base: entry.offset, count: entry.length, table: tag)
    }

    /// A reader for the table `tag`; throws ``OpenTypeError/missingTable(_:)`` when absent.
    func requiredTable(_ tag: String) throws(OpenTypeError) -> ByteReader {
        guard let reader = table(tag) else { throw .missingTable(tag) }
        return reader
    }

    /// Four bytes as a printable tag (non-ASCII bytes become `?`).
    static func tagString(_ raw: ArraySlice<UInt8>) -> String {
        String(decoding: raw.map { (0x20 ... 0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
