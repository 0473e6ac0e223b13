import Foundation
import HeraldCore
import Letterpress

/// Letters as print-ready PDF, rendered by Letterpress from the merged HTML. Images and fonts
/// a template references resolve against its code's `assets/` folder in the catalog
/// (`<catalog>/<CODE>/assets/`); nothing else is read.
public struct PDFLetterRenderer: LetterRenderer {
    private let renderer = LetterpressRenderer()
    private let catalogDirectory: URL
    private let profile: RenderOptions.Profile

    /// - Parameters:
    ///   - catalogDirectory: the catalog folder (its code folders hold the assets).
    ///   - archival: PDF/A-2b output (for stores that archive letters for years).
    public init(catalogDirectory: URL, archival: Bool = false) {
        self.catalogDirectory = catalogDirectory
        self.profile = archival ? .pdfA2b : .standard
    }

    public var fileExtension: String { "pdf" }

    public func render(html: String, code: String, date: Date) async throws -> Data {
        let options = RenderOptions(
            assets: catalogDirectory.appendingPathComponent(code).appendingPathComponent("assets"),
            creationDate: date, profile: profile)
        let document = try renderer.render(html: html, options: options)
        return Data(document.pdf)
    }
}
