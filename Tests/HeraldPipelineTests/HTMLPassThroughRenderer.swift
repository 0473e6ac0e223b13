import Foundation
import HeraldCore

/// A letter renderer whose document is the merged HTML itself, so monitor tests can read
/// back what was merged (the PDF renderer has its own tests).
struct HTMLPassThroughRenderer: LetterRenderer {
    var fileExtension: String { "html" }
    func render(html: String, code: String, date: Date) async throws -> Data { Data(html.utf8) }
}
