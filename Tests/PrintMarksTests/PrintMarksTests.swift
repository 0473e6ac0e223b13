import Foundation
import HeraldTestSupport
import PDF
import PrintMarks
import Testing

/// Marks on Letterpress letters: blank backs for odd duplex letters, one Data Matrix per sheet,
/// rasterised by `pdftoppm -r 300` and read back by libdmtx (`dmtxread`) and zxing-cpp from the
/// clear strip alone (the raster is cropped to the 18 mm strip, so a code spilling out of it
/// would not decode).
@Suite("PrintMarks: blank backs and a Data Matrix per sheet")
struct PrintMarksTests {
    static let batch = "B-20261207-0001"
    static let piece = "P-000123"

    @Test("The sheet code format")
    func sheetCode() {
        #expect(PrintMarks.sheetCode(batchId: "B-20261207-0001", pieceId: "P-000123", sheet: 2, of: 3) == "HRLD|B-20261207-0001|P-000123|S2/3")
    }

    @Test("Pages and sheets: an odd duplex letter gets a blank back, even duplex and simplex none",
          arguments: [(1, true, 2, 1), (3, true, 4, 2), (2, true, 2, 1), (4, true, 4, 2), (1, false, 1, 1), (3, false, 3, 3)])
    func padding(pages: Int, duplex: Bool, expectedPages: Int, expectedSheets: Int) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.letter(pages: pages)
        let marked = try PrintMarks.apply(to: original, batchId: Self.batch, pieceId: Self.piece, duplex: duplex)
        #expect(marked.pages == expectedPages)
        #expect(marked.sheets == expectedSheets)
        #expect(Array(marked.pdf.prefix(original.count)) == original)
        let path = try scratch.write("marked.pdf", marked.pdf)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.pages(path) == expectedPages)
        let text = try await Checkers.text(path)
        for page in 1...pages {
            #expect(text.count >= page && text[page - 1].contains("Page \(page) of the letter"))
        }
    }

    @Test("Each sheet's code decodes (libdmtx and zxing-cpp) to its own n/m; backs carry none",
          arguments: [(3, true), (2, true), (3, false)])
    func decodes(pages: Int, duplex: Bool) async throws {
        let marked = try PrintMarks.apply(to: try Letters.letter(pages: pages), batchId: Self.batch, pieceId: Self.piece, duplex: duplex)
        let expected: [String?] = (0..<marked.pages).map { page in
            if duplex && page % 2 == 1 { return nil }
            let sheet = duplex ? page / 2 + 1 : page + 1
            return "HRLD|\(Self.batch)|\(Self.piece)|S\(sheet)/\(marked.sheets)"
        }
        try await Self.expectCodes(marked.pdf, expected)
    }

    @Test("The sample catalog's payment reminder, duplex: blank back, code on the front, text kept")
    func sampleLetter() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let original = try Letters.paymentReminder()
        let marked = try PrintMarks.apply(to: original, batchId: "B-20261207-0002", pieceId: "P-9", duplex: true)
        #expect(marked.pages == 2 && marked.sheets == 1)
        let path = try scratch.write("reminder.pdf", marked.pdf)
        try await Checkers.expectValid(path)
        #expect(try await Checkers.text(path).first?.contains("Your payment is overdue") == true)
        try await Self.expectCodes(marked.pdf, ["HRLD|B-20261207-0002|P-9|S1/1", nil])
    }

    @Test("Every module lies inside the clear strip with at least one module of quiet zone; top third")
    func placement() throws {
        let marked = try PrintMarks.apply(to: try Letters.letter(pages: 1), batchId: Self.batch, pieceId: Self.piece, duplex: false)
        // Read the rectangles back from the appended content stream (uncompressed).
        let tail = String(decoding: marked.pdf.suffix(marked.pdf.count - (try Letters.letter(pages: 1)).count), as: UTF8.self)
        let rects = tail.split(separator: "\n").filter { $0.hasSuffix(" re") }.map { $0.split(separator: " ").prefix(4).compactMap { Double($0) } }
        try #require(!rects.isEmpty)
        let module = 0.508 * 72 / 25.4, strip = 18 * 72 / 25.4
        let left = rects.map { $0[0] }.min()!, right = rects.map { $0[0] + $0[2] }.max()!
        let bottom = rects.map { $0[1] }.min()!, top = rects.map { $0[1] + $0[3] }.max()!
        #expect(left >= module - 0.01 && right <= strip - module + 0.01, "\(left)…\(right)")
        #expect(abs((right - left) - 22 * module) < 0.01, "a 22×22 symbol")
        #expect(abs(top - 841.89 * 2 / 3) < 0.01 && abs((top - bottom) - 22 * module) < 0.01)
        #expect(abs((left - 0) - (strip - right)) < 0.01, "centred in the strip")
    }

    @Test("Narrow strips: a turned rectangle when the square does not fit, else an error; bad ids refused")
    func limits() async throws {
        let letter = try Letters.letter(pages: 1)
        // 22 + 2 modules = 12.2 mm: an 11 mm strip needs the upright 16×36 rectangle (9.1 mm).
        let narrow = try PrintMarks.apply(to: letter, batchId: Self.batch, pieceId: Self.piece, duplex: false, clearStrip: 11)
        try await Self.expectCodes(narrow.pdf, ["HRLD|\(Self.batch)|\(Self.piece)|S1/1"], strip: 11)
        #expect(throws: PrintMarksError.self) {
            try PrintMarks.apply(to: letter, batchId: Self.batch, pieceId: Self.piece, duplex: false, clearStrip: 6)
        }
        #expect(throws: PrintMarksError.invalidIdentifier(name: "piece id", value: "P|1")) {
            try PrintMarks.apply(to: letter, batchId: Self.batch, pieceId: "P|1", duplex: false)
        }
        #expect(throws: PrintMarksError.invalidIdentifier(name: "batch id", value: "")) {
            try PrintMarks.apply(to: letter, batchId: "", pieceId: "P", duplex: false)
        }
        #expect(throws: PrintMarksError.pdf(.notPDF(reason: "no %PDF- header"))) {
            try PrintMarks.apply(to: Array(repeating: 0x20, count: 100), batchId: "B", pieceId: "P", duplex: false)
        }
    }

    // MARK: Decoding

    static let zxingScript = """
        import sys, zxingcpp
        from PIL import Image
        for path in sys.argv[1:]:
            found = [b for b in zxingcpp.read_barcodes(Image.open(path)) if b.format == zxingcpp.BarcodeFormat.DataMatrix]
            print("|".join(["found %d" % len(found)] + [b.bytes.hex() for b in found]))
        """

    /// Rasterises every page at 300 dpi, cropped to the clear strip (`strip` mm), and checks that
    /// both decoders read exactly `expected[page]` there (nil: no code at all).
    static func expectCodes(_ pdf: [UInt8], _ expected: [String?], strip: Double = 18,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write("marked.pdf", pdf)
        let width = Int((strip / 25.4 * 300).rounded(.down))
        let raster = try await TestProcess.run("pdftoppm", ["-r", "300", "-png", "-x", "0", "-y", "0", "-W", "\(width)", "-H", "3600",
                                                            path, scratch.url.appendingPathComponent("page").path])
        try #require(raster.status == 0, "pdftoppm: \(raster.errors)", sourceLocation: sourceLocation)
        let pages = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
            .filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }.sorted()
            .map { scratch.url.appendingPathComponent($0).path }
        try #require(pages.count == expected.count, sourceLocation: sourceLocation)

        let zxing = try await TestProcess.python(zxingScript, pages)
        try #require(zxing.status == 0, "zxing-cpp: \(zxing.errors)", sourceLocation: sourceLocation)
        let zxingLines = zxing.output.split(separator: "\n").map(String.init)
        try #require(zxingLines.count == expected.count, sourceLocation: sourceLocation)

        for (index, text) in expected.enumerated() {
            let hex = text.map { Array($0.utf8).map { String(format: "%02x", $0) }.joined() }
            #expect(zxingLines[index] == (hex.map { "found 1|\($0)" } ?? "found 0"), "zxing-cpp, page \(index + 1)", sourceLocation: sourceLocation)
            let dmtx = try await TestProcess.run("dmtxread", ["-N1", "-m", "30000", pages[index]])
            if let text {
                #expect(dmtx.status == 0, "dmtxread, page \(index + 1): \(dmtx.errors)", sourceLocation: sourceLocation)
                #expect(dmtx.output == text, "dmtxread, page \(index + 1)", sourceLocation: sourceLocation)
            } else {
                #expect(dmtx.output.isEmpty, "dmtxread found a code on back page \(index + 1): \(dmtx.output)", sourceLocation: sourceLocation)
            }
        }
    }
}
