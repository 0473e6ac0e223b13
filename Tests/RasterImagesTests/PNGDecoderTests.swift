import Foundation
import Testing
@testable import RasterImages

/// The decoded image as RGBA bytes (gray replicated, missing alpha = 255), like Pillow's
/// `convert('RGBA').tobytes()`.
func rgbaBytes(_ image: PNGImage) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(image.width * image.height * 4)
    for i in 0..<(image.width * image.height) {
        if image.components == 1 {
            let g = image.pixels[i]
            out += [g, g, g]
        } else {
            out += image.pixels[(3 * i)..<(3 * i + 3)]
        }
        out.append(image.alpha?[i] ?? 255)
    }
    return out
}

@Suite struct PNGDecoderTests {
    @Test func everyGeneratedPNGMatchesThePILReference() async throws {
        let entries = try await PILFixtures.entries("png")
        #expect(entries.count > 50, "the fixture script should produce every colour type, depth and interlace variant")
        for entry in entries {
            let bytes = try await PILFixtures.bytes(entry.name + ".png")
            let expected = try await PILFixtures.bytes(entry.name + ".rgba")
            let decoded = try RasterImage.decode(bytes, source: entry.name + ".png")
            guard case .png(let image) = decoded else {
                Issue.record("\(entry.name) was not decoded as a PNG")
                continue
            }
            #expect(image.width == entry.width && image.height == entry.height, "\(entry.name): size")
            #expect(image.pixels.count == image.width * image.height * image.components, "\(entry.name): pixel count")
            let actual = rgbaBytes(image)
            if actual != expected {
                let index = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] } ?? min(actual.count, expected.count)
                Issue.record("\(entry.name): first difference at pixel \(index / 4) channel \(index % 4) (got \(actual.count) bytes, expected \(expected.count))")
            }
        }
    }

    @Test func componentsAndAlphaPlanesFollowTheColourType() async throws {
        func image(_ name: String) async throws -> PNGImage {
            try PNGImage.decode(try await PILFixtures.bytes(name + ".png"), source: name)
        }
        #expect(try await image("ct0_d8_n").components == 1)
        #expect(try await image("ct0_d8_n").alpha == nil)
        #expect(try await image("ct2_d16_i").components == 3)
        #expect(try await image("ct3_d8_n").components == 3)
        #expect(try await image("gray_palette").components == 1, "an all-grey palette decodes to gray")
        #expect(try await image("ct3_d4_n").alpha == nil, "a palette without tRNS is opaque")
        #expect(try await image("ct3_d4_n_trns").alpha != nil)
        #expect(try await image("ct2_d8_n_trns").alpha?.contains(0) == true, "the tRNS colour key becomes alpha 0")
        #expect(try await image("ct0_d2_i_trns").alpha?.contains(0) == true, "a 2-bit gray key matches raw samples")
        #expect(try await image("ct4_d8_n").components == 1)
        #expect(try await image("ct6_d16_n").alpha != nil)
        #expect(try await image("opaque_rgba").alpha == nil, "an alpha channel that is all 255 is dropped")
        #expect(try await image("opaque_ga").alpha == nil)
    }

    @Test func decompressionBombIsCutAtTheHeaderSize() async throws {
        // 16x16 gray header, zlib stream of 64 MiB: only 16 * 17 bytes may be inflated.
        let image = try PNGImage.decode(try await PILFixtures.bytes("bomb.png"), source: "bomb.png")
        #expect(image.width == 16 && image.pixels.count == 256)
        #expect(image.pixels.allSatisfy { $0 == 0 })
    }

    @Test func handBuiltRGBWithSubFilter() async throws {
        let image = try PNGImage.decode(PNGBuilder().build(), source: "hand.png")
        #expect(image.width == 3 && image.height == 2 && image.components == 3 && image.alpha == nil)
        // Row 2 uses the Sub filter: 10,20,30 then +5 each, then +250 each (mod 256).
        #expect(image.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 15, 25, 35, 9, 19, 29])
    }

    @Test func manyTinyIDATChunksAndAncillaryChunksAreAccepted() async throws {
        var builder = PNGBuilder()
        builder.idatSize = 1
        builder.extraChunks = [("tEXt", Array("Title\u{0}x".utf8)), ("pHYs", [0, 0, 11, 19, 0, 0, 11, 19, 1])]
        let image = try PNGImage.decode(builder.build(), source: "split.png")
        #expect(image.pixels.prefix(3) == [255, 0, 0])
    }

    @Test func paletteIndexBeyondThePaletteIsBlackNotACrash() async throws {
        var builder = PNGBuilder()
        builder.colorType = 3
        builder.width = 2
        builder.height = 1
        builder.palette = [1, 2, 3]
        builder.imageData = [0, 0, 200]
        let image = try PNGImage.decode(builder.build(), source: "pal.png")
        #expect(image.pixels == [1, 2, 3, 0, 0, 0])
    }

    @Test func largeImageDecodesQuickly() async throws {
        // 2000x1000 RGBA, Paeth filter on every row: a stress for the inner loops.
        var builder = PNGBuilder()
        builder.width = 2000
        builder.height = 1000
        builder.colorType = 6
        var data = [UInt8]()
        data.reserveCapacity(1000 * 8001)
        for y in 0..<1000 {
            data.append(UInt8(y % 5))
            for x in 0..<8000 { data.append(UInt8(truncatingIfNeeded: x &* 7 &+ y)) }
        }
        builder.imageData = data
        let file = builder.build()
        let clock = ContinuousClock()
        var image: PNGImage?
        let elapsed = try clock.measure { image = try PNGImage.decode(file, source: "big.png") }
        #expect(image?.pixels.count == 2000 * 1000 * 3)
        #expect(image?.alpha?.count == 2000 * 1000)
        #expect(elapsed < .seconds(5), "decoding 2 Mpixel RGBA took \(elapsed)")
    }
}
