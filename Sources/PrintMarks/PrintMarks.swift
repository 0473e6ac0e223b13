import DataMatrix
import PDF

/// Production marks for letters going to a print bureau: a blank back for duplex letters with
/// an odd page count, and a Data Matrix ECC 200 code on every sheet that the bureau's inserting
/// machines read to check that each envelope holds exactly its sheets.
///
/// The PDF is changed by incremental update (``PDFStamper``): the rendered letter's bytes stay
/// as they were and the marks are appended, so marking costs a few kilobytes and no re-render.
///
/// **What the code says.** `HRLD|<batch id>|<piece id>|S<n>/<m>` in ASCII, e.g.
/// `HRLD|B-20261207-0001|P-000123|S1/3`: the fixed prefix `HRLD`, the batch id, the piece id and
/// the sheet `n` of the letter's `m` sheets (1-based), separated by `|`. See ``sheetCode(batchId:pieceId:sheet:of:)``.
///
/// **Where it is.** On the front of every sheet (every page when simplex; pages 1, 3, 5 … when
/// duplex; backs carry no code). Inside the clear strip along the left edge of the page
/// (`clearStrip` mm wide, 18 by default, which templates must keep empty — `herald catalog
/// check` refuses one that draws there): the symbol is centred across the strip, keeping a quiet
/// zone (light margin) of at least one module on each side inside the strip — 3.4 mm for the
/// usual 22×22 symbol in 18 mm — and its top
/// edge is one third of the page height below the page's top edge (99 mm on A4). A square
/// symbol is used (22×22 modules = 11.2 mm for the usual ids); when it is too wide for the
/// strip, a rectangular symbol turned upright (16 modules across), else an error.
///
/// **Module size.** 0.508 mm (1.44 pt) by default: 6 dots at 300 dpi, 12 at 600 dpi. Modules
/// should be a whole number of printer dots; libdmtx was seen to miss 0.5 mm modules at 300 dpi.
public enum PrintMarks {
    /// The default clear strip, in millimetres.
    public static let defaultClearStrip = 18.0
    /// The default module size, in millimetres (0.508 mm = 1.44 pt).
    public static let defaultModuleSize = 0.508

    /// A letter with its marks.
    public struct Marked: Sendable {
        /// The marked PDF (the original bytes followed by the incremental update).
        public var pdf: [UInt8]
        /// Pages, blank back included.
        public var pages: Int
        /// Sheets of paper: `pages` when simplex, `pages / 2` when duplex.
        public var sheets: Int
    }

    /// The text of sheet `sheet` of `sheets`: `HRLD|<batchId>|<pieceId>|S<sheet>/<sheets>`.
    public static func sheetCode(batchId: String, pieceId: String, sheet: Int, of sheets: Int) -> String {
        "HRLD|\(batchId)|\(pieceId)|S\(sheet)/\(sheets)"
    }

    /// Adds the blank back (duplex, odd page count) and each sheet's Data Matrix.
    /// - Parameters:
    ///   - pdf: a PDF written by ``PDFWriter`` (e.g. a Letterpress letter).
    ///   - batchId: the print batch; printable ASCII without `|`.
    ///   - pieceId: the letter (mail piece); printable ASCII without `|`.
    ///   - duplex: printed on both sides of the paper.
    ///   - clearStrip: the width of the clear strip on the left edge, in millimetres.
    ///   - moduleSize: the side of one module, in millimetres (best a whole number of printer dots).
    /// - Throws: ``PrintMarksError``.
    public static func apply(
        to pdf: [UInt8], batchId: String, pieceId: String, duplex: Bool,
        clearStrip: Double = defaultClearStrip, moduleSize: Double = defaultModuleSize
    ) throws(PrintMarksError) -> Marked {
        for (name, value) in [("batch id", batchId), ("piece id", pieceId)] {
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "|") }) else {
                throw .invalidIdentifier(name: name, value: value)
            }
        }
        guard moduleSize.isFinite, moduleSize > 0, clearStrip.isFinite, clearStrip > 0 else {
            throw .invalidGeometry(clearStrip: clearStrip, moduleSize: moduleSize)
        }
        let stamper: PDFStamper
        do { stamper = try PDFStamper(pdf) } catch { throw .pdf(error) }
        guard stamper.pageCount > 0 else { throw .noPages }

        let blank = duplex && stamper.pageCount % 2 == 1 ? 1 : 0
        let pages = stamper.pageCount + blank
        let sheets = duplex ? pages / 2 : pages
        let boxes = stamper.mediaBoxes + Array(repeating: stamper.mediaBoxes[stamper.pageCount - 1], count: blank)
        let module = moduleSize * pointsPerMillimetre
        let strip = clearStrip * pointsPerMillimetre

        var fills: [Int: [PDFStamper.Rect]] = [:]
        for sheet in 1...sheets {
            let page = duplex ? (sheet - 1) * 2 : sheet - 1
            let text = sheetCode(batchId: batchId, pieceId: pieceId, sheet: sheet, of: sheets)
            let grid = try symbolGrid(text, module: module, strip: strip)
            let box = boxes[page]
            let width = Double(grid.first?.count ?? 0) * module
            let left = box.x + (strip - width) / 2
            let top = box.maxY - box.height / 3
            fills[page] = rects(grid, left: left, top: top, module: module)
        }
        do {
            let marked = try stamper.stamped(appendingBlankPages: blank, fills: fills)
            return Marked(pdf: marked, pages: pages, sheets: sheets)
        } catch {
            throw .pdf(error)
        }
    }

    static let pointsPerMillimetre = 72 / 25.4

    /// The modules to draw, rows top to bottom: a square symbol, or a rectangle turned upright
    /// when the square one (with a quiet zone of one module each side) is wider than the strip.
    static func symbolGrid(_ text: String, module: Double, strip: Double) throws(PrintMarksError) -> [[Bool]] {
        func fits(_ columns: Int) -> Bool { Double(columns + 2) * module <= strip + 1e-9 }
        let square: DataMatrixSymbol
        do { square = try DataMatrixSymbol.encode(text, shape: .square) } catch { throw .dataMatrix(error) }
        if fits(square.columns) { return square.grid }
        if let rectangle = try? DataMatrixSymbol.encode(text, shape: .rectangle), fits(rectangle.rows) {
            // Turned a quarter clockwise (readers take any orientation; a transposition would mirror it).
            let grid = rectangle.grid
            return (0..<rectangle.columns).map { column in (0..<rectangle.rows).map { row in grid[rectangle.rows - 1 - row][column] } }
        }
        throw .symbolDoesNotFit(symbolWidth: Double(square.columns + 2) * module / pointsPerMillimetre, clearStrip: strip / pointsPerMillimetre)
    }

    /// One rectangle per horizontal run of dark modules; `top` is the symbol's top edge in PDF
    /// user space (y upwards).
    static func rects(_ grid: [[Bool]], left: Double, top: Double, module: Double) -> [PDFStamper.Rect] {
        var rects: [PDFStamper.Rect] = []
        for (row, modules) in grid.enumerated() {
            var column = 0
            while column < modules.count {
                guard modules[column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < modules.count, modules[column] { column += 1 }
                rects.append(PDFStamper.Rect(
                    x: left + Double(start) * module, y: top - Double(row + 1) * module,
                    width: Double(column - start) * module, height: module))
            }
        }
        return rects
    }
}

/// Why a letter could not be marked.
public enum PrintMarksError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The PDF cannot be stamped (not one ``PDFWriter`` wrote, or damaged).
    case pdf(PDFStampError)
    /// The PDF has no pages.
    case noPages
    /// A batch or piece id is empty, or holds `|` or a character outside printable ASCII.
    case invalidIdentifier(name: String, value: String)
    /// The code is too long for any Data Matrix symbol.
    case dataMatrix(DataMatrixError)
    /// The clear strip or module size is not a positive number (millimetres).
    case invalidGeometry(clearStrip: Double, moduleSize: Double)
    /// The symbol with its quiet zone (millimetres) is wider than the clear strip.
    case symbolDoesNotFit(symbolWidth: Double, clearStrip: Double)

    /// A readable message.
    public var description: String {
        switch self {
        case .pdf(let error): "Cannot mark the letter: \(error)"
        case .noPages: "Cannot mark the letter: the PDF has no pages"
        case .invalidIdentifier(let name, let value):
            "Cannot mark the letter: the \(name) \"\(value)\" must be non-empty printable ASCII without '|'"
        case .dataMatrix(let error): "Cannot mark the letter: \(error)"
        case .invalidGeometry(let strip, let module):
            "Cannot mark the letter: clear strip \(strip) mm and module size \(module) mm must be positive"
        case .symbolDoesNotFit(let width, let strip):
            "Cannot mark the letter: the Data Matrix needs \(width) mm with its quiet zone, the clear strip is \(strip) mm"
        }
    }
}
