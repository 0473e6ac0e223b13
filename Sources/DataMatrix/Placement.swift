/// Where each bit of each codeword goes (ISO/IEC 16022 §5.8 and Annex F).
///
/// Codewords are laid into the *mapping matrix* — the data regions side by side without their
/// borders — as 8-module "utah" shapes along diagonals running up-right then down-left, starting
/// at row 4, column 0. Shapes that would leave the matrix wrap to the opposite edge (with the
/// offsets of `module`); where the diagonal sweep meets a corner of the matrix one of four
/// special corner shapes is used instead, depending on the matrix size. A bottom-right 2×2
/// left over in some sizes gets the fixed pattern dark / light / light / dark.
///
/// Then each data region gets its border: a solid dark left column and bottom row (the "L"
/// finder) and a dotted top row and right column (the clock track). In multi-region symbols
/// these borders, back to back, form the alignment patterns between regions.
struct Placement {
    /// The mapping matrix; nil until a module is assigned.
    private var matrix: [Bool?]
    private let rows: Int
    private let columns: Int
    private let codewords: [UInt8]

    /// Places `codewords` (data and check, in order) into a mapping matrix of the given size.
    static func mappingMatrix(codewords: [UInt8], rows: Int, columns: Int) -> [Bool] {
        var placement = Placement(rows: rows, columns: columns, codewords: codewords)
        placement.place()
        return placement.matrix.map { $0 ?? false }
    }

    private init(rows: Int, columns: Int, codewords: [UInt8]) {
        self.rows = rows
        self.columns = columns
        self.codewords = codewords
        matrix = [Bool?](repeating: nil, count: rows * columns)
    }

    private mutating func place() {
        var index = 0
        var row = 4, column = 0
        repeat {
            // The four corner cases, each met at most once, at the start of a sweep.
            if row == rows && column == 0 { corner1(index); index += 1 }
            if row == rows - 2 && column == 0 && columns % 4 != 0 { corner2(index); index += 1 }
            if row == rows - 2 && column == 0 && columns % 8 == 4 { corner3(index); index += 1 }
            if row == rows + 4 && column == 2 && columns % 8 == 0 { corner4(index); index += 1 }
            // Up and to the right.
            repeat {
                if row < rows && column >= 0 && matrix[row * columns + column] == nil {
                    utah(row, column, index)
                    index += 1
                }
                row -= 2
                column += 2
            } while row >= 0 && column < columns
            row += 1
            column += 3
            // Down and to the left.
            repeat {
                if row >= 0 && column < columns && matrix[row * columns + column] == nil {
                    utah(row, column, index)
                    index += 1
                }
                row += 2
                column -= 2
            } while row < rows && column >= 0
            row += 3
            column += 1
        } while row < rows || column < columns
        // The fixed pattern of the untouched bottom-right corner.
        if matrix[rows * columns - 1] == nil {
            matrix[rows * columns - 1] = true
            matrix[rows * columns - 2] = false
            matrix[(rows - 1) * columns - 1] = false
            matrix[(rows - 1) * columns - 2] = true
        }
    }

    /// Sets one module to bit `bit` (1 = most significant … 8 = least) of codeword `index`,
    /// wrapping positions that fall outside the matrix.
    private mutating func module(_ row: Int, _ column: Int, _ index: Int, _ bit: Int) {
        var row = row, column = column
        if row < 0 {
            row += rows
            column += 4 - ((rows + 4) % 8)
        }
        if column < 0 {
            column += columns
            row += 4 - ((columns + 4) % 8)
        }
        let codeword = index < codewords.count ? codewords[index] : 0
        matrix[row * columns + column] = (codeword >> (8 - bit)) & 1 == 1
    }

    /// The standard shape: the codeword's 8 modules up and to the left of (row, column).
    private mutating func utah(_ row: Int, _ column: Int, _ index: Int) {
        module(row - 2, column - 2, index, 1)
        module(row - 2, column - 1, index, 2)
        module(row - 1, column - 2, index, 3)
        module(row - 1, column - 1, index, 4)
        module(row - 1, column, index, 5)
        module(row, column - 2, index, 6)
        module(row, column - 1, index, 7)
        module(row, column, index, 8)
    }

    private mutating func corner1(_ index: Int) {
        module(rows - 1, 0, index, 1)
        module(rows - 1, 1, index, 2)
        module(rows - 1, 2, index, 3)
        module(0, columns - 2, index, 4)
        module(0, columns - 1, index, 5)
        module(1, columns - 1, index, 6)
        module(2, columns - 1, index, 7)
        module(3, columns - 1, index, 8)
    }

    private mutating func corner2(_ index: Int) {
        module(rows - 3, 0, index, 1)
        module(rows - 2, 0, index, 2)
        module(rows - 1, 0, index, 3)
        module(0, columns - 4, index, 4)
        module(0, columns - 3, index, 5)
        module(0, columns - 2, index, 6)
        module(0, columns - 1, index, 7)
        module(1, columns - 1, index, 8)
    }

    private mutating func corner3(_ index: Int) {
        module(rows - 3, 0, index, 1)
        module(rows - 2, 0, index, 2)
        module(rows - 1, 0, index, 3)
        module(0, columns - 2, index, 4)
        module(0, columns - 1, index, 5)
        module(1, columns - 1, index, 6)
        module(2, columns - 1, index, 7)
        module(3, columns - 1, index, 8)
    }

    private mutating func corner4(_ index: Int) {
        module(rows - 1, 0, index, 1)
        module(rows - 1, columns - 1, index, 2)
        module(0, columns - 3, index, 3)
        module(0, columns - 2, index, 4)
        module(0, columns - 1, index, 5)
        module(1, columns - 3, index, 6)
        module(1, columns - 2, index, 7)
        module(1, columns - 1, index, 8)
    }
}
