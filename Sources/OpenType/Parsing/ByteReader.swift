/// Bounds-checked big-endian reads inside one table of a font file.
///
/// Offsets are relative to the start of the table; every read past the table's end throws
/// ``OpenTypeError/truncated(table:offset:)`` naming the table, so malformed fonts never crash.
struct ByteReader: Sendable {
    /// The whole font file.
    let bytes: [UInt8]
    /// Absolute offset of the table's first byte in `bytes`.
    let base: Int
    /// Length of the table in bytes.
    let count: Int
    /// The table tag used in error messages.
    let table: String

    /// A reader over `count` bytes of `bytes` starting at `base`; the range must already be valid.
    init(bytes: [UInt8], base: Int, count: Int, table: String) {
        self.bytes = bytes
        self.base = base
        self.count = count
        self.table = table
    }

    /// Throws unless `length` bytes starting at `offset` lie inside the table.
    @inline(__always)
    func require(_ offset: Int, _ length: Int) throws(OpenTypeError) {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
            throw .truncated(table: table, offset: offset)
        }
    }

    /// Whether `length` bytes starting at `offset` lie inside the table.
    @inline(__always)
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }

    /// An unsigned byte.
    func u8(_ offset: Int) throws(OpenTypeError) -> UInt8 {
        try require(offset, 1)
        return bytes[base + offset]
    }

    /// An unsigned 16-bit big-endian value.
    func u16(_ offset: Int) throws(OpenTypeError) -> UInt16 {
        try require(offset, 2)
        return uncheckedU16(offset)
    }

    /// A signed 16-bit big-endian value.
    func i16(_ offset: Int) throws(OpenTypeError) -> Int16 {
        Int16(bitPattern: try u16(offset))
    }

    /// An unsigned 32-bit big-endian value.
    func u32(_ offset: Int) throws(OpenTypeError) -> UInt32 {
        try require(offset, 4)
        let p = base + offset
        return UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3])
    }

    /// A 16-bit value whose range the caller already checked with ``require(_:_:)`` or ``contains(_:_:)``.
    @inline(__always)
    func uncheckedU16(_ offset: Int) -> UInt16 {
        let p = base + offset
        return UInt16(bytes[p]) << 8 | UInt16(bytes[p + 1])
    }

    /// A 16-bit value, or `fallback` when it lies outside the table.
    @inline(__always)
    func u16(_ offset: Int, or fallback: UInt16) -> UInt16 {
        contains(offset, 2) ? uncheckedU16(offset) : fallback
    }

    /// A reader over a sub-range of this table (for example a subtable), keeping the table name.
    func subReader(at offset: Int, length: Int? = nil) throws(OpenTypeError) -> ByteReader {
        let length = length ?? (count - offset)
        try require(offset, length)
        return ByteReader(bytes: bytes, base: base + offset, count: length, table: table)
    }

    /// The table's bytes.
    var slice: ArraySlice<UInt8> {
        bytes[base ..< base + count]
    }
}
