/// Arithmetic in GF(2⁸) as ECC 200 defines it (ISO/IEC 16022 §5.7.1): the field is built from
/// the prime polynomial x⁸ + x⁵ + x³ + x² + 1 (301 decimal, 0x12D) with α = 2 as generator.
/// Addition is XOR; multiplication and division go through log / antilog tables built once.
enum GaloisField256 {
    /// The field's prime polynomial, 301 = x⁸ + x⁵ + x³ + x² + 1.
    static let primitive = 301

    /// `exp[i]` = αⁱ for i in 0..<255, repeated once more so products can skip a `% 255`.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= primitive }
        }
        return table
    }()

    /// `log[v]` = i such that αⁱ = v, for v in 1...255 (`log[0]` is unused).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    /// The sum (and difference) of two elements.
    static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    /// The product of two elements.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }

    /// The multiplicative inverse of a non-zero element.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "0 has no inverse in GF(256)")
        return exp[255 - log[Int(a)]]
    }

    /// αⁿ for any n ≥ 0.
    static func power(_ n: Int) -> UInt8 { exp[n % 255] }
}
