/// The contents of a PNG `IHDR` chunk, validated, with the geometry derived from it.
struct PNGHeader: Sendable, Equatable {
    /// Image width in pixels (≥ 1).
    let width: Int
    /// Image height in pixels (≥ 1).
    let height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16.
    let bitDepth: Int
    /// 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    let colorType: Int
    /// Whether the image data is Adam7-interlaced.
    let interlaced: Bool

    /// One (sub-)image of the encoded data: the whole image, or one of the seven Adam7 passes.
    struct Pass: Sendable, Equatable {
        let x0: Int, y0: Int, dx: Int, dy: Int
        let width: Int, height: Int
    }

    /// Parses the 13 bytes of an `IHDR` chunk.
    init(_ d: UnsafeBufferPointer<UInt8>, source: String) throws(ImageError) {
        guard d.count == 13 else {
            throw ImageError(source: source, reason: .malformed(detail: "IHDR chunk is \(d.count) bytes long, expected 13"))
        }
        let w = Int(d[0]) << 24 | Int(d[1]) << 16 | Int(d[2]) << 8 | Int(d[3])
        let h = Int(d[4]) << 24 | Int(d[5]) << 16 | Int(d[6]) << 8 | Int(d[7])
        guard w > 0, h > 0, w <= 0x7FFF_FFFF, h <= 0x7FFF_FFFF else {
            throw ImageError(source: source, reason: .malformed(detail: "IHDR gives an invalid size \(w)x\(h)"))
        }
        let depth = Int(d[8]), type = Int(d[9])
        let allowed: [Int]
        switch type {
        case 0: allowed = [1, 2, 4, 8, 16]
        case 3: allowed = [1, 2, 4, 8]
        case 2, 4, 6: allowed = [8, 16]
        default:
            throw ImageError(source: source, reason: .malformed(detail: "IHDR gives an unknown colour type \(type)"))
        }
        guard allowed.contains(depth) else {
            throw ImageError(source: source, reason: .malformed(detail: "IHDR gives bit depth \(depth), not allowed for colour type \(type)"))
        }
        guard d[10] == 0 else {
            throw ImageError(source: source, reason: .unsupported(feature: "PNG compression method \(d[10])"))
        }
        guard d[11] == 0 else {
            throw ImageError(source: source, reason: .unsupported(feature: "PNG filter method \(d[11])"))
        }
        guard d[12] <= 1 else {
            throw ImageError(source: source, reason: .unsupported(feature: "PNG interlace method \(d[12])"))
        }
        width = w
        height = h
        bitDepth = depth
        colorType = type
        interlaced = d[12] == 1
    }

    /// Samples per pixel in the encoded data.
    var channels: Int {
        switch colorType {
        case 2: 3
        case 4: 2
        case 6: 4
        default: 1
        }
    }

    /// Bytes per complete pixel, at least 1: the distance the Sub/Average/Paeth filters look back.
    var filterStride: Int { max(1, channels * bitDepth / 8) }

    /// Bytes in one encoded row of `pixels` pixels, without its filter byte.
    func rowBytes(pixels: Int) -> Int { (pixels * channels * bitDepth + 7) / 8 }

    /// The sub-images in encoding order; passes that are empty for this size are left out.
    var passes: [Pass] {
        guard interlaced else { return [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: width, height: height)] }
        let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var result: [Pass] = []
        for (x0, y0, dx, dy) in adam7 {
            let w = width > x0 ? (width - x0 + dx - 1) / dx : 0
            let h = height > y0 ? (height - y0 + dy - 1) / dy : 0
            if w > 0 && h > 0 {
                result.append(Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: w, height: h))
            }
        }
        return result
    }

    /// The exact size of the decompressed image data (filter bytes included).
    var decompressedSize: Int {
        passes.reduce(0) { $0 + $1.height * (1 + rowBytes(pixels: $1.width)) }
    }
}
