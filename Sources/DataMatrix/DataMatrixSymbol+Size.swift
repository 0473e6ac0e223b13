extension DataMatrixSymbol {
    /// One of the 30 ECC 200 symbol sizes of ISO/IEC 16022 (Table 7): 24 squares from 10×10 to
    /// 144×144 and 6 rectangles from 8×18 to 16×48. Sizes come only from ``all``; each carries
    /// its layout (data regions) and capacity (data and check codewords, interleaved blocks).
    public struct Size: Sendable, Hashable, CustomStringConvertible {
        /// Modules from top to bottom, finder pattern included, quiet zone excluded.
        public let rows: Int
        /// Modules from left to right, finder pattern included, quiet zone excluded.
        public let columns: Int
        /// Rows of modules of one data region (inside its finder/alignment border).
        let regionRows: Int
        /// Columns of modules of one data region.
        let regionColumns: Int
        /// How many data codewords the symbol holds: the most an encoded message may take.
        public let dataCodewords: Int
        /// How many Reed–Solomon check codewords the symbol holds, over all its blocks.
        public let checkCodewords: Int
        /// How many interleaved Reed–Solomon blocks the codewords are split into.
        let blocks: Int

        /// True for the square sizes.
        public var isSquare: Bool { rows == columns }
        /// Data regions stacked vertically.
        var regionsDown: Int { rows / (regionRows + 2) }
        /// Data regions side by side.
        var regionsAcross: Int { columns / (regionColumns + 2) }
        /// Rows of the mapping matrix: all data regions without their borders.
        var mappingRows: Int { regionsDown * regionRows }
        /// Columns of the mapping matrix.
        var mappingColumns: Int { regionsAcross * regionColumns }

        /// "24×24".
        public var description: String { "\(rows)×\(columns)" }

        private init(_ rows: Int, _ columns: Int, region: (Int, Int), data: Int, check: Int, blocks: Int = 1) {
            self.rows = rows
            self.columns = columns
            self.regionRows = region.0
            self.regionColumns = region.1
            self.dataCodewords = data
            self.checkCodewords = check
            self.blocks = blocks
        }

        /// The size with these dimensions, or nil when ECC 200 has no such size.
        public init?(rows: Int, columns: Int) {
            guard let size = Self.all.first(where: { $0.rows == rows && $0.columns == columns }) else { return nil }
            self = size
        }

        /// Every ECC 200 size, squares then rectangles, each list by increasing capacity.
        public static let all: [Size] = squares + rectangles

        /// The 24 square sizes, 10×10 … 144×144.
        public static let squares: [Size] = [
            Size(10, 10, region: (8, 8), data: 3, check: 5),
            Size(12, 12, region: (10, 10), data: 5, check: 7),
            Size(14, 14, region: (12, 12), data: 8, check: 10),
            Size(16, 16, region: (14, 14), data: 12, check: 12),
            Size(18, 18, region: (16, 16), data: 18, check: 14),
            Size(20, 20, region: (18, 18), data: 22, check: 18),
            Size(22, 22, region: (20, 20), data: 30, check: 20),
            Size(24, 24, region: (22, 22), data: 36, check: 24),
            Size(26, 26, region: (24, 24), data: 44, check: 28),
            Size(32, 32, region: (14, 14), data: 62, check: 36),
            Size(36, 36, region: (16, 16), data: 86, check: 42),
            Size(40, 40, region: (18, 18), data: 114, check: 48),
            Size(44, 44, region: (20, 20), data: 144, check: 56),
            Size(48, 48, region: (22, 22), data: 174, check: 68),
            Size(52, 52, region: (24, 24), data: 204, check: 84, blocks: 2),
            Size(64, 64, region: (14, 14), data: 280, check: 112, blocks: 2),
            Size(72, 72, region: (16, 16), data: 368, check: 144, blocks: 4),
            Size(80, 80, region: (18, 18), data: 456, check: 192, blocks: 4),
            Size(88, 88, region: (20, 20), data: 576, check: 224, blocks: 4),
            Size(96, 96, region: (22, 22), data: 696, check: 272, blocks: 4),
            Size(104, 104, region: (24, 24), data: 816, check: 336, blocks: 6),
            Size(120, 120, region: (18, 18), data: 1050, check: 408, blocks: 6),
            Size(132, 132, region: (20, 20), data: 1304, check: 496, blocks: 8),
            Size(144, 144, region: (22, 22), data: 1558, check: 620, blocks: 10),
        ]

        /// The 6 rectangular sizes of ISO/IEC 16022, 8×18 … 16×48.
        public static let rectangles: [Size] = [
            Size(8, 18, region: (6, 16), data: 5, check: 7),
            Size(8, 32, region: (6, 14), data: 10, check: 11),
            Size(12, 26, region: (10, 24), data: 16, check: 14),
            Size(12, 36, region: (10, 16), data: 22, check: 18),
            Size(16, 36, region: (14, 16), data: 32, check: 24),
            Size(16, 48, region: (14, 22), data: 49, check: 28),
        ]
    }
}
