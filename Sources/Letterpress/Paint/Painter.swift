import OpenType
import PDF
import StyledHTML

/// Draws laid-out pages into a PDF: registers each font and image once per document and
/// turns display items into page content.
struct Painter {
    let environment: DocumentEnvironment
    let options: PDFOptions

    func paint(_ pages: [LaidOutPage]) throws(LetterpressError) -> [UInt8] {
        let writer = PDFWriter(options: options)
        var fonts: [FontID: PDFFontRef] = [:]
        var images: [String: PDFImageRef] = [:]
        for laidOut in pages {
            let page = writer.beginPage(width: laidOut.width, height: laidOut.height)
            for item in laidOut.items {
                switch item {
                case .fill(let rect, let color):
                    guard color.alpha > 0 else { continue }
                    page.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, color: Self.pdf(color))
                case .line(let from, let to, let width, let color, let style):
                    guard style != .none, width > 0, color.alpha > 0 else { continue }
                    page.line(x1: from.x, y1: from.y, x2: to.x, y2: to.y, width: width, color: Self.pdf(color),
                              dash: Self.dash(style, width: width))
                case .text(let run):
                    guard !run.glyphs.isEmpty else { continue }
                    let font: PDFFontRef
                    if let known = fonts[run.font] {
                        font = known
                    } else {
                        do {
                            font = try writer.register(font: environment.face(run.font))
                        } catch {
                            throw .fontUnusable(environment.face(run.font).postScriptName, reason: "\(error)")
                        }
                        fonts[run.font] = font
                    }
                    page.text(font: font, size: run.size, color: Self.pdf(run.color), x: run.origin.x,
                              baseline: run.origin.y,
                              glyphs: run.glyphs.map { PDFGlyph(id: $0.id, x: $0.x, text: $0.text) })
                case .image(let source, let rect):
                    let ref: PDFImageRef
                    if let known = images[source] {
                        ref = known
                    } else {
                        ref = writer.register(image: try environment.image(source: source).pdf)
                        images[source] = ref
                    }
                    page.image(ref, x: rect.x, y: rect.y, width: rect.width, height: rect.height)
                case .link(let rect, let uri):
                    page.link(x: rect.x, y: rect.y, width: rect.width, height: rect.height, uri: uri)
                }
            }
            writer.end(page: page)
        }
        do {
            return try writer.finish()
        } catch {
            throw .pdf("\(error)")
        }
    }

    static func pdf(_ color: Color) -> PDFColor {
        PDFColor(red: color.red, green: color.green, blue: color.blue, alpha: color.alpha)
    }

    static func dash(_ style: ComputedStyle.BorderStyle, width: Double) -> [Double] {
        switch style {
        case .dashed: return [max(3 * width, 2), max(3 * width, 2)]
        case .dotted: return [width, width]
        default: return []
        }
    }
}
