/// The six-letter subset prefix of an embedded font name (ISO 32000-1, 9.6.4), derived
/// deterministically from the font's name, its registration index and the glyphs kept.
enum SubsetTag {
    static func make(postScriptName: String, index: Int, glyphs: [UInt16]) -> String {
        // FNV-1a, 64 bit.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        for byte in postScriptName.utf8 { mix(byte) }
        mix(UInt8(truncatingIfNeeded: index))
        mix(UInt8(truncatingIfNeeded: index >> 8))
        for glyph in glyphs {
            mix(UInt8(truncatingIfNeeded: glyph >> 8))
            mix(UInt8(truncatingIfNeeded: glyph))
        }
        var letters: [UInt8] = []
        letters.reserveCapacity(6)
        for _ in 0..<6 {
            letters.append(UInt8(ascii: "A") + UInt8(hash % 26))
            hash /= 26
        }
        return String(decoding: letters, as: UTF8.self)
    }
}
