import Foundation
import Testing
@testable import OpenType

/// Malformed input throws a named error and never crashes; licence bits are honoured.
@Suite struct RobustnessTests {
    @Test func garbageIsRejected() {
        var generator = SeededGenerator(seed: 1)
        for length in [0, 1, 3, 4, 11, 12, 16, 100, 4096] {
            let bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            #expect(throws: OpenTypeError.self) { try OpenTypeFont(data: bytes) }
        }
        // A plausible header with a random table directory and random contents.
        for _ in 0 ..< 200 {
            var bytes = (0 ..< 2048).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            bytes.replaceSubrange(0 ..< 6, with: [0, 1, 0, 0, 0, UInt8.random(in: 1 ... 20, using: &generator)])
            #expect(throws: OpenTypeError.self) { try OpenTypeFont(data: bytes) }
        }
    }

    @Test func otherFormatsNameTheProblem() {
        #expect(throws: OpenTypeError.unsupportedFormat("CFF-based OpenType ('OTTO') fonts are not supported; TrueType outlines (glyf) are required")) {
            try OpenTypeFont(data: Array("OTTO".utf8) + [UInt8](repeating: 0, count: 64))
        }
        #expect(throws: OpenTypeError.self) { try OpenTypeFont(data: Array("ttcf".utf8) + [UInt8](repeating: 0, count: 64)) }
        #expect(throws: OpenTypeError.self) { try OpenTypeFont(data: Array("wOFF".utf8) + [UInt8](repeating: 0, count: 64)) }
    }

    @Test func truncatedFontsThrowNamingTheTable() throws {
        let bytes = TestFonts.sansBytes
        #expect(!bytes.isEmpty)
        for length in [4, 12, 100, 400, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
            do {
                _ = try OpenTypeFont(data: Array(bytes.prefix(length)))
                Issue.record("a font truncated to \(length) bytes was accepted")
            } catch let error as OpenTypeError {
                if case .truncated(let table, _) = error {
                    #expect(!table.isEmpty)
                } else {
                    Issue.record("unexpected error \(error) for length \(length)")
                }
            }
        }
    }

    @Test func missingRequiredTableIsNamed() throws {
        var bytes = TestFonts.sansBytes
        let count = Int(bytes[4]) << 8 | Int(bytes[5])
        for index in 0 ..< count where bytes[12 + index * 16 ..< 16 + index * 16].elementsEqual("hmtx".utf8) {
            bytes[12 + index * 16] = UInt8(ascii: "x")
        }
        #expect(throws: OpenTypeError.missingTable("hmtx")) { try OpenTypeFont(data: bytes) }
    }

    /// Random corruption inside tables: loading may fail, but must throw rather than crash, and a
    /// font that loads must answer every query and subset (or throw) without crashing.
    /// Set OT_FUZZ (iterations) and OT_SEED to fuzz longer locally.
    @Test func mutatedFontsNeverCrash() throws {
        let original = TestFonts.sansBytes
        let tags = ["cmap", "GPOS", "kern", "loca", "glyf", "head", "hhea", "maxp", "hmtx", "name", "OS/2", "post"]
        var locations = tags.compactMap { tag in TestFonts.tableLocation(tag, in: original).map { (tag, $0) } }
        #expect(locations.count == tags.count)
        let tableCount = Int(original[4]) << 8 | Int(original[5])
        locations.append(("sfnt", (offset: 0, length: 12 + tableCount * 16))) // the table directory
        var generator = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["OT_SEED"] ?? "") ?? 42)
        let probe = Array("AVTo Héllo Ωμέγα Жизнь \u{1D538}".unicodeScalars)
        var loaded = 0
        for iteration in 0 ..< (Int(ProcessInfo.processInfo.environment["OT_FUZZ"] ?? "") ?? 300) {
            var bytes = original
            let (_, location) = locations[iteration % locations.count]
            // Table headers hold the offsets and counts; bias mutations toward them.
            let window = Int.random(in: 0 ... 1, using: &generator) == 0 ? min(location.length, 512) : location.length
            for _ in 0 ..< Int.random(in: 1 ... 12, using: &generator) {
                let position = location.offset + Int.random(in: 0 ..< window, using: &generator)
                bytes[position] = Int.random(in: 0 ... 2, using: &generator) == 0 ? 0xFF : UInt8.random(in: 0 ... 255, using: &generator)
            }
            guard let font = try? OpenTypeFont(data: bytes) else { continue }
            loaded += 1
            var glyphs: Set<UInt16> = []
            var previous: UInt16 = 0
            for scalar in probe {
                let glyph = font.glyphID(for: scalar)
                #expect(Int(glyph) < font.glyphCount)
                _ = font.advanceWidth(glyph)
                _ = font.kerning(previous, glyph)
                glyphs.insert(glyph)
                previous = glyph
            }
            for _ in 0 ..< 50 {
                glyphs.insert(UInt16.random(in: 0 ... UInt16.max, using: &generator))
                _ = font.kerning(UInt16.random(in: 0 ... 7000, using: &generator), UInt16.random(in: 0 ... 7000, using: &generator))
            }
            if let subset = try? font.subset(keeping: glyphs) {
                #expect(throws: Never.self) { try OpenTypeFont(data: subset) }
            }
        }
        #expect(loaded > 50, "most single-table corruptions still load")
    }

    /// Patches `OS/2.fsType` of a copy of DejaVu Sans.
    static func sans(fsType: UInt16) throws -> OpenTypeFont {
        var bytes = TestFonts.sansBytes
        let os2 = try #require(TestFonts.tableLocation("OS/2", in: bytes))
        bytes[os2.offset + 8] = UInt8(fsType >> 8)
        bytes[os2.offset + 9] = UInt8(fsType & 0xFF)
        return try OpenTypeFont(data: bytes)
    }

    @Test func restrictedLicenceRefusesToEmbed() throws {
        let glyphs: Set<UInt16> = [36, 37]
        let restricted = try Self.sans(fsType: 0x0002)
        #expect(!restricted.embedding.isEmbeddable)
        #expect(throws: OpenTypeError.embeddingNotPermitted(fsType: 0x0002)) { try restricted.subset(keeping: glyphs) }
        let bitmapOnly = try Self.sans(fsType: 0x0200 | 0x0004)
        #expect(!bitmapOnly.embedding.isEmbeddable)
        #expect(throws: OpenTypeError.self) { try bitmapOnly.subset(keeping: glyphs) }
        // Restricted plus Preview & Print: the less restrictive bit wins.
        let previewAndPrint = try Self.sans(fsType: 0x0002 | 0x0004)
        #expect(previewAndPrint.embedding.isEmbeddable)
        #expect(try previewAndPrint.subset(keeping: glyphs).count < TestFonts.sansBytes.count / 10)
    }

    @Test func noSubsettingEmbedsTheWholeFont() throws {
        let font = try Self.sans(fsType: 0x0100)
        #expect(font.embedding.isEmbeddable)
        #expect(!font.embedding.allowsSubsetting)
        let embedded = try font.subset(keeping: [36])
        #expect(embedded.count == TestFonts.sansBytes.count)
        #expect(try OpenTypeFont(data: embedded).glyphCount == 6253)
    }

    @Test func permissionBits() {
        #expect(EmbeddingPermissions(rawValue: 0).isEmbeddable)
        #expect(EmbeddingPermissions(rawValue: 0x0008).isEmbeddable)
        #expect(!EmbeddingPermissions(rawValue: 0x0002).isEmbeddable)
        #expect(EmbeddingPermissions(rawValue: 0x000A).isEmbeddable)
        #expect(!EmbeddingPermissions(rawValue: 0x0200).isEmbeddable)
        #expect(!EmbeddingPermissions(rawValue: 0x0100).allowsSubsetting)
        #expect(EmbeddingPermissions(rawValue: 0x0004).allowsSubsetting)
    }

    @Test func errorsDescribeTableAndOffset() {
        let error = OpenTypeError.truncated(table: "GPOS", offset: 1234)
        #expect(error.description.contains("GPOS") && error.description.contains("1234"))
    }
}
