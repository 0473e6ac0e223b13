import Foundation

/// A file sent with an email: an inline image (with a Content-ID for `cid:` references in the
/// HTML) or an attachment. The bytes come from the catalog (`<CODE>/assets/`).
public struct EmailAsset: Sendable, Hashable {
    /// The file name shown to the recipient.
    public var filename: String
    /// The MIME type, e.g. `image/png`.
    public var contentType: String
    /// The Content-ID (without angle brackets) of an inline image; nil for attachments.
    public var contentId: String?
    /// The file's bytes.
    public var data: Data

    /// Creates an asset; `contentType` defaults to the type named by the file extension.
    public init(filename: String, contentType: String? = nil, contentId: String? = nil, data: Data) {
        self.filename = filename
        self.contentType = contentType ?? Self.contentType(forFileName: filename)
        self.contentId = contentId
        self.data = data
    }

    /// The MIME type of a file name's extension; `application/octet-stream` when unknown.
    public static func contentType(forFileName name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "svg": return "image/svg+xml"
        case "pdf": return "application/pdf"
        case "txt": return "text/plain"
        case "csv": return "text/csv"
        case "html", "htm": return "text/html"
        case "ics": return "text/calendar"
        default: return "application/octet-stream"
        }
    }
}
