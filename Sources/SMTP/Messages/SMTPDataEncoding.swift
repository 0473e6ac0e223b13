import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The DATA content transformation (RFC 5321 §4.5.2): CRLF line ends, a `.` doubled at the
/// start of each line, a final CRLF, then the `.` CRLF terminator.
public enum SMTPDataEncoding {
    /// Appends `bytes` as DATA content to `buffer`.
    public static func write(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: bytes.count + bytes.count / 50 + 8)
        bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            // Runs of bytes that need no change are written whole. `memchr` (vectorised) finds
            // the next CR and the next LF; only there, and at the line start after them, is
            // anything added: a `.` doubled at a line start, bare CR or LF made CRLF.
            func write(_ range: Range<Int>) {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[range])))
            }
            func next(_ byte: UInt8, from index: Int) -> Int {
                guard index < p.count, let found = memchr(base + index, Int32(byte), p.count - index) else { return p.count }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            let count = p.count
            var runStart = 0
            var nextCR = next(13, from: 0)
            var nextLF = next(10, from: 0)
            var lineStart = 0
            while true {
                if lineStart < count && p[lineStart] == UInt8(ascii: ".") {
                    write(runStart..<lineStart)
                    buffer.writeInteger(UInt8(ascii: "."))
                    runStart = lineStart
                }
                let end = min(nextCR, nextLF)
                guard end < count else { break }
                if end == nextCR {
                    if end + 1 < count && p[end + 1] == 10 {
                        lineStart = end + 2  // CRLF
                        nextLF = next(10, from: end + 2)
                    } else {
                        // Bare CR: make it CRLF.
                        write(runStart..<(end + 1))
                        buffer.writeInteger(UInt8(10))
                        runStart = end + 1
                        lineStart = end + 1
                    }
                    nextCR = next(13, from: end + 1)
                } else {
                    // Bare LF: make it CRLF.
                    write(runStart..<end)
                    buffer.writeInteger(UInt8(13))
                    runStart = end
                    lineStart = end + 1
                    nextLF = next(10, from: end + 1)
                }
            }
            write(runStart..<count)
            // Content must end with a line break before the terminator.
            if count > 0 && p[count - 1] != 10 && p[count - 1] != 13 { buffer.writeBytes([13, 10]) }
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
