import CompressNIO
import NIOCore

/// zlib (RFC 1950) compression of stream data, reusing one deflate state per document.
final class Deflater {
    private let level: Int32
    private var compressor: ZlibCompressor?

    /// - Parameter level: zlib level 1...9 (values outside are clamped; -1 means zlib's default).
    init(level: Int) {
        self.level = level == -1 ? -1 : Int32(Swift.min(Swift.max(level, 1), 9))
    }

    /// Compresses `input` and returns the zlib stream.
    func deflate(_ input: [UInt8]) throws -> [UInt8] {
        let compressor: ZlibCompressor
        if let existing = self.compressor {
            try existing.reset()
            compressor = existing
        } else {
            let configuration = ZlibConfiguration(windowSize: 15, compressionLevel: level, memoryLevel: 8, strategy: .default)
            compressor = try ZlibCompressor(algorithm: .zlib, configuration: configuration)
            self.compressor = compressor
        }
        var source = ByteBuffer(bytes: input)
        var target = ByteBuffer()
        target.reserveCapacity(compressor.maxSize(from: source))
        try compressor.deflate(from: &source, to: &target, flush: .finish)
        return Array(target.readableBytesView)
    }
}
