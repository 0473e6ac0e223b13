/// Builds small PNG files by hand (uncompressed "stored" deflate blocks, bitwise CRC), so tests
/// can make exactly the broken files they need without any tool.
struct PNGBuilder {
    var width: UInt32 = 3
    var height: UInt32 = 2
    var bitDepth: UInt8 = 8
    var colorType: UInt8 = 2
    var interlace: UInt8 = 0
    /// Raw image data: for each row a filter byte and the row's bytes.
    var imageData: [UInt8] = [0, 255, 0, 0, 0, 255, 0, 0, 0, 255,
                              1, 10, 20, 30, 5, 5, 5, 250, 250, 250]
    var palette: [UInt8]? = nil
    var transparency: [UInt8]? = nil
    /// Extra chunks placed before the IDAT chunks.
    var extraChunks: [(String, [UInt8])] = []
    /// Split the zlib stream into IDAT chunks of this many bytes.
    var idatSize: Int = 1 << 20

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let t = Array(type.utf8)
        return be32(UInt32(data.count)) + t + data + be32(crc(t + data))
    }

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let final: UInt8 = i + n >= data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(b << 16 | a)
    }

    var ihdr: [UInt8] {
        Self.be32(width) + Self.be32(height) + [bitDepth, colorType, 0, 0, interlace]
    }

    func build() -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += Self.chunk("IHDR", ihdr)
        for (type, data) in extraChunks { out += Self.chunk(type, data) }
        if let palette { out += Self.chunk("PLTE", palette) }
        if let transparency { out += Self.chunk("tRNS", transparency) }
        let z = Self.zlibStored(imageData)
        var i = 0
        while i < z.count {
            out += Self.chunk("IDAT", Array(z[i..<min(z.count, i + idatSize)]))
            i += idatSize
        }
        out += Self.chunk("IEND", [])
        return out
    }
}
