import Foundation
import Letterpress

extension CatalogLoader {
    /// Lays out letters to find what they draw (fonts and images are parsed once per process;
    /// an edited asset file is read again).
    static let layoutRenderer = LetterpressRenderer()

    /// The value every merge field gets when a letter is laid out to check its clear strip.
    static let placeholder = "XXXXXXXX"

    /// Reports a letter template that draws less than `strip` millimetres from the left edge of
    /// a page, where the print bureau puts its marks. The template is merged with
    /// ``placeholder`` for every field in `fields` (so sections show) and laid out by Letterpress.
    static func checkClearStrip(
        _ template: CatalogTemplate, text: String, file: String, assets: URL, fields: Set<String>, strip: Double,
        issues: inout [CatalogIssue]
    ) {
        var values: [String: String] = [:]
        for field in fields { values[field] = placeholder }
        for use in MergeFieldScanner.uses(in: text) { values[use.field] = placeholder }
        let html = template.render(values)
        let width = strip * 72 / 25.4
        let millimetres = strip.rounded() == strip && strip < 1_000 ? String(Int(strip)) : String(strip)
        let stripName = "\(millimetres) mm clear strip"
        let intrusions: [ClearStripIntrusion]
        do {
            intrusions = try layoutRenderer.clearStripIntrusions(html: html, options: RenderOptions(assets: assets), width: width)
        } catch {
            issues.append(CatalogIssue(
                file: file, message: "could not lay the letter out to check the \(stripName): \(error)", severity: .warning))
            return
        }
        guard let first = intrusions.first else { return }
        let more = intrusions.count > 1 ? " and \(intrusions.count - 1) more item\(intrusions.count == 2 ? "" : "s")" : ""
        issues.append(CatalogIssue(file: file, message:
            "draws into the \(stripName) on the left edge of page \(first.page) (\(first.what) at "
            + "\(ClearStripIntrusion.millimetres(first.left)) mm from the left edge, "
            + "\(ClearStripIntrusion.millimetres(first.top)) mm from the top\(more)); the print bureau's marks go there: "
            + "keep the left page margin and positioned elements at least \(millimetres) mm from the left edge"))
    }
}
