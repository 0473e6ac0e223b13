/// A Data Matrix ECC 200 symbol (ISO/IEC 16022) as a grid of dark and light modules, ready to be
/// drawn by any renderer: one filled square per dark module.
///
/// ```swift
/// let symbol = try DataMatrixSymbol.encode("HRLD|B-20261207-0001|P-000123|S1/3")
/// for row in 0..<symbol.rows {
///     for column in 0..<symbol.columns where symbol.isDark(row: row, column: column) {
///         // fill the square at (quiet + column, quiet + row) × module size
///     }
/// }
/// ```
///
/// How a symbol is made:
/// 1. the message bytes become data codewords (`Encodation`: ASCII with digit pairs and Upper
///    Shift, or Base 256, whichever is shorter);
/// 2. the smallest ``Size`` of the requested ``Shape`` that holds them is chosen, and its free
///    data codewords are padded (129, then 253-state randomised pads);
/// 3. Reed–Solomon check codewords are computed over GF(256) (`ReedSolomon`), in 1 to 10
///    interleaved blocks depending on the size;
/// 4. all codewords are placed bit by bit into the mapping matrix (`Placement`), which is then
///    cut into data regions, each framed by its finder and clock-track border.
///
/// **Quiet zone.** The grid excludes it: a renderer must leave at least one module of light
/// space on all four sides (more is better for readers: two to four modules are common).
///
/// **Module size.** Make a module a whole number of device pixels or printer dots (e.g. 0.508 mm
/// = 1.44 pt = 12 dots at 600 dpi): libdmtx was seen to miss a symbol whose 0.5 mm modules fell
/// on 5.9 pixels at 300 dpi while reading it at whole-pixel sizes.
///
/// Row 0 is the top row (the clock track); column 0 is the left column (the solid finder edge).
public struct DataMatrixSymbol: Sendable, Hashable {
    /// Which symbol sizes `encode(_:shape:)` may choose from.
    public enum Shape: Sendable, Hashable {
        /// Only the square sizes, 10×10 … 144×144.
        case square
        /// Only the rectangular sizes, 8×18 … 16×48 (at most 49 data codewords).
        case rectangle
        /// Any size: the one with the fewest modules (the square one on a tie).
        case any
    }

    /// The symbol size, with its capacity.
    public let size: Size
    /// Modules from top to bottom (quiet zone excluded).
    public var rows: Int { size.rows }
    /// Modules from left to right (quiet zone excluded).
    public var columns: Int { size.columns }
    /// The modules row by row, `true` = dark: module (r, c) is at `r × columns + c`.
    public let modules: [Bool]
    /// The data and check codewords in the order they were placed (for tests and diagnostics).
    public let codewords: [UInt8]

    /// Whether the module at (`row`, `column`) is dark; row 0 is the top, column 0 the left.
    public func isDark(row: Int, column: Int) -> Bool {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "module outside the symbol")
        return modules[row * columns + column]
    }

    /// The modules as rows of columns, `true` = dark.
    public var grid: [[Bool]] {
        (0..<rows).map { row in Array(modules[(row * columns)..<((row + 1) * columns)]) }
    }

    /// Encodes `bytes` into the smallest symbol of `shape` that holds them.
    /// - Throws: ``DataMatrixError/tooMuchData(codewords:capacity:)`` when no size of that shape is large enough.
    public static func encode(_ bytes: [UInt8], shape: Shape = .any) throws(DataMatrixError) -> DataMatrixSymbol {
        let data = Encodation.codewords(for: bytes)
        let candidates: [Size] = switch shape {
        case .square: Size.squares
        case .rectangle: Size.rectangles
        case .any: Size.all.sorted { ($0.rows * $0.columns, $0.isSquare ? 0 : 1) < ($1.rows * $1.columns, $1.isSquare ? 0 : 1) }
        }
        guard let size = candidates.first(where: { $0.dataCodewords >= data.count }) else {
            throw .tooMuchData(codewords: data.count, capacity: candidates.map(\.dataCodewords).max() ?? 0)
        }
        return DataMatrixSymbol(data: data, size: size)
    }

    /// Encodes the UTF-8 bytes of `text` into the smallest symbol of `shape` that holds them.
    /// Readers return the bytes; most show them as text as they are (ASCII, or UTF-8 for readers
    /// that assume it — no ECI is written).
    /// - Throws: ``DataMatrixError/tooMuchData(codewords:capacity:)`` when no size of that shape is large enough.
    public static func encode(_ text: String, shape: Shape = .any) throws(DataMatrixError) -> DataMatrixSymbol {
        try encode(Array(text.utf8), shape: shape)
    }

    /// Encodes `bytes` into a symbol of exactly `size`.
    /// - Throws: ``DataMatrixError/tooMuchData(codewords:capacity:)`` when they need more data codewords than it has.
    public static func encode(_ bytes: [UInt8], size: Size) throws(DataMatrixError) -> DataMatrixSymbol {
        let data = Encodation.codewords(for: bytes)
        guard data.count <= size.dataCodewords else {
            throw .tooMuchData(codewords: data.count, capacity: size.dataCodewords)
        }
        return DataMatrixSymbol(data: data, size: size)
    }

    /// Encodes the UTF-8 bytes of `text` into a symbol of exactly `size`.
    /// - Throws: ``DataMatrixError/tooMuchData(codewords:capacity:)`` when they need more data codewords than it has.
    public static func encode(_ text: String, size: Size) throws(DataMatrixError) -> DataMatrixSymbol {
        try encode(Array(text.utf8), size: size)
    }

    /// Pads `data`, adds the check codewords and lays out the modules.
    private init(data: [UInt8], size: Size) {
        let padded = Encodation.pad(data, to: size.dataCodewords)
        let codewords = ReedSolomon.appendCheckCodewords(
            to: padded, blocks: size.blocks, checkPerBlock: size.checkCodewords / size.blocks)
        let mapping = Placement.mappingMatrix(codewords: codewords, rows: size.mappingRows, columns: size.mappingColumns)

        var modules = [Bool](repeating: false, count: size.rows * size.columns)
        let blockRows = size.regionRows + 2, blockColumns = size.regionColumns + 2
        for row in 0..<size.rows {
            for column in 0..<size.columns {
                let r = row % blockRows, c = column % blockColumns
                let dark: Bool
                if c == 0 || r == blockRows - 1 {
                    dark = true  // the solid "L": left edge and bottom edge of each region
                } else if r == 0 {
                    dark = c % 2 == 0  // clock track along the top, dark first
                } else if c == blockColumns - 1 {
                    dark = r % 2 == 1  // clock track down the right, light first
                } else {
                    let mappingRow = (row / blockRows) * size.regionRows + r - 1
                    let mappingColumn = (column / blockColumns) * size.regionColumns + c - 1
                    dark = mapping[mappingRow * size.mappingColumns + mappingColumn]
                }
                modules[row * size.columns + column] = dark
            }
        }
        self.size = size
        self.modules = modules
        self.codewords = codewords
    }
}

/// Why a message could not be encoded.
public struct DataMatrixError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case tooMuchData(codewords: Int, capacity: Int)
    }

    private let code: Code

    /// The message needs `codewords` data codewords but the largest allowed symbol holds only
    /// `capacity` (1558 for 144×144, 49 for the rectangles, or the forced size's capacity).
    public static func tooMuchData(codewords: Int, capacity: Int) -> DataMatrixError {
        DataMatrixError(code: .tooMuchData(codewords: codewords, capacity: capacity))
    }

    /// Data codewords the message needs.
    public var codewordsNeeded: Int {
        switch code { case .tooMuchData(let codewords, _): codewords }
    }

    /// Data codewords the largest allowed symbol holds.
    public var capacity: Int {
        switch code { case .tooMuchData(_, let capacity): capacity }
    }

    /// "Data Matrix: the message needs 1600 data codewords, the symbol holds at most 1558".
    public var description: String {
        switch code {
        case .tooMuchData(let codewords, let capacity):
            "Data Matrix: the message needs \(codewords) data codewords, the symbol holds at most \(capacity)"
        }
    }
}
