import Foundation
import PDF
import StyledHTML

/// Renders HTML documents (a merged letter template with CSS) to print-ready PDF.
///
/// Create one renderer and reuse it, from any number of threads: the built-in fonts, the
/// assets folders' fonts and images are parsed once and shared. Rendering itself is pure CPU
/// work with no I/O but reading assets.
///
/// ```swift
/// let renderer = LetterpressRenderer()
/// let letter = try renderer.render(html: html, options: RenderOptions(assets: folder))
/// try Data(letter.pdf).write(to: out)
/// ```
public final class LetterpressRenderer: Sendable {
    let cache = AssetCache()
    /// Font subsets and ToUnicode CMaps compressed by earlier renders: letters of one template
    /// use the same glyphs, so most documents reuse them (the output is the same either way).
    private let streams = PDFStreamCache()

    public init() {}

    /// Parses, styles, lays out and paints one document.
    /// - Throws: `LetterpressError` naming the missing or unusable asset, or the page limit.
    ///   Malformed HTML and unknown CSS never throw: they become `warnings`.
    public func render(html: String, options: RenderOptions = RenderOptions()) throws(LetterpressError) -> RenderedDocument {
        let document = StyledDocument(html: html)
        let environment = try DocumentEnvironment(document: document, options: options, cache: cache)
        let layout: LayoutResult
        do {
            layout = try LayoutEngine(maxPages: options.maxPages).layOut(document, environment: environment)
        } catch let error as LetterpressError {
            throw error
        } catch {
            throw .pdf("layout: \(error)")
        }
        var pdfOptions = PDFOptions()
        pdfOptions.title = options.title ?? document.title
        pdfOptions.author = options.author ?? document.meta["author"]
        pdfOptions.subject = document.meta["subject"] ?? document.meta["description"]
        pdfOptions.keywords = document.meta["keywords"]
        pdfOptions.creator = "Herald Letterpress"
        pdfOptions.creationDate = options.creationDate
        pdfOptions.conformance = options.profile == .pdfA2b ? .pdfA2b : .none
        pdfOptions.compressionLevel = options.compressionLevel
        pdfOptions.streamCache = streams
        let pdf = try Painter(environment: environment, options: pdfOptions).paint(layout.pages)
        return RenderedDocument(pdf: pdf, pageCount: layout.pages.count, warnings: document.warnings + layout.warnings)
    }
}
