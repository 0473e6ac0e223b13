import Foundation

/// Turns a merged letter (HTML) into the document sent to print (a PDF, by
/// `PDFLetterRenderer`). Throws for a letter that cannot be rendered (a missing image or
/// font): rendering is deterministic, so that letter ends `errorNoRetry`.
public protocol LetterRenderer: Sendable {
    /// File extension of the output (`pdf`).
    var fileExtension: String { get }
    /// - Parameters:
    ///   - html: the merged letter template.
    ///   - code: its comms code (images and fonts resolve against that code's `assets/` folder).
    ///   - date: the document's date (written into the PDF; the output is otherwise deterministic).
    func render(html: String, code: String, date: Date) async throws -> Data
}
