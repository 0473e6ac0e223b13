import Foundation

/// A decoded binary PPM (P6) image, as written by `pdftoppm`.
struct PixelMap {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    init(ppm bytes: [UInt8]) throws {
        var index = 0
        func token() throws -> String {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < bytes.count, !(bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09) { index += 1 }
            guard index > start else { throw FormatError(description: "truncated PPM header") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        guard try token() == "P6" else { throw FormatError(description: "not a P6 PPM") }
        guard let width = Int(try token()), let height = Int(try token()), Int(try token()) == 255 else {
            throw FormatError(description: "bad PPM dimensions")
        }
        index += 1
        guard bytes.count - index >= width * height * 3 else { throw FormatError(description: "PPM data too short") }
        self.width = width
        self.height = height
        pixels = Array(bytes[index..<(index + width * height * 3)])
    }

    /// The RGB value at a pixel.
    func rgb(_ x: Int, _ y: Int) -> (Int, Int, Int) {
        let offset = (y * width + x) * 3
        return (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
    }

    /// The pixel at a point given in PDF points from the top-left corner, for a render at `dpi`.
    func rgb(atPoint x: Double, _ y: Double, dpi: Double) -> (Int, Int, Int) {
        let px = min(max(Int(x * dpi / 72), 0), width - 1)
        let py = min(max(Int(y * dpi / 72), 0), height - 1)
        return rgb(px, py)
    }

    static func close(_ a: (Int, Int, Int), _ b: (Int, Int, Int), tolerance: Int = 8) -> Bool {
        abs(a.0 - b.0) <= tolerance && abs(a.1 - b.1) <= tolerance && abs(a.2 - b.2) <= tolerance
    }
}
