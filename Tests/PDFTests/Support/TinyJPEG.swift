/// Builds minimal baseline JFIF files of one solid colour, so JPEG pass-through can be tested
/// without an image library: quantisation tables of 1, only DC coefficients (a solid block has no
/// AC energy), a 12-symbol DC Huffman table with 4-bit codes and an AC table holding only EOB.
enum TinyJPEG {
    /// A gray (1 component) or YCbCr (3 components) JPEG of `size`×`size` pixels (a multiple of 8).
    static func solid(gray: UInt8, size: Int = 16) -> [UInt8] {
        build(components: [Double(gray)], size: size)
    }

    static func solid(red: UInt8, green: UInt8, blue: UInt8, size: Int = 16) -> [UInt8] {
        let r = Double(red), g = Double(green), b = Double(blue)
        let y = 0.299 * r + 0.587 * g + 0.114 * b
        let cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
        let cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
        return build(components: [y, cb, cr], size: size)
    }

    private static func build(components: [Double], size: Int) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        // DQT: table 0, all ones
        out += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        // SOF0
        let n = components.count
        out += [0xFF, 0xC0] + be16(8 + 3 * n) + [8] + be16(size) + be16(size) + [UInt8(n)]
        for c in 0..<n { out += [UInt8(c + 1), 0x11, 0x00] }
        // DHT DC table 0: 12 codes of length 4 (symbols 0...11)
        var dcCounts = [UInt8](repeating: 0, count: 16)
        dcCounts[3] = 12
        out += [0xFF, 0xC4] + be16(2 + 1 + 16 + 12) + [0x00] + dcCounts + (0..<12).map { UInt8($0) }
        // DHT AC table 0: one code of length 1 for EOB (0x00)
        var acCounts = [UInt8](repeating: 0, count: 16)
        acCounts[0] = 1
        out += [0xFF, 0xC4] + be16(2 + 1 + 16 + 1) + [0x10] + acCounts + [0x00]
        // SOS
        out += [0xFF, 0xDA] + be16(6 + 2 * n) + [UInt8(n)]
        for c in 0..<n { out += [UInt8(c + 1), 0x00] }
        out += [0x00, 0x3F, 0x00]

        var bits = BitWriter()
        let dc = components.map { Int((8 * ($0.rounded() - 128))) }
        let blocks = (size / 8) * (size / 8)
        var predictor = [Int](repeating: 0, count: n)
        for _ in 0..<blocks {
            for c in 0..<n {
                let diff = dc[c] - predictor[c]
                predictor[c] = dc[c]
                let category = diff == 0 ? 0 : (Int.bitWidth - diff.magnitude.leadingZeroBitCount)
                bits.write(category, count: 4)  // code for symbol k is k (4 bits)
                if category > 0 {
                    bits.write(diff >= 0 ? diff : diff + (1 << category) - 1, count: category)
                }
                bits.write(0, count: 1)  // EOB
            }
        }
        out += bits.finish()
        out += [0xFF, 0xD9]
        return out
    }

    private static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var accumulator = 0
        var filled = 0

        mutating func write(_ value: Int, count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) {
                accumulator = (accumulator << 1) | ((value >> shift) & 1)
                filled += 1
                if filled == 8 { flush() }
            }
        }

        private mutating func flush() {
            let byte = UInt8(accumulator & 0xFF)
            bytes.append(byte)
            if byte == 0xFF { bytes.append(0x00) }
            accumulator = 0
            filled = 0
        }

        mutating func finish() -> [UInt8] {
            while filled != 0 { write(1, count: 1) }
            return bytes
        }
    }
}
