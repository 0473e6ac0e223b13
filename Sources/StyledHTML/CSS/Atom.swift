/// Names (tags, ids, classes) reduced to 64-bit FNV-1a hashes, so that matching compares
/// integers. A collision would need two different names in one document with equal 64-bit
/// hashes, which is negligible.
enum Atom {
    static func of(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h == 0 ? 1 : h
    }
}
