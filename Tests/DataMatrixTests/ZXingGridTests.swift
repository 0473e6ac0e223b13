import DataMatrix
import HeraldTestSupport
import Testing

/// Our module grids against the ones zxing-cpp's encoder (PyPI `zxing-cpp`, installed by
/// scripts/test.sh) draws for the same message in the same size. Digit strings encode the same
/// way in every encoder (ASCII digit pairs are optimal), so the grids must be identical module for
/// module: this checks Reed–Solomon, interleaving, pads and placement in all 30 sizes.
@Suite("Data Matrix grids against zxing-cpp")
struct ZXingGridTests {
    /// zint's version numbers, which zxing-cpp takes: 1…24 the squares, 25…30 the rectangles.
    static let script = """
        import sys, zxingcpp
        for arg in sys.argv[1:]:
            version, content = arg.split(":", 1)
            barcode = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.DataMatrix, version=int(version))
            image = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))
            rows, columns = image.shape
            data = bytes(image)
            for r in range(rows):
                print("".join("1" if data[r * columns + c] < 128 else "0" for c in range(columns)))
            print()
        """

    @Test("Every size, filled to capacity and half filled (pads), equals zxing-cpp's grid")
    func allSizes() async throws {
        var cases: [(version: Int, content: String, symbol: DataMatrixSymbol)] = []
        for (index, size) in DataMatrixSymbol.Size.all.enumerated() {
            let digits = "31415926535897932384626433832795028841971693993751"
            for count in [2 * size.dataCodewords, size.dataCodewords + 1] {
                let content = String(String(repeating: digits, count: count / digits.count + 1).prefix(count))
                cases.append((index + 1, content, try DataMatrixSymbol.encode(content, size: size)))
            }
        }
        let result = try await TestProcess.python(Self.script, cases.map { "\($0.version):\($0.content)" })
        try #require(result.status == 0, "zxing-cpp: \(result.errors)")
        let grids = result.output.split(separator: "\n", omittingEmptySubsequences: false)
            .split(separator: "").map { $0.map(String.init) }
        try #require(grids.count == cases.count)
        for (grid, item) in zip(grids, cases) {
            let ours = item.symbol.grid.map { row in String(row.map { $0 ? "1" : "0" }) }
            #expect(ours == grid, "\(item.symbol.size), \(item.content.count) digits")
        }
    }
}
