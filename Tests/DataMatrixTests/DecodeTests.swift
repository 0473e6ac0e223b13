import DataMatrix
import Foundation
import HeraldTestSupport
import PDF
import Testing

/// The real proof: symbols drawn into a PDF with the PDF module (0.508 mm modules, a 4-module quiet
/// zone), rasterised by poppler's `pdftoppm -r 300`, and read back by two independent decoders,
/// libdmtx (`dmtxread`, Debian `dmtx-utils`) and zxing-cpp (PyPI `zxing-cpp`). Both must return
/// exactly the bytes that were encoded. scripts/test.sh installs all three tools; a missing one
/// fails the test (``TestProcess/Missing``), it is never skipped.
@Suite("Data Matrix decoded by libdmtx and zxing-cpp")
struct DecodeTests {
    /// One symbol to print and read back.
    struct Case: CustomStringConvertible {
        var label: String
        var bytes: [UInt8]
        var symbol: DataMatrixSymbol
        var description: String { "\(label) (\(symbol.size))" }

        init(_ label: String, _ bytes: [UInt8], shape: DataMatrixSymbol.Shape = .any) throws {
            self.label = label
            self.bytes = bytes
            symbol = try DataMatrixSymbol.encode(bytes, shape: shape)
        }

        init(_ label: String, _ text: String, shape: DataMatrixSymbol.Shape = .any) throws {
            try self.init(label, Array(text.utf8), shape: shape)
        }

        init(_ label: String, _ text: String, size: DataMatrixSymbol.Size) throws {
            self.label = label
            bytes = Array(text.utf8)
            symbol = try DataMatrixSymbol.encode(text, size: size)
        }
    }

    static let sheetCode = "HRLD|B-20261207-0001|P-000123|S1/3"

    static func messages() throws -> [Case] {
        let long = "Herald print batch B-20261207-0001, piece P-000123, sheet 2 of 3; "
            + "inserted into a C5 envelope with window, franked by the bureau on 2026-12-08."
        return [
            try Case("short digits", "123456"),
            try Case("one digit", "7"),
            try Case("sheet code", sheetCode),
            try Case("sheet code, square", sheetCode, shape: .square),
            try Case("sheet code, rectangle", sheetCode, shape: .rectangle),
            try Case("100+ bytes of text", long),
            try Case("accented text (Upper Shift)", "Grüße aus Köln – Blatt 2/3"),
            try Case("every byte value (Base 256, two-byte length)", (0...255).map { UInt8($0) } + (0...50).map { UInt8($0) }),
            try Case("short binary (Base 256)", [0xFF, 0x80, 0x00, 0xC3, 0xA9, 0x7F, 0x90, 0xE9]),
            try Case("largest symbol, 10 blocks", String(repeating: "0123456789", count: 311) + "0123"),
            try Case("88×88, 4 blocks", String(repeating: "Sheet 1/3 of piece P-000123. ", count: 18)),
        ]
    }

    @Test("Decoded text equals the input, for digits, sheet codes, long text, bytes ≥ 128, each shape")
    func messagesRoundTrip() async throws {
        let cases = try Self.messages()
        #expect(cases.map(\.symbol.size.description) == [
            "10×10", "10×10", "22×22", "22×22", "16×36", "44×44", "24×24", "72×72", "16×16", "144×144", "88×88",
        ])
        try await expectDecoded(cases)
    }

    @Test("Every one of the 30 sizes decodes")
    func everySize() async throws {
        let cases = try DataMatrixSymbol.Size.all.map { size in
            try Case("forced size", String("S1/3 P-000123 B-20261207-0001".prefix(size.dataCodewords)), size: size)
        }
        try await expectDecoded(cases)
    }

    // MARK: Rendering and decoding

    /// Module size: 1.44 pt (0.508 mm), exactly 6 pixels at 300 dpi (12 dots at 600 dpi). With
    /// 0.5 mm (5.9 pixels) libdmtx missed one symbol of the 30 that it read at 200, 254, 305, 400
    /// and 600 dpi, and at every whole number of pixels per module: modules should be a whole
    /// number of device pixels, as printers' dots are.
    static let module = 1.44
    /// Light modules around the symbol (the symbology needs one; readers like more).
    static let quietZone = 4

    /// One page per symbol, the page as large as the symbol and its quiet zone; each row of dark
    /// modules drawn as filled rectangles, one per horizontal run.
    static func pdf(_ symbols: [DataMatrixSymbol]) throws -> [UInt8] {
        let writer = PDFWriter(options: PDFOptions())
        for symbol in symbols {
            let page = writer.beginPage(
                width: Double(symbol.columns + 2 * quietZone) * module,
                height: Double(symbol.rows + 2 * quietZone) * module)
            for row in 0..<symbol.rows {
                var column = 0
                while column < symbol.columns {
                    guard symbol.isDark(row: row, column: column) else {
                        column += 1
                        continue
                    }
                    let start = column
                    while column < symbol.columns && symbol.isDark(row: row, column: column) { column += 1 }
                    page.fill(
                        x: Double(quietZone + start) * module, y: Double(quietZone + row) * module,
                        width: Double(column - start) * module, height: module, color: .black)
                }
            }
            writer.end(page: page)
        }
        return try writer.finish()
    }

    static let zxingScript = """
        import sys, zxingcpp
        from PIL import Image
        for path in sys.argv[1:]:
            found = [b for b in zxingcpp.read_barcodes(Image.open(path)) if b.format == zxingcpp.BarcodeFormat.DataMatrix]
            print(found[0].bytes.hex() if len(found) == 1 else "found %d" % len(found))
        """

    /// Renders `cases` into one PDF, rasterises it and checks both decoders read every page.
    func expectDecoded(_ cases: [Case]) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("datamatrix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdfPath = directory.appendingPathComponent("symbols.pdf").path
        try Data(Self.pdf(cases.map(\.symbol))).write(to: URL(fileURLWithPath: pdfPath))

        let raster = try await TestProcess.run("pdftoppm", ["-r", "300", "-png", pdfPath, directory.appendingPathComponent("page").path])
        try #require(raster.status == 0, "pdftoppm: \(raster.errors)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }.sorted()
            .map { directory.appendingPathComponent($0).path }
        try #require(pages.count == cases.count)

        let zxing = try await TestProcess.python(Self.zxingScript, pages)
        try #require(zxing.status == 0, "zxing-cpp: \(zxing.errors)")
        let zxingLines = zxing.output.split(separator: "\n").map(String.init)
        try #require(zxingLines.count == cases.count)

        for (index, item) in cases.enumerated() {
            let expected = item.bytes.map { String(format: "%02x", $0) }.joined()
            #expect(zxingLines[index] == expected, "zxing-cpp, \(item)")
            let dmtx = try await TestProcess.run("dmtxread", ["-N1", "-m", "30000", pages[index]])
            #expect(dmtx.status == 0, "dmtxread, \(item): \(dmtx.errors)")
            #expect([UInt8](dmtx.stdout) == item.bytes, "dmtxread, \(item): \(dmtx.output)")
        }
    }
}
