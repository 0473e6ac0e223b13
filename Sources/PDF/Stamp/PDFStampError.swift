/// Why ``PDFStamper`` cannot read or update a document.
///
/// The stamper reads what ``PDFWriter`` writes (a classic cross-reference table, uncompressed
/// object dictionaries, no encryption) and refuses anything else by name rather than guessing.
public enum PDFStampError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not end in a `startxref` pointing into the file.
    case notPDF(reason: String)
    /// The cross-reference section is a stream (PDF 1.5 `/Type /XRef`), not a classic `xref` table.
    case crossReferenceStream
    /// The document keeps objects in object streams (a hybrid file's `/XRefStm`, or `/Type /ObjStm`).
    case objectStreams
    /// The document is encrypted (`/Encrypt` in the trailer).
    case encrypted
    /// The structure is broken where the stamper had to read it (the reason names the object).
    case malformed(reason: String)
    /// A page index outside `0..<pageCount` was given.
    case pageOutOfRange(page: Int, pageCount: Int)

    /// A readable message naming what the stamper cannot handle.
    public var description: String {
        switch self {
        case .notPDF(let reason): "Not a PDF the stamper can read: \(reason)"
        case .crossReferenceStream: "The PDF uses a cross-reference stream; only classic xref tables are supported"
        case .objectStreams: "The PDF keeps objects in object streams; only uncompressed object dictionaries are supported"
        case .encrypted: "The PDF is encrypted; encrypted documents cannot be stamped"
        case .malformed(let reason): "Malformed PDF: \(reason)"
        case .pageOutOfRange(let page, let count): "Page index \(page) is outside the document's \(count) pages"
        }
    }
}
