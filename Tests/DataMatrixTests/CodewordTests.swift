@testable import DataMatrix
import Testing

/// GF(256), Reed–Solomon, the encodation schemes and the size table, against values published in
/// ISO/IEC 16022 (Annex E generator polynomials, Annex O worked example) and computed by hand.
@Suite("Data Matrix codewords")
struct CodewordTests {
    // MARK: GF(256) with the prime polynomial 301

    @Test("α⁸ reduces by 301 to 45, and the powers of α run through every non-zero element")
    func fieldGenerator() {
        #expect(GaloisField256.power(7) == 128)
        #expect(GaloisField256.power(8) == 45)  // 256 XOR 301
        #expect(GaloisField256.power(9) == 90)
        #expect(GaloisField256.power(255) == 1)
        #expect(Set((0..<255).map { GaloisField256.power($0) }).count == 255)
    }

    @Test("Multiplication agrees with carry-less multiplication reduced by 301")
    func multiplication() {
        func slow(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var product = 0
            for bit in 0..<8 where b >> bit & 1 == 1 { product ^= Int(a) << bit }
            for bit in stride(from: 15, through: 8, by: -1) where product >> bit & 1 == 1 {
                product ^= 301 << (bit - 8)
            }
            return UInt8(product)
        }
        for a in 0...255 {
            for b in stride(from: 0, through: 255, by: 7) {
                #expect(GaloisField256.multiply(UInt8(a), UInt8(b)) == slow(UInt8(a), UInt8(b)))
            }
        }
        #expect(GaloisField256.multiply(2, 128) == 45)
        #expect(GaloisField256.multiply(0, 200) == 0)
        #expect(GaloisField256.add(0x53, 0xCA) == 0x99)
    }

    @Test("Every non-zero element times its inverse is 1; log and antilog are inverse")
    func inverses() {
        for a in 1...255 {
            #expect(GaloisField256.multiply(UInt8(a), GaloisField256.inverse(UInt8(a))) == 1)
            #expect(GaloisField256.exp[GaloisField256.log[a]] == UInt8(a))
        }
    }

    // MARK: Reed–Solomon

    @Test("Generator polynomials of ISO/IEC 16022 Annex E")
    func generators() {
        // Annex E lists the coefficients from x⁰ upwards; ours run from the leading 1 down.
        #expect(ReedSolomon.generator(degree: 5) == [1] + [228, 48, 15, 111, 62].reversed())
        #expect(ReedSolomon.generator(degree: 7) == [1] + [23, 68, 144, 134, 240, 92, 254].reversed())
    }

    @Test("ISO/IEC 16022 Annex O: \"123456\" in a 10×10 symbol")
    func annexExample() throws {
        let symbol = try DataMatrixSymbol.encode("123456")
        #expect(symbol.size == DataMatrixSymbol.Size(rows: 10, columns: 10))
        #expect(symbol.codewords == [142, 164, 186, 114, 25, 5, 88, 102])
    }

    @Test("A codeword block is divisible by the generator: the syndromes at α¹…αⁿ are zero")
    func syndromes() {
        let data: [UInt8] = Array("Herald sheet 1 of 3".utf8)
        for count in [5, 7, 10, 11, 12, 14, 18, 20, 24, 28, 36, 42, 48, 56, 62, 68] {
            let block = data + ReedSolomon.checkCodewords(for: data, count: count)
            for i in 1...count {
                let root = GaloisField256.power(i)
                let value = block.reduce(UInt8(0)) { GaloisField256.multiply($0, root) ^ $1 }
                #expect(value == 0, "degree \(count), root α^\(i)")
            }
        }
    }

    @Test("Interleaved blocks: each block's codewords are its own Reed–Solomon codeword")
    func interleaving() {
        let data = (0..<1558).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let all = ReedSolomon.appendCheckCodewords(to: data, blocks: 10, checkPerBlock: 62)
        #expect(all.count == 1558 + 620)
        for block in 0..<10 {
            let blockData = stride(from: block, to: 1558, by: 10).map { data[$0] }
            #expect(blockData.count == (block < 8 ? 156 : 155))
            let check = stride(from: 1558 + block, to: all.count, by: 10).map { all[$0] }
            #expect(check == ReedSolomon.checkCodewords(for: blockData, count: 62))
        }
    }

    // MARK: Encodation

    @Test("ASCII: digit pairs, single characters, Upper Shift")
    func ascii() {
        #expect(Encodation.asciiCodewords(for: Array("123456".utf8)) == [142, 164, 186])
        #expect(Encodation.asciiCodewords(for: Array("A1".utf8)) == [66, 50])
        #expect(Encodation.asciiCodewords(for: Array("12345".utf8)) == [142, 164, 54])
        #expect(Encodation.asciiCodewords(for: Array("a99b".utf8)) == [98, 229, 99])
        #expect(Encodation.asciiCodewords(for: [0, 127, 128, 255]) == [1, 128, 235, 1, 235, 128])
    }

    @Test("Pads: 129 first, then 253-state randomised by position")
    func padding() {
        // Position 3: 129 + (149 × 3 mod 253) + 1 = 324 → 324 − 254 = 70.
        #expect(Encodation.pad([66], to: 3) == [66, 129, 70])
        #expect(Encodation.pad([66, 67, 68], to: 3) == [66, 67, 68])
        let pads = Encodation.pad([], to: 1558)
        #expect(pads.allSatisfy { $0 >= 1 && $0 <= 254 })
        #expect(pads[0] == 129)
    }

    @Test("Base 256 is chosen for binary data, with a randomised length field")
    func base256() {
        let bytes = [UInt8](repeating: 0xE9, count: 10)
        let codewords = Encodation.codewords(for: bytes)
        #expect(codewords.count == 12)
        #expect(codewords[0] == 231)
        // Undo the 255-state randomising: the length, then the bytes.
        let plain = codewords.enumerated().dropFirst().map { index, value in
            let pseudoRandom = (149 * (index + 1)) % 255 + 1
            return UInt8((Int(value) - pseudoRandom + 256) % 256)
        }
        #expect(plain == [10] + bytes)
        // Long fields take two length codewords: 300 = (1 + 249), 50.
        let long = Encodation.base256Codewords(for: [UInt8](repeating: 200, count: 300))
        let lengthField = [long[1], long[2]].enumerated().map { i, value in
            UInt8((Int(value) - ((149 * (i + 2)) % 255 + 1) + 256) % 256)
        }
        #expect(lengthField == [250, 50])
        // Mostly ASCII text with one accented letter stays ASCII.
        #expect(Encodation.codewords(for: Array("Zoë 12".utf8)).first == 91)
    }

    // MARK: Sizes and capacity

    @Test("30 sizes; codewords fill the mapping matrix exactly (or leave the 2×2 corner)")
    func sizeTable() {
        #expect(DataMatrixSymbol.Size.squares.count == 24)
        #expect(DataMatrixSymbol.Size.rectangles.count == 6)
        for size in DataMatrixSymbol.Size.all {
            let modules = size.mappingRows * size.mappingColumns
            let bits = 8 * (size.dataCodewords + size.checkCodewords)
            #expect(modules - bits == 0 || modules - bits == 4, "\(size)")
            #expect(size.checkCodewords % size.blocks == 0)
            #expect(size.regionsDown * (size.regionRows + 2) == size.rows)
            #expect(size.regionsAcross * (size.regionColumns + 2) == size.columns)
        }
        #expect(DataMatrixSymbol.Size(rows: 11, columns: 11) == nil)
    }

    @Test("The smallest size that fits is chosen, per shape, up to the capacity edges")
    func capacity() throws {
        // An empty message is all pads.
        #expect(try DataMatrixSymbol.encode("").codewords.prefix(3) == [129, 175, 70])
        // 3 data codewords = 6 digits fill 10×10; 7 digits need 12×12.
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 6)).size.description == "10×10")
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 7)).size.description == "12×12")
        #expect(try DataMatrixSymbol.encode("123456", shape: .rectangle).size.description == "8×18")
        // 8×32 and 16×16 both have 256 modules: the square wins a tie.
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 20)).size.description == "16×16")
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 10)).size.description == "12×12")
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 10), shape: .rectangle).size.description == "8×18")
        // 13 codewords: 12×26 (312 modules) is smaller than 18×18 (324).
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 26)).size.description == "12×26")
        #expect(try DataMatrixSymbol.encode(String(repeating: "1", count: 26), shape: .square).size.description == "18×18")
        // The largest symbol: 1558 codewords = 3116 digits.
        let full = try DataMatrixSymbol.encode(String(repeating: "7", count: 3116))
        #expect(full.size.description == "144×144")
        #expect(throws: DataMatrixError.tooMuchData(codewords: 1559, capacity: 1558)) {
            try DataMatrixSymbol.encode(String(repeating: "7", count: 3117))
        }
        #expect(throws: DataMatrixError.tooMuchData(codewords: 50, capacity: 49)) {
            try DataMatrixSymbol.encode(String(repeating: "x", count: 50), shape: .rectangle)
        }
        // Binary: Base 256 holds 1555 bytes (latch + 2 length codewords + 1555 = 1558).
        #expect(try DataMatrixSymbol.encode([UInt8](repeating: 0xFF, count: 1555)).size.description == "144×144")
        #expect(throws: DataMatrixError.self) { try DataMatrixSymbol.encode([UInt8](repeating: 0xFF, count: 1556)) }
        // A forced size.
        let forced = try DataMatrixSymbol.encode("1", size: #require(.init(rows: 26, columns: 26)))
        #expect(forced.rows == 26 && forced.columns == 26 && forced.grid.count == 26)
        #expect(throws: DataMatrixError.tooMuchData(codewords: 4, capacity: 3)) {
            try DataMatrixSymbol.encode("abcd", size: DataMatrixSymbol.Size(rows: 10, columns: 10)!)
        }
    }

    @Test("Finder and clock track on every region border")
    func finderPattern() throws {
        let symbol = try DataMatrixSymbol.encode(String(repeating: "4", count: 100))  // 32×32, 2×2 regions
        #expect(symbol.rows == 32)
        for i in 0..<32 {
            #expect(symbol.isDark(row: i, column: 0))  // solid left edge
            #expect(symbol.isDark(row: 31, column: i))  // solid bottom edge
            #expect(symbol.isDark(row: 0, column: i) == (i % 2 == 0))  // top clock track
            #expect(symbol.isDark(row: i, column: 31) == (i % 2 == 1))  // right clock track
            // Alignment patterns between the regions: solid (rows 15, column 16), dotted (row 16, column 15).
            #expect(symbol.isDark(row: 15, column: i))
            #expect(symbol.isDark(row: i, column: 16))
            #expect(symbol.isDark(row: 16, column: i) == (i % 2 == 0))
            #expect(symbol.isDark(row: i, column: 15) == (i % 2 == 1))
        }
    }
}
