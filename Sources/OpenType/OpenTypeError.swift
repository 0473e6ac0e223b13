/// An error raised while reading or subsetting a TrueType/OpenType font.
///
/// Every case names the table (its four-character tag, or `"sfnt"` for the file header and the
/// table directory) and, where it applies, the byte offset inside that table where reading failed.
public enum OpenTypeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data is not a TrueType-outline font this module can read (for example a CFF-based
    /// `OTTO` font, a font collection, or not a font at all).
    case unsupportedFormat(String)
    /// A table required for the requested operation is absent.
    case missingTable(String)
    /// Reading `table` needed bytes at `offset` (relative to the table start) past its end.
    case truncated(table: String, offset: Int)
    /// A field of `table` at `offset` holds a value that cannot be right.
    case invalidValue(table: String, offset: Int, reason: String)
    /// The font's `OS/2.fsType` forbids embedding it in a document.
    case embeddingNotPermitted(fsType: UInt16)

    /// A human-readable explanation naming the table and offset.
    public var description: String {
        switch self {
        case .unsupportedFormat(let detail):
            return "unsupported font format: \(detail)"
        case .missingTable(let tag):
            return "required table '\(tag)' is missing"
        case .truncated(let table, let offset):
            return "table '\(table)' is truncated: data needed at offset \(offset) is missing"
        case .invalidValue(let table, let offset, let reason):
            return "table '\(table)' has an invalid value at offset \(offset): \(reason)"
        case .embeddingNotPermitted(let fsType):
            return "the font's licence (OS/2 fsType 0x\(String(fsType, radix: 16))) does not permit embedding"
        }
    }
}
