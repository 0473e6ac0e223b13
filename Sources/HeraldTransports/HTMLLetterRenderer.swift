import Foundation
import HeraldCore

/// Letters as merged HTML, until the PDF renderer lands: the HTML itself is the document.
public struct HTMLLetterRenderer: LetterRenderer {
    public init() {}
    public var fileExtension: String { "html" }
    public func render(html: String) async throws -> Data { Data(html.utf8) }
}
