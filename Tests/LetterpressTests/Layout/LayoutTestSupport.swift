import Letterpress
import OpenType
import StyledHTML

/// Helpers shared by the layout tests.
enum LayoutTestSupport {
    /// Lays out an HTML document with the DejaVu test environment.
    static func layOut(_ html: String, maxPages: Int = 10_000) throws -> LayoutResult {
        try LayoutEngine(maxPages: maxPages).layOut(StyledDocument(html: html), environment: LayoutTestEnvironment.make())
    }

    /// A document with a fixed page (`size` in points, margins in points) and `body` markup.
    static func document(_ body: String, css: String = "", width: Double = 400, height: Double = 600,
                         margin: Double = 50) -> String {
        """
        <html><head><style>
        @page { size: \(width)pt \(height)pt; margin: \(margin)pt }
        body { font-family: serif; font-size: 12pt; line-height: 15pt }
        p { margin: 0 }
        \(css)
        </style></head><body>\(body)</body></html>
        """
    }

    /// One visual line of text: glyph runs sharing a baseline, left to right.
    struct TextLine {
        var baseline: Double
        var minX: Double
        var maxX: Double
        var text: String
        var runs: [TextRun]
    }

    /// The text runs of a page grouped by baseline (top to bottom).
    static func lines(of page: LaidOutPage) throws -> [TextLine] {
        let environment = try LayoutTestEnvironment.make()
        var lines: [TextLine] = []
        for item in page.items {
            guard case .text(let run) = item, let last = run.glyphs.last else { continue }
            let face = environment.face(run.font)
            let lastWidth = Double(face.advanceWidth(last.id)) * run.size / Double(face.unitsPerEm)
            let minX = run.origin.x + (run.glyphs.first?.x ?? 0)
            let maxX = run.origin.x + last.x + lastWidth
            let text = run.glyphs.map(\.text).joined()
            if let index = lines.firstIndex(where: { abs($0.baseline - run.origin.y) < 0.5 }) {
                lines[index].minX = min(lines[index].minX, minX)
                lines[index].maxX = max(lines[index].maxX, maxX)
                lines[index].runs.append(run)
            } else {
                lines.append(TextLine(baseline: run.origin.y, minX: minX, maxX: maxX, text: text, runs: [run]))
            }
        }
        for index in lines.indices {
            let runs = lines[index].runs.sorted { $0.origin.x + ($0.glyphs.first?.x ?? 0) < $1.origin.x + ($1.glyphs.first?.x ?? 0) }
            lines[index].runs = runs
            lines[index].text = runs.map { $0.glyphs.map(\.text).joined() }.joined()
        }
        return lines.sorted { $0.baseline < $1.baseline }
    }

    /// Each text run of a page on its own (not merged by baseline).
    static func runs(of page: LaidOutPage) throws -> [TextLine] {
        let environment = try LayoutTestEnvironment.make()
        return page.items.compactMap { item -> TextLine? in
            guard case .text(let run) = item, let first = run.glyphs.first, let last = run.glyphs.last else { return nil }
            let face = environment.face(run.font)
            let lastWidth = Double(face.advanceWidth(last.id)) * run.size / Double(face.unitsPerEm)
            return TextLine(baseline: run.origin.y, minX: run.origin.x + first.x, maxX: run.origin.x + last.x + lastWidth,
                            text: run.glyphs.map(\.text).joined(), runs: [run])
        }
    }

    /// All text of a page, lines joined with newlines.
    static func text(of page: LaidOutPage) throws -> String {
        try lines(of: page).map(\.text).joined(separator: "\n")
    }

    /// The width of a string in the test environment's serif regular face at `size` with kerning.
    static func width(_ string: String, size: Double = 12, font: Int = LayoutTestEnvironment.serif) throws -> Double {
        let face = try LayoutTestEnvironment.make().fonts[font]
        var total = 0
        var previous: UInt16?
        for scalar in string.unicodeScalars {
            let glyph = face.glyphID(for: scalar)
            total += face.advanceWidth(glyph)
            if let previous { total += face.kerning(previous, glyph) }
            previous = glyph
        }
        return Double(total) * size / Double(face.unitsPerEm)
    }
}
