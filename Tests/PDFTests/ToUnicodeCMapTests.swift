import Foundation
import Testing
@testable import PDF

@Suite struct ToUnicodeCMapTests {
    private func cmap(_ mappings: [(glyph: UInt16, text: String)]) -> String {
        String(decoding: ToUnicodeCMap.build(mappings), as: UTF8.self)
    }

    @Test func consecutiveGlyphsAndCharactersBecomeARange() {
        let text = cmap([(36, "A"), (37, "B"), (38, "C"), (40, "x")])
        #expect(text.contains("1 beginbfrange\n<0024> <0026> <0041>\nendbfrange"))
        #expect(text.contains("1 beginbfchar\n<0028> <0078>\nendbfchar"))
    }

    @Test func nonBMPCharactersUseSurrogatePairs() {
        let text = cmap([(5000, "𝔸")])
        #expect(text.contains("<1388> <D835DD38>"))
    }

    @Test func ligaturesMapToSeveralCharacters() {
        let text = cmap([(300, "ffi")])
        #expect(text.contains("<012C> <006600660069>"))
    }

    @Test func rangesDoNotCrossTheHighByteOfTheCode() {
        let text = cmap([(0x00FF, "a"), (0x0100, "b")])
        #expect(!text.contains("beginbfrange"))
        #expect(text.contains("2 beginbfchar"))
    }

    @Test func rangesDoNotOverflowTheLastDestinationByte() {
        let text = cmap([(10, "\u{00FF}"), (11, "\u{0100}")])
        #expect(!text.contains("beginbfrange"))
    }

    @Test func blocksHoldAtMostOneHundredEntries() {
        var mappings: [(glyph: UInt16, text: String)] = []
        for i in 0..<250 {
            let letter = Character(Unicode.Scalar(UInt8(65 + i % 26)))
            mappings.append((glyph: UInt16(i * 2), text: String(letter)))
        }
        let text = cmap(mappings)
        #expect(text.components(separatedBy: "100 beginbfchar").count - 1 == 2)
        #expect(text.contains("50 beginbfchar"))
        #expect(text.hasSuffix("CMapName currentdict /CMap defineresource pop\nend\nend\n"))
    }

    @Test func emptyTextsAreSkipped() {
        #expect(!cmap([(3, "")]).contains("bfchar"))
    }
}
