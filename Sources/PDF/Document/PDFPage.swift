/// The content of one page under construction, obtained from ``PDFWriter/beginPage(width:height:)``.
///
/// Coordinates are in points with the origin at the TOP-LEFT corner of the page and y growing
/// downwards; the page converts them to PDF user space. Calls after the page was ended are ignored.
public final class PDFPage {
    /// Page width in points.
    public let width: Double
    /// Page height in points.
    public let height: Double

    let document: PDFDocument
    let object: Int
    private(set) var ended = false

    /// The content stream; appended to by every drawing call and never accessed re-entrantly,
    /// so dynamic exclusivity checks are switched off.
    @exclusivity(unchecked) private var content = PDFBuffer(capacity: 16 * 1024)
    private var fontsUsed: [Int] = []
    private var imagesUsed: [(index: Int, object: Int)] = []
    private var statesUsed: [Int] = []
    private var links: [(x: Double, y: Double, width: Double, height: Double, uri: String)] = []

    // Graphics state as currently set in the content stream (PDF defaults initially).
    private var fillColor = (0, 0, 0)
    private var strokeColor = (0, 0, 0)
    private var alpha = 1000
    private var lineWidth = 1.0
    private var dash: [Double] = []
    private var lineCap = PDFLineCap.butt
    private var currentFont = -1
    private var currentSize = 0.0

    init(document: PDFDocument, object: Int, width: Double, height: Double) {
        self.document = document
        self.object = object
        self.width = width.isFinite && width > 0 ? width : 595.276
        self.height = height.isFinite && height > 0 ? height : 841.89
    }

    // MARK: Drawing

    /// Fills an axis-aligned rectangle whose top-left corner is at (`x`, `y`).
    public func fill(x: Double, y: Double, width: Double, height: Double, color: PDFColor) {
        guard !ended else { return }
        let q = color.quantized
        guard q.alpha > 0 else { return }
        setAlpha(q.alpha)
        if (q.red, q.green, q.blue) != fillColor {
            fillColor = (q.red, q.green, q.blue)
            appendColor(q, operator: "rg\n")
        }
        content.append(number: x)
        content.append(" ")
        content.append(number: self.height - y - height)
        content.append(" ")
        content.append(number: width)
        content.append(" ")
        content.append(number: height)
        content.append(" re f\n")
    }

    /// Strokes a straight line. `dash` lists on/off lengths in points (empty = solid); the cap
    /// style applies to every dash (use `.round` with `[0, 2 * width]` for dots).
    public func line(
        x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: PDFColor,
        dash: [Double] = [], cap: PDFLineCap = .butt
    ) {
        guard !ended else { return }
        let q = color.quantized
        guard q.alpha > 0, width.isFinite, width > 0 else { return }
        setAlpha(q.alpha)
        if (q.red, q.green, q.blue) != strokeColor {
            strokeColor = (q.red, q.green, q.blue)
            appendColor(q, operator: "RG\n")
        }
        if width != lineWidth {
            lineWidth = width
            content.append(number: width)
            content.append(" w\n")
        }
        var pattern = dash.map { $0.isFinite ? max($0, 0) : 0 }
        if !pattern.contains(where: { $0 > 0 }) { pattern = [] }
        if pattern != self.dash {
            self.dash = pattern
            content.append("[")
            for (i, value) in pattern.enumerated() {
                if i > 0 { content.append(" ") }
                content.append(number: value)
            }
            content.append("] 0 d\n")
        }
        if cap != lineCap {
            lineCap = cap
            content.append(int: cap.rawValue)
            content.append(" J\n")
        }
        content.append(number: x1)
        content.append(" ")
        content.append(number: self.height - y1)
        content.append(" m ")
        content.append(number: x2)
        content.append(" ")
        content.append(number: self.height - y2)
        content.append(" l S\n")
    }

    /// Draws a run of glyphs with its origin at (`x`, `baseline`). Each glyph is placed exactly at
    /// `x + glyph.x`: wherever that differs from the previous glyph's position plus its advance,
    /// a `TJ` adjustment is emitted (kerning, justification, letter spacing).
    public func text(font: PDFFontRef, size: Double, color: PDFColor, x: Double, baseline: Double, glyphs: [PDFGlyph]) {
        guard !ended, !glyphs.isEmpty, size.isFinite, size != 0 else { return }
        guard document.fonts.indices.contains(font.index) else {
            document.record(.unknownReference("font #\(font.index + 1) was not registered with this writer"))
            return
        }
        let embedded = document.fonts[font.index]
        // PDF/A-2 forbids showing .notdef; the remaining glyphs keep their absolute positions.
        let skipsNotdef = document.options.conformance == .pdfA2b
        for glyph in glyphs {
            let id = embedded.validGlyph(glyph.id)
            if id != 0 { embedded.use(id, text: glyph.text) }
        }
        let q = color.quantized
        guard q.alpha > 0 else { return }  // invisible, but its glyphs are still in the subset
        setAlpha(q.alpha)
        if (q.red, q.green, q.blue) != fillColor {
            fillColor = (q.red, q.green, q.blue)
            appendColor(q, operator: "rg\n")
        }
        if font.index != currentFont || size != currentSize {
            if !fontsUsed.contains(font.index) {
                fontsUsed.append(font.index)
                _ = document.fontObject(font.index)
            }
            currentFont = font.index
            currentSize = size
            content.append("/F")
            content.append(int: font.index + 1)
            content.append(" ")
            content.append(number: size)
            content.append(" Tf\n")
        }
        content.append("BT\n")
        content.append(number: x)
        content.append(" ")
        content.append(number: height - baseline)
        content.append(" Td\n[")

        let unit = size / 1000  // points per glyph-space unit (1/1000 em)
        var pen = 0.0           // where the viewer's pen is, in points from the run start
        var open = false
        for glyph in glyphs {
            let id = embedded.validGlyph(glyph.id)
            if id == 0, skipsNotdef { continue }
            if glyph.x.isFinite {
                // Adjustments below 1/20000 em (≈ 0.0006 pt at 12 pt) are invisible; skipping
                // them keeps float noise out of the stream while the pen error stays bounded.
                let adjustment = (pen - glyph.x) / unit
                if adjustment >= 0.05 || adjustment <= -0.05 {
                    let written = (adjustment * 1000).rounded() / 1000
                    if open {
                        content.append(">")
                        open = false
                    }
                    content.append(number: written)
                    pen -= written * unit
                }
            }
            if !open {
                content.append("<")
                open = true
            }
            content.append(hex16: id)
            pen += Double(embedded.width(id)) * unit / 1000
        }
        if open { content.append(">") }
        content.append("] TJ\nET\n")
    }

    /// Draws a registered image scaled into the rectangle whose top-left corner is at (`x`, `y`).
    public func image(_ image: PDFImageRef, x: Double, y: Double, width: Double, height: Double) {
        guard !ended, let object = document.imageObject(image.index) else { return }
        if !imagesUsed.contains(where: { $0.index == image.index }) {
            imagesUsed.append((image.index, object))
        }
        content.append("q ")
        content.append(number: width)
        content.append(" 0 0 ")
        content.append(number: height)
        content.append(" ")
        content.append(number: x)
        content.append(" ")
        content.append(number: self.height - y - height)
        content.append(" cm /Im")
        content.append(int: image.index + 1)
        content.append(" Do Q\n")
    }

    /// Adds a link annotation over the rectangle whose top-left corner is at (`x`, `y`).
    public func link(x: Double, y: Double, width: Double, height: Double, uri: String) {
        guard !ended, !uri.isEmpty else { return }
        links.append((x, y, width, height, uri))
    }

    // MARK: State helpers

    private func appendColor(_ q: (red: Int, green: Int, blue: Int, alpha: Int), operator op: StaticString) {
        content.append(number: Double(q.red) / 1000)
        content.append(" ")
        content.append(number: Double(q.green) / 1000)
        content.append(" ")
        content.append(number: Double(q.blue) / 1000)
        content.append(" ")
        content.append(op)
    }

    private func setAlpha(_ value: Int) {
        guard value != alpha else { return }
        alpha = value
        let index = document.graphicsState(alpha: value)
        if !statesUsed.contains(index) { statesUsed.append(index) }
        content.append("/GS")
        content.append(int: index + 1)
        content.append(" gs\n")
    }

    // MARK: Serialization

    /// Writes the content stream, the link annotations and the page object.
    func finish() throws {
        guard !ended else { return }
        ended = true
        let contents = document.allocateObject()
        try document.writeStream(contents, data: content.bytes, filter: .deflate, name: "content stream of page object \(object)")
        content = PDFBuffer()

        var annotations: [Int] = []
        for link in links {
            let annotation = document.allocateObject()
            annotations.append(annotation)
            let pageHeight = height
            document.writeObject(annotation) { out in
                out.append("<< /Type /Annot /Subtype /Link /Rect [")
                out.append(number: link.x)
                out.append(" ")
                out.append(number: pageHeight - link.y - link.height)
                out.append(" ")
                out.append(number: link.x + link.width)
                out.append(" ")
                out.append(number: pageHeight - link.y)
                out.append("] /Border [0 0 0] /F 4 /A << /S /URI /URI ")
                out.append(literal: PDFPage.asciiURI(link.uri))
                out.append(" >> >>")
            }
        }
        links = []

        let document = self.document
        document.writeObject(object) { out in
            out.append("<< /Type /Page /Parent ")
            out.append(reference: PDFDocument.pageTreeObject)
            out.append(" /MediaBox [0 0 ")
            out.append(number: width)
            out.append(" ")
            out.append(number: height)
            out.append("] /Resources <<")
            if !fontsUsed.isEmpty {
                out.append(" /Font <<")
                for index in fontsUsed {
                    out.append(" /F")
                    out.append(int: index + 1)
                    out.append(" ")
                    out.append(reference: document.fonts[index].object ?? 0)
                }
                out.append(" >>")
            }
            if !imagesUsed.isEmpty {
                out.append(" /XObject <<")
                for image in imagesUsed {
                    out.append(" /Im")
                    out.append(int: image.index + 1)
                    out.append(" ")
                    out.append(reference: image.object)
                }
                out.append(" >>")
            }
            if !statesUsed.isEmpty {
                out.append(" /ExtGState <<")
                for index in statesUsed {
                    out.append(" /GS")
                    out.append(int: index + 1)
                    out.append(" ")
                    out.append(reference: document.graphicsStates[index].object)
                }
                out.append(" >>")
            }
            out.append(" >> /Contents ")
            out.append(reference: contents)
            if !annotations.isEmpty {
                out.append(" /Annots [")
                for (i, annotation) in annotations.enumerated() {
                    if i > 0 { out.append(" ") }
                    out.append(reference: annotation)
                }
                out.append("]")
            }
            out.append(" >>")
        }
    }

    /// URIs in PDF are 7-bit ASCII: bytes outside printable ASCII are percent-encoded.
    static func asciiURI(_ uri: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(uri.utf8.count)
        for byte in uri.utf8 {
            if byte > 0x20, byte < 0x7F {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(PDFBuffer.hexDigits[Int(byte >> 4)])
                bytes.append(PDFBuffer.hexDigits[Int(byte & 0x0F)])
            }
        }
        return bytes
    }
}
