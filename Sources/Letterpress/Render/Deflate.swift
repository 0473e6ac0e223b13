import CompressNIO
import NIOCore

/// zlib compression of image samples, done once per image per process.
enum Deflate {
    static func zlib(_ bytes: [UInt8], level: Int) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let configuration = ZlibConfiguration(windowSize: 15, compressionLevel: Int32(max(1, min(9, level))),
                                              memoryLevel: 8, strategy: .default)
        let output = try input.compress(with: .zlib(configuration: configuration))
        return Array(output.readableBytesView)
    }
}
