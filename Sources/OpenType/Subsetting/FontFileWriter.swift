/// Assembles an sfnt font file from table data: sorted table directory, 4-byte aligned tables,
/// table checksums and `head.checkSumAdjustment`.
struct FontFileWriter {
    private var tables: [(tag: [UInt8], data: [UInt8])] = []

    /// Adds a table; `tag` must be four ASCII characters.
    mutating func add(_ tag: String, _ data: [UInt8]) {
        tables.append((Array(tag.utf8), data))
    }

    /// The font file. The `head` table's checkSumAdjustment (bytes 8..<12) is computed here.
    func assemble() -> [UInt8] {
        let sorted = tables.sorted { $0.tag.lexicographicallyPrecedes($1.tag) }
        let count = sorted.count
        var power = 1
        var log = 0
        while power * 2 <= count {
            power *= 2
            log += 1
        }
        let searchRange = power * 16
        let headerSize = 12 + count * 16
        var total = headerSize
        for table in sorted { total += Self.padded(table.data.count) }

        var file: [UInt8] = []
        file.reserveCapacity(total)
        Self.append32(&file, 0x0001_0000)
        Self.append16(&file, count)
        Self.append16(&file, searchRange)
        Self.append16(&file, log)
        Self.append16(&file, count * 16 - searchRange)
        var offset = headerSize
        var headOffset: Int?
        for table in sorted {
            if table.tag.elementsEqual("head".utf8) { headOffset = offset }
            file.append(contentsOf: table.tag)
            Self.append32(&file, Self.checksum(table.data[...]))
            Self.append32(&file, UInt32(offset))
            Self.append32(&file, UInt32(table.data.count))
            offset += Self.padded(table.data.count)
        }
        for table in sorted {
            file.append(contentsOf: table.data)
            file.append(contentsOf: repeatElement(0, count: Self.padded(table.data.count) - table.data.count))
        }
        if let headOffset, headOffset + 12 <= file.count {
            let adjustment = 0xB1B0_AFBA &- Self.checksum(file[...])
            file[headOffset + 8] = UInt8(truncatingIfNeeded: adjustment >> 24)
            file[headOffset + 9] = UInt8(truncatingIfNeeded: adjustment >> 16)
            file[headOffset + 10] = UInt8(truncatingIfNeeded: adjustment >> 8)
            file[headOffset + 11] = UInt8(truncatingIfNeeded: adjustment)
        }
        return file
    }

    /// `length` rounded up to a multiple of 4.
    static func padded(_ length: Int) -> Int {
        (length + 3) & ~3
    }

    /// The sfnt checksum: the wrapping sum of big-endian 32-bit words, zero-padded.
    static func checksum(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var index = data.startIndex
        let whole = data.startIndex + (data.count & ~3)
        while index < whole {
            sum &+= UInt32(data[index]) << 24 | UInt32(data[index + 1]) << 16 | UInt32(data[index + 2]) << 8 | UInt32(data[index + 3])
            index += 4
        }
        var shift: UInt32 = 24
        while index < data.endIndex {
            sum &+= UInt32(data[index]) << shift
            shift -= 8
            index += 1
        }
        return sum
    }

    static func append16(_ bytes: inout [UInt8], _ value: Int) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    static func append32(_ bytes: inout [UInt8], _ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Overwrites a big-endian 16-bit value.
    static func put16(_ bytes: inout [UInt8], at offset: Int, _ value: Int) {
        guard offset >= 0, offset + 2 <= bytes.count else { return }
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}
