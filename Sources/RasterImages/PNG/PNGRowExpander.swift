/// Turns unfiltered PNG rows into 8-bit gray or RGB samples plus alpha: expands sub-byte depths
/// and palettes, reduces 16-bit samples to their high byte, and applies `tRNS`.
struct PNGRowExpander {
    private enum Mode {
        /// Gray ≤ 8 bits or palette: unpack an index, then look it up.
        case indexed(bits: Int)
        case gray16(key: Int?)
        case rgb8(key: (Int, Int, Int)?)
        case rgb16(key: (Int, Int, Int)?)
        case grayAlpha8, grayAlpha16, rgba8, rgba16
    }

    private let mode: Mode
    /// Output samples per pixel: 1 or 3.
    let components: Int
    /// Whether an alpha plane is produced.
    let hasAlpha: Bool
    /// For `.indexed`: 256 entries each of R, G, B, A (R doubles as gray).
    private let table: [UInt8]

    init(header: PNGHeader, palette: [UInt8], transparency: [UInt8]?) {
        let depth = header.bitDepth
        let trns = transparency ?? []
        func u16(_ i: Int) -> Int { Int(trns[i]) << 8 | Int(trns[i + 1]) }
        var table: [UInt8] = []
        switch header.colorType {
        case 0 where depth <= 8:
            let maxValue = (1 << depth) - 1
            let key = trns.count >= 2 ? u16(0) : -1
            table = [UInt8](repeating: 255, count: 1024)
            for v in 0...maxValue {
                let gray = UInt8(v * 255 / maxValue)
                table[v] = gray
                table[256 + v] = gray
                table[512 + v] = gray
                table[768 + v] = v == key ? 0 : 255
            }
            mode = .indexed(bits: depth)
            components = 1
            hasAlpha = key >= 0
        case 0:
            mode = .gray16(key: trns.count >= 2 ? u16(0) : nil)
            components = 1
            hasAlpha = trns.count >= 2
        case 2:
            let key = trns.count >= 6 ? (u16(0), u16(2), u16(4)) : nil
            mode = depth == 8 ? .rgb8(key: key) : .rgb16(key: key)
            components = 3
            hasAlpha = key != nil
        case 3:
            let entries = palette.count / 3
            table = [UInt8](repeating: 0, count: 1024)
            var isGray = true
            var translucent = false
            for i in 0..<256 {
                if i < entries {
                    let r = palette[3 * i], g = palette[3 * i + 1], b = palette[3 * i + 2]
                    table[i] = r
                    table[256 + i] = g
                    table[512 + i] = b
                    if r != g || g != b { isGray = false }
                }
                let a: UInt8 = i < entries && i < trns.count ? trns[i] : 255
                table[768 + i] = a
                if a != 255 { translucent = true }
            }
            mode = .indexed(bits: depth)
            components = isGray ? 1 : 3
            hasAlpha = translucent
        case 4:
            mode = depth == 8 ? .grayAlpha8 : .grayAlpha16
            components = 1
            hasAlpha = true
        default:
            mode = depth == 8 ? .rgba8 : .rgba16
            components = 3
            hasAlpha = true
        }
        self.table = table
    }

    /// Expands `count` pixels of one unfiltered row, writing pixel `i` to `pixels + i·step·components`
    /// and its alpha (when produced) to `alpha + i·step`.
    /// - Returns: the bitwise AND of every alpha written (255 when all are opaque).
    func expand(
        row src: UnsafePointer<UInt8>, count n: Int,
        pixels: UnsafeMutablePointer<UInt8>, alpha: UnsafeMutablePointer<UInt8>?, step: Int
    ) -> UInt8 {
        var and: UInt8 = 0xFF
        let c = components
        let ps = step * c
        switch mode {
        case .indexed(let bits):
            table.withUnsafeBufferPointer { t in
                let t = t.baseAddress!
                let mask = (1 << bits) - 1
                for i in 0..<n {
                    let index: Int
                    if bits == 8 {
                        index = Int(src[i])
                    } else {
                        let bit = i * bits
                        index = (Int(src[bit >> 3]) >> (8 - bits - (bit & 7))) & mask
                    }
                    let p = pixels + i * ps
                    p[0] = t[index]
                    if c == 3 {
                        p[1] = t[256 + index]
                        p[2] = t[512 + index]
                    }
                    if let alpha {
                        let a = t[768 + index]
                        alpha[i * step] = a
                        and &= a
                    }
                }
            }
        case .gray16(let key):
            for i in 0..<n {
                pixels[i * ps] = src[2 * i]
                if let alpha, let key {
                    let v = Int(src[2 * i]) << 8 | Int(src[2 * i + 1])
                    let a: UInt8 = v == key ? 0 : 255
                    alpha[i * step] = a
                    and &= a
                }
            }
        case .rgb8(let key):
            if step == 1 && alpha == nil {
                pixels.update(from: src, count: 3 * n)
                break
            }
            for i in 0..<n {
                let s = src + 3 * i, p = pixels + i * ps
                p[0] = s[0]
                p[1] = s[1]
                p[2] = s[2]
                if let alpha, let key {
                    let a: UInt8 = Int(s[0]) == key.0 && Int(s[1]) == key.1 && Int(s[2]) == key.2 ? 0 : 255
                    alpha[i * step] = a
                    and &= a
                }
            }
        case .rgb16(let key):
            for i in 0..<n {
                let s = src + 6 * i, p = pixels + i * ps
                p[0] = s[0]
                p[1] = s[2]
                p[2] = s[4]
                if let alpha, let key {
                    let r = Int(s[0]) << 8 | Int(s[1]), g = Int(s[2]) << 8 | Int(s[3]), b = Int(s[4]) << 8 | Int(s[5])
                    let a: UInt8 = r == key.0 && g == key.1 && b == key.2 ? 0 : 255
                    alpha[i * step] = a
                    and &= a
                }
            }
        case .grayAlpha8:
            guard let alpha else { break }
            for i in 0..<n {
                pixels[i * ps] = src[2 * i]
                let a = src[2 * i + 1]
                alpha[i * step] = a
                and &= a
            }
        case .grayAlpha16:
            guard let alpha else { break }
            for i in 0..<n {
                pixels[i * ps] = src[4 * i]
                let a = src[4 * i + 2]
                alpha[i * step] = a
                and &= a
            }
        case .rgba8:
            guard let alpha else { break }
            for i in 0..<n {
                let s = src + 4 * i, p = pixels + i * ps
                p[0] = s[0]
                p[1] = s[1]
                p[2] = s[2]
                let a = s[3]
                alpha[i * step] = a
                and &= a
            }
        case .rgba16:
            guard let alpha else { break }
            for i in 0..<n {
                let s = src + 8 * i, p = pixels + i * ps
                p[0] = s[0]
                p[1] = s[2]
                p[2] = s[4]
                let a = s[6]
                alpha[i * step] = a
                and &= a
            }
        }
        return and
    }
}
