import Testing
@testable import RasterImages

/// Decodes `bytes` expecting an ``ImageError``; returns it (or nil after recording an issue).
func decodeError(_ bytes: [UInt8], limits: ImageLimits = ImageLimits(), sourceLocation: SourceLocation = #_sourceLocation) -> ImageError? {
    do {
        _ = try RasterImage.decode(bytes, source: "test.img", limits: limits)
        Issue.record("expected an ImageError", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.source == "test.img", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("test.img: "), sourceLocation: sourceLocation)
        return error
    }
}

@Suite struct ImageErrorTests {
    @Test func garbageAndEmptyInputAreNotImages() {
        let error = decodeError(Array("<html>hello</html>".utf8))
        #expect(error?.reason == .notAnImage(firstBytes: Array("<html>he".utf8)))
        #expect(error?.description.contains("not a PNG or JPEG image (magic bytes: 3C 68 74 6D") == true)
        #expect(decodeError([])?.description.contains("empty") == true)
        #expect(decodeError([0x89, 0x50, 0x4E])?.reason == .notAnImage(firstBytes: [0x89, 0x50, 0x4E]))
    }

    @Test func oversizedHeaderIsRefusedBeforeDecoding() {
        var builder = PNGBuilder()
        builder.width = 100_000
        builder.height = 100_000
        let error = decodeError(builder.build())
        #expect(error?.reason == .tooManyPixels(width: 100_000, height: 100_000, limit: 40_000_000))
        #expect(error?.description == "test.img: image too large: 100000x100000 pixels exceeds the limit of 40000000 pixels")
        // The largest possible header: no overflow, same refusal.
        builder.width = 0x7FFF_FFFF
        builder.height = 0x7FFF_FFFF
        #expect(decodeError(builder.build())?.description.contains("image too large") == true)
    }

    @Test func configurableLimits() {
        let file = PNGBuilder().build()
        let small = ImageLimits(maxBytes: 20, maxPixels: 100)
        #expect(decodeError(file, limits: small)?.reason == .tooManyBytes(count: file.count, limit: 20))
        #expect(decodeError(file, limits: ImageLimits(maxPixels: 5))?.reason == .tooManyPixels(width: 3, height: 2, limit: 5))
        #expect(throws: Never.self) { try RasterImage.decode(file, source: "ok", limits: ImageLimits(maxPixels: 6)) }
    }

    @Test func badCRCNamesTheChunk() {
        var file = PNGBuilder().build()
        // The first IDAT data byte sits after the signature (8), IHDR (25) and the IDAT header (8).
        file[8 + 25 + 8 + 3] ^= 0x40
        let error = decodeError(file)
        #expect(error?.reason == .badCRC(chunk: "IDAT", offset: 33))
        #expect(error?.description == "test.img: bad CRC in PNG chunk IDAT at offset 33")
    }

    @Test func everyTruncationThrowsOrDecodesTheSameImage() throws {
        var builder = PNGBuilder()
        builder.idatSize = 9
        let file = builder.build()
        let full = try PNGImage.decode(file, source: "full")
        var decodedPrefixes = 0
        for length in 0..<file.count {
            do {
                let image = try PNGImage.decode(Array(file[0..<length]), source: "cut")
                // Only a file cut at a chunk boundary after all the pixel data (missing IEND, or
                // missing only the zlib checksum) may decode; then it is the whole image.
                #expect(image.pixels == full.pixels, "prefix of \(length) bytes")
                decodedPrefixes += 1
            } catch {
                let text = error.description
                #expect(text.contains("truncated") || text.contains("not a PNG"), "prefix \(length): \(text)")
            }
        }
        #expect(decodedPrefixes <= 2)
    }

    @Test func shortImageDataIsTruncated() {
        var builder = PNGBuilder()
        builder.imageData.removeLast(4)
        let error = decodeError(builder.build())
        #expect(error?.description == "test.img: truncated image: the image data inflates to 16 bytes, the header needs 20")
    }

    @Test func corruptZlibAndUnknownFilter() {
        var builder = PNGBuilder()
        builder.imageData[10] = 7
        #expect(decodeError(builder.build())?.description == "test.img: malformed image: unknown filter type 7 in row 1 of the image data")
        // A zlib stream with an invalid block type (3).
        let bad: [UInt8] = [0x78, 0x01, 0x07, 0x00, 0x00]
        var file = Array(PNGBuilder().build().prefix(8 + 25))
        file += PNGBuilder.chunk("IDAT", bad) + PNGBuilder.chunk("IEND", [])
        #expect(decodeError(file)?.reason == .malformed(detail: "corrupt zlib data in the IDAT chunks"))
    }

    @Test func structuralErrorsAreNamed() {
        var builder = PNGBuilder()
        builder.colorType = 3
        #expect(decodeError(builder.build())?.description.contains("without a PLTE chunk") == true)
        builder = PNGBuilder()
        builder.bitDepth = 4
        #expect(decodeError(builder.build())?.description.contains("bit depth 4, not allowed for colour type 2") == true)
        builder = PNGBuilder()
        builder.colorType = 5
        #expect(decodeError(builder.build())?.description.contains("unknown colour type 5") == true)
        builder = PNGBuilder()
        builder.interlace = 2
        #expect(decodeError(builder.build())?.reason == .unsupported(feature: "PNG interlace method 2"))
        builder = PNGBuilder()
        builder.extraChunks = [("ABCD", [1, 2])]
        #expect(decodeError(builder.build())?.reason == .unsupported(feature: "critical PNG chunk ABCD"))
        builder = PNGBuilder()
        builder.width = 0
        #expect(decodeError(builder.build())?.description.contains("invalid size 0x2") == true)
        // IDAT before IHDR.
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let file = signature + PNGBuilder.chunk("IDAT", [1]) + PNGBuilder.chunk("IEND", [])
        #expect(decodeError(file)?.description.contains("the first chunk is IDAT, expected IHDR") == true)
        // No IDAT at all.
        let empty = signature + PNGBuilder.chunk("IHDR", PNGBuilder().ihdr) + PNGBuilder.chunk("IEND", [])
        #expect(decodeError(empty)?.reason == .malformed(detail: "no IDAT chunk"))
        // Only empty IDAT chunks.
        let hollow = signature + PNGBuilder.chunk("IHDR", PNGBuilder().ihdr) + PNGBuilder.chunk("IDAT", []) + PNGBuilder.chunk("IEND", [])
        #expect(decodeError(hollow)?.reason == .malformed(detail: "the IDAT chunks are empty"))
    }

    @Test func randomCorruptionNeverCrashes() {
        // Mutate bytes of a valid interlaced palette PNG, then repair every CRC so the damage
        // reaches the header, palette, zlib and filter code rather than stopping at the CRC check.
        var builder = PNGBuilder()
        builder.width = 9
        builder.height = 7
        builder.colorType = 3
        builder.bitDepth = 2
        builder.interlace = 1
        builder.palette = [0, 0, 0, 255, 255, 255, 255, 0, 0]
        builder.transparency = [0, 128]
        builder.imageData = [UInt8](repeating: 0, count: 100).enumerated().map { UInt8(truncatingIfNeeded: $0.offset * 37) }
        let original = builder.build()
        var generator = SplitMix64(seed: 42)
        var decoded = 0
        for _ in 0..<3000 {
            var file = original
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let index = 8 + Int(generator.next() % UInt64(file.count - 8))
                file[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 3 == 0 { file.removeLast(Int(generator.next() % 20)) }
            repairCRCs(&file)
            do {
                let image = try PNGImage.decode(file, source: "fuzz")
                #expect(image.pixels.count == image.width * image.height * image.components)
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(decoded < 3000)
    }
}

/// Recomputes the CRC of every complete chunk in a PNG file.
func repairCRCs(_ file: inout [UInt8]) {
    var pos = 8
    while pos + 12 <= file.count {
        let length = Int(file[pos]) << 24 | Int(file[pos + 1]) << 16 | Int(file[pos + 2]) << 8 | Int(file[pos + 3])
        guard length >= 0, length <= file.count - pos - 12 else { return }
        let crc = PNGBuilder.be32(PNGBuilder.crc(Array(file[(pos + 4)..<(pos + 8 + length)])))
        file.replaceSubrange((pos + 8 + length)..<(pos + 12 + length), with: crc)
        pos += 12 + length
    }
}

/// A small deterministic random number generator.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
