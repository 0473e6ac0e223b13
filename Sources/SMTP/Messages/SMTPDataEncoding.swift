import NIOCore

/// The DATA content transformation (RFC 5321 §4.5.2): CRLF line ends, a `.` doubled at the
/// start of each line, a final CRLF, then the `.` CRLF terminator.
public enum SMTPDataEncoding {
    /// Appends `bytes` as DATA content to `buffer`.
    public static func write(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: bytes.count + bytes.count / 50 + 8)
        bytes.withUnsafeBufferPointer { p in
            // Runs of bytes that need no change are written whole; the loop only looks for a
            // `.` at a line start and for bare CR or LF.
            func write(_ range: Range<Int>) {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[range])))
            }
            var runStart = 0
            var atLineStart = true
            var index = 0
            let count = p.count
            while index < count {
                let byte = p[index]
                if atLineStart && byte == UInt8(ascii: ".") {
                    write(runStart..<index)
                    buffer.writeInteger(UInt8(ascii: "."))
                    runStart = index
                }
                atLineStart = false
                if byte == 10 {
                    if index == 0 || p[index - 1] != 13 {
                        // Bare LF: make it CRLF.
                        write(runStart..<index)
                        buffer.writeInteger(UInt8(13))
                        runStart = index
                    }
                    atLineStart = true
                } else if byte == 13 && (index + 1 == count || p[index + 1] != 10) {
                    // Bare CR: make it CRLF.
                    write(runStart..<(index + 1))
                    buffer.writeInteger(UInt8(10))
                    runStart = index + 1
                    atLineStart = true
                }
                index += 1
            }
            write(runStart..<count)
            if !(count == 0 || atLineStart) { buffer.writeBytes([13, 10]) }
        }
        buffer.writeBytes([UInt8(ascii: "."), 13, 10])
    }

    /// The DATA content for `bytes` as a new buffer.
    public static func encode(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(bytes, into: &buffer)
        return buffer
    }
}
