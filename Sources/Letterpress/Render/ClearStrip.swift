import Foundation
import StyledHTML

/// Something a document draws inside a clear strip along the left edge of its pages (the strip
/// a print bureau keeps for its own marks, e.g. a Data Matrix read by the inserting machines).
public struct ClearStripIntrusion: Sendable, Equatable, CustomStringConvertible {
    /// 1-based page number.
    public var page: Int
    /// What is drawn: `text "Dear XXXXXXXX"`, `image "logo.png"`, `filled box`, `line`.
    public var what: String
    /// The item's left edge, points from the page's left edge.
    public var left: Double
    /// The item's top edge, points from the page's top edge.
    public var top: Double

    /// Creates an intrusion.
    public init(page: Int, what: String, left: Double, top: Double) {
        self.page = page
        self.what = what
        self.left = left
        self.top = top
    }

    /// `page 1: text "Dear XXXXXXXX" at 5.0 mm from the left edge, 40.0 mm from the top`.
    public var description: String {
        "page \(page): \(what) at \(Self.millimetres(left)) mm from the left edge, \(Self.millimetres(top)) mm from the top"
    }

    /// Points as millimetres with one decimal (`5.0`).
    public static func millimetres(_ points: Double) -> String {
        String(format: "%.1f", points / 72 * 25.4)
    }
}

extension LetterpressRenderer {
    /// Parses, styles and lays out one document without painting it (no PDF is made).
    /// - Throws: `LetterpressError` as ``render(html:options:)`` does.
    public func layOut(html: String, options: RenderOptions = RenderOptions()) throws(LetterpressError) -> LayoutResult {
        let document = StyledDocument(html: html)
        let environment = try DocumentEnvironment(document: document, options: options, cache: cache)
        do {
            return try LayoutEngine(maxPages: options.maxPages).layOut(document, environment: environment)
        } catch let error as LetterpressError {
            throw error
        } catch {
            throw .pdf("layout: \(error)")
        }
    }

    /// Everything the document draws with its left edge less than `width` points from the left
    /// edge of a page, in page order: text, images, lines and fills other than white or
    /// transparent ones (those put no ink on paper, and marks drawn over them stay readable).
    /// Links are not drawn and are ignored. Empty when the strip is clear (or `width` ≤ 0).
    /// - Throws: `LetterpressError` when the document cannot be laid out.
    public func clearStripIntrusions(html: String, options: RenderOptions = RenderOptions(), width: Double) throws(LetterpressError) -> [ClearStripIntrusion] {
        guard width > 0 else { return [] }
        return Self.clearStripIntrusions(in: try layOut(html: html, options: options).pages, width: width)
    }

    /// The items of laid-out `pages` whose left edge is less than `width` points from the page's left edge.
    public static func clearStripIntrusions(in pages: [LaidOutPage], width: Double) -> [ClearStripIntrusion] {
        var found: [ClearStripIntrusion] = []
        let tolerance = 0.01
        for (index, page) in pages.enumerated() {
            for item in page.items {
                let left: Double, top: Double, what: String
                switch item {
                case .fill(let rect, let color):
                    guard color.alpha > 0, !(color.red >= 0.999 && color.green >= 0.999 && color.blue >= 0.999),
                          rect.width > 0, rect.height > 0 else { continue }
                    (left, top, what) = (rect.x, rect.y, "filled box")
                case .line(let from, let to, let lineWidth, let color, _):
                    guard color.alpha > 0, lineWidth > 0 else { continue }
                    let horizontal = from.y == to.y
                    (left, top, what) = (min(from.x, to.x) - (horizontal ? 0 : lineWidth / 2), min(from.y, to.y), "line")
                case .text(let run):
                    guard let first = run.glyphs.first, color(run.color) else { continue }
                    let text = String(run.glyphs.map(\.text).joined().prefix(40))
                    (left, top, what) = (run.origin.x + first.x, run.origin.y - run.size, "text \"\(text)\"")
                case .image(let source, let rect):
                    guard rect.width > 0, rect.height > 0 else { continue }
                    (left, top, what) = (rect.x, rect.y, "image \"\(source)\"")
                case .link:
                    continue
                }
                if left < width - tolerance {
                    found.append(ClearStripIntrusion(page: index + 1, what: what, left: left, top: top))
                }
            }
        }
        return found
    }

    private static func color(_ color: Color) -> Bool { color.alpha > 0 }
}
