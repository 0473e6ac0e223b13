/// The Reed–Solomon error correction of ECC 200 (ISO/IEC 16022 §5.7): a code over
/// ``GaloisField256`` whose generator polynomial of degree n has the roots α¹ … αⁿ,
/// g(x) = (x − α)(x − α²)…(x − αⁿ). The check codewords of a block are the remainder of
/// d(x)·xⁿ divided by g(x), where the block's first data codeword is the highest coefficient.
enum ReedSolomon {
    /// The coefficients of the generator polynomial of degree `degree`, highest degree first;
    /// the leading coefficient is 1.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 1...degree {
            // Multiply by (x + αⁱ): subtraction is addition in characteristic 2.
            let root = GaloisField256.power(i)
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= GaloisField256.multiply(coefficient, root)
            }
            poly = next
        }
        return poly
    }

    /// The `count` check codewords of one block of data codewords.
    static func checkCodewords(for data: [UInt8], count: Int) -> [UInt8] {
        let g = generator(degree: count)
        // A division register: each data codeword shifts through, fed back by g.
        var remainder = [UInt8](repeating: 0, count: count)
        for codeword in data {
            let feedback = codeword ^ remainder[0]
            for k in 0..<(count - 1) {
                remainder[k] = remainder[k + 1] ^ GaloisField256.multiply(feedback, g[k + 1])
            }
            remainder[count - 1] = GaloisField256.multiply(feedback, g[count])
        }
        return remainder
    }

    /// Data codewords followed by their check codewords, interleaved as ECC 200 does for the
    /// symbols with several blocks: data codeword i belongs to block i mod `blocks`, and the
    /// j-th check codeword of block b is placed at `data.count + b + j × blocks`.
    static func appendCheckCodewords(to data: [UInt8], blocks: Int, checkPerBlock: Int) -> [UInt8] {
        var result = data + [UInt8](repeating: 0, count: blocks * checkPerBlock)
        for block in 0..<blocks {
            let blockData = stride(from: block, to: data.count, by: blocks).map { data[$0] }
            let check = checkCodewords(for: blockData, count: checkPerBlock)
            for (j, codeword) in check.enumerated() {
                result[data.count + block + j * blocks] = codeword
            }
        }
        return result
    }
}
