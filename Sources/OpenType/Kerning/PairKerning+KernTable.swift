extension PairKerning {
    /// Horizontal format 0 pairs of the legacy `kern` table (Microsoft version 0 or Apple
    /// version 1 headers); values of several subtables add up unless a subtable overrides.
    static func readKernTable(_ kern: ByteReader, glyphCount: Int, canStart: inout [Bool]) throws(OpenTypeError) -> [UInt32: Int16] {
        var pairs: [UInt32: Int16] = [:]
        let isApple = try kern.u16(0) == 1
        let tableCount = isApple ? Int(try kern.u32(4)) : Int(try kern.u16(2))
        var subtable = isApple ? 8 : 4
        for _ in 0 ..< min(tableCount, 1024) {
            let length: Int
            let format: UInt16
            let usable: Bool
            let override: Bool
            let header: Int
            if isApple {
                length = Int(try kern.u32(subtable))
                let coverage = try kern.u16(subtable + 4)
                format = coverage & 0xFF
                usable = coverage & 0xE000 == 0
                override = false
                header = subtable + 8
            } else {
                length = Int(try kern.u16(subtable + 2))
                let coverage = try kern.u16(subtable + 4)
                format = coverage >> 8
                usable = coverage & 0x0007 == 0x0001 // horizontal, not minimum, not cross-stream
                override = coverage & 0x0008 != 0
                header = subtable + 6
            }
            var next = subtable + max(length, 1)
            if format == 0 {
                let count = Int(try kern.u16(header))
                let start = header + 8
                // The 16-bit length of big Microsoft subtables overflows; trust the pair count.
                if !isApple { next = start + count * 6 }
                if usable {
                    try kern.require(start, count * 6)
                    for index in 0 ..< count {
                        let record = start + index * 6
                        let left = kern.uncheckedU16(record)
                        let right = kern.uncheckedU16(record + 2)
                        let value = Int16(bitPattern: kern.uncheckedU16(record + 4))
                        guard Int(left) < glyphCount else { continue }
                        let key = UInt32(left) << 16 | UInt32(right)
                        if override {
                            pairs[key] = value
                        } else {
                            pairs[key] = (pairs[key] ?? 0) &+ value
                        }
                        canStart[Int(left)] = true
                    }
                }
            }
            subtable = next
            guard subtable < kern.count else { break }
        }
        return pairs
    }
}
