import NIOCore

/// The DATA content transformation (RFC 5321 §4.5.2): CRLF line ends, a `.` doubled at the
/// start of each line, a final CRLF, then the `.` CRLF terminator.
public enum SMTPDataEncoding {
    /// Appends `bytes` as DATA content to `buffer`.
    public static func write(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: bytes.count + bytes.count / 50 + 8)
        var runStart = 0
        var atLineStart = true
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if atLineStart && byte == UInt8(ascii: ".") {
                buffer.writeBytes(bytes[runStart..<index])
                buffer.writeInteger(UInt8(ascii: "."))
                runStart = index
            }
            atLineStart = false
            if byte == 10 {
                if index == 0 || bytes[index - 1] != 13 {
                    // Bare LF: make it CRLF.
                    buffer.writeBytes(bytes[runStart..<index])
                    buffer.writeInteger(UInt8(13))
                    runStart = index
                }
                atLineStart = true
            } else if byte == 13 && (index + 1 == count || bytes[index + 1] != 10) {
                // Bare CR: make it CRLF.
                buffer.writeBytes(bytes[runStart...index])
                buffer.writeInteger(UInt8(10))
                runStart = index + 1
                atLineStart = true
            }
            index += 1
        }
        buffer.writeBytes(bytes[runStart..<count])
        if !(count == 0 || atLineStart) { buffer.writeBytes([13, 10]) }
        buffer.writeBytes([UInt8(ascii: "."), 13, 10])
    }

    /// The DATA content for `bytes` as a new buffer.
    public static func encode(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(bytes, into: &buffer)
        return buffer
    }
}
