import Testing
@testable import RasterImages

@Suite struct JPEGImageTests {
    @Test func pillowJPEGsAreInspected() async throws {
        let entries = try await PILFixtures.entries("jpeg")
        #expect(entries.count == 4)
        for entry in entries {
            let bytes = try await PILFixtures.bytes(entry.name + ".jpg")
            guard case .jpeg(let jpeg) = try RasterImage.decode(bytes, source: entry.name) else {
                Issue.record("\(entry.name) not recognised as JPEG")
                continue
            }
            #expect(jpeg.width == entry.width && jpeg.height == entry.height, "\(entry.name)")
            #expect(jpeg.components == entry.extra.first, "\(entry.name) components")
            #expect(jpeg.bitsPerComponent == 8)
            #expect(jpeg.data == bytes, "the file is passed through")
            #expect(jpeg.isAdobeInverted == (entry.name == "cmyk"), "\(entry.name): Adobe CMYK flag")
        }
    }

    /// A minimal JPEG header: SOI, optional APP14 Adobe, a frame header with the given marker.
    func header(sof: UInt8, width: Int = 640, height: Int = 480, components: Int = 3, precision: UInt8 = 8, adobe: Bool = false) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        if adobe {
            out += [0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 2]
        }
        let length = 8 + 3 * components
        out += [0xFF, sof, UInt8(length >> 8), UInt8(length & 0xFF), precision,
                UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
        for c in 0..<components { out += [UInt8(c + 1), 0x11, 0] }
        return out + [0xFF, 0xD9]
    }

    @Test func handBuiltHeaders() async throws {
        let jpeg = try JPEGImage.inspect(header(sof: 0xC2, components: 4, adobe: true), source: "a.jpg")
        #expect(jpeg.width == 640 && jpeg.height == 480 && jpeg.components == 4 && jpeg.isAdobeInverted)
        let plain = try JPEGImage.inspect(header(sof: 0xC1, components: 1), source: "b.jpg")
        #expect(plain.components == 1 && !plain.isAdobeInverted)
        // Adobe marker on an RGB file does not mean inverted CMYK.
        #expect(try JPEGImage.inspect(header(sof: 0xC0, adobe: true), source: "c.jpg").isAdobeInverted == false)
    }

    @Test func unsupportedCodingsAreRefusedClearly() {
        #expect(decodeError(header(sof: 0xC3))?.description == "test.img: unsupported image: lossless JPEG (SOF3)")
        #expect(decodeError(header(sof: 0xC9))?.description == "test.img: unsupported image: arithmetic-coded JPEG (SOF9)")
        #expect(decodeError(header(sof: 0xCA))?.reason == .unsupported(feature: "arithmetic-coded JPEG (SOF10)"))
        #expect(decodeError(header(sof: 0xC5))?.reason == .unsupported(feature: "hierarchical JPEG (SOF5)"))
        #expect(decodeError(header(sof: 0xC1, precision: 12))?.reason == .unsupported(feature: "12-bit JPEG samples (only 8-bit)"))
        #expect(decodeError(header(sof: 0xC0, components: 2))?.reason == .unsupported(feature: "JPEG with 2 colour components"))
        #expect(decodeError(header(sof: 0xC0, height: 0))?.description.contains("DNL") == true)
    }

    @Test func oversizedAndTruncatedJPEGs() {
        let huge = decodeError(header(sof: 0xC0, width: 65535, height: 65535))
        #expect(huge?.reason == .tooManyPixels(width: 65535, height: 65535, limit: 40_000_000))
        let file = header(sof: 0xC0)
        let frameEnd = file.count - 2
        for length in 3..<frameEnd {
            let error = decodeError(Array(file[0..<length]))
            #expect(error?.description.contains("truncated") == true, "prefix \(length): \(error?.description ?? "decoded")")
        }
        // Garbage where a marker should be.
        #expect(decodeError([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0x12])?.description.contains("expected a JPEG marker at offset 8") == true)
        // Start of scan before any frame header.
        #expect(decodeError([0xFF, 0xD8, 0xFF, 0xDA, 0, 2])?.description.contains("before the frame header") == true)
    }
}
