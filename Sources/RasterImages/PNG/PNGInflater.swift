import CompressNIO
import NIOCore

/// Inflates the zlib stream spread over a PNG's `IDAT` chunks into a buffer of exactly the
/// size the header implies, so a decompression bomb cannot make it allocate more.
enum PNGInflater {
    /// Concatenates the chunk data in `ranges` and inflates it.
    /// - Returns: a buffer whose readable bytes are exactly `expectedSize` long.
    static func inflate(_ bytes: [UInt8], ranges: [Range<Int>], expectedSize: Int, source: String) throws(ImageError) -> ByteBuffer {
        let total = ranges.reduce(0) { $0 + $1.count }
        guard total > 0 else {
            throw ImageError(source: source, reason: .malformed(detail: "the IDAT chunks are empty"))
        }
        let allocator = ByteBufferAllocator()
        var input = allocator.buffer(capacity: total)
        bytes.withUnsafeBufferPointer { all in
            for range in ranges {
                input.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[range])))
            }
        }
        // One spare byte: zlib must have room to see the end of the stream (or excess data).
        var output = allocator.buffer(capacity: expectedSize + 1)
        do {
            let decompressor = try ZlibDecompressor(algorithm: .zlib)
            try decompressor.inflate(from: &input, to: &output)
        } catch let error as CompressNIOError {
            switch error {
            case .bufferOverflow:
                // More data than the image needs: keep what the header describes (as libpng does).
                break
            case .inputBufferOverflow:
                throw ImageError(source: source, reason: .truncated(what: "the compressed image data ends early"))
            case .corruptData:
                throw ImageError(source: source, reason: .malformed(detail: "corrupt zlib data in the IDAT chunks"))
            case .noMoreMemory:
                throw ImageError(source: source, reason: .malformed(detail: "zlib ran out of memory"))
            default:
                throw ImageError(source: source, reason: .malformed(detail: "zlib failed on the IDAT data (\(error))"))
            }
        } catch {
            throw ImageError(source: source, reason: .malformed(detail: "zlib failed on the IDAT data (\(error))"))
        }
        guard output.readableBytes >= expectedSize else {
            throw ImageError(
                source: source,
                reason: .truncated(what: "the image data inflates to \(output.readableBytes) bytes, the header needs \(expectedSize)")
            )
        }
        output.moveWriterIndex(to: output.readerIndex + expectedSize)
        return output
    }
}
